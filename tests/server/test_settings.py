"""Settings come from HALLWAY_* variables; a bad one is one clear line, never a traceback."""

from __future__ import annotations

import stat
from typing import Any
from pathlib import Path

import pytest

from server.settings import SettingsError, load_settings
from tests.hallway_process import hallway_env, run_hallway


def test_the_defaults_run_on_sqlite_under_var(tmp_path: Path) -> None:
    settings = load_settings({"HALLWAY_VAR_DIR": str(tmp_path)})

    assert settings.database_url == f"sqlite:///{tmp_path / 'hallway.sqlite3'}"
    assert settings.redis_url is None and settings.smtp_url is None
    assert settings.media_root == tmp_path / "media"
    assert settings.base_url == "http://127.0.0.1:8000" and not settings.secure_cookies


def test_a_missing_secret_key_is_generated_once_and_kept_private(tmp_path: Path) -> None:
    first = load_settings({"HALLWAY_VAR_DIR": str(tmp_path)}).secret_key
    second = load_settings({"HALLWAY_VAR_DIR": str(tmp_path)}).secret_key

    assert first == second and len(first) >= 32
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
    assert load_settings({"HALLWAY_VAR_DIR": str(tmp_path / "other")}).secret_key != first


def test_https_base_url_makes_cookies_secure(tmp_path: Path) -> None:
    settings = load_settings({"HALLWAY_VAR_DIR": str(tmp_path), "HALLWAY_BASE_URL": "https://hallway.example.org/"})

    assert settings.secure_cookies and settings.base_url == "https://hallway.example.org"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("HALLWAY_DATABASE_URL", "mysql://db/hallway", "is not supported"),
        ("HALLWAY_DATABASE_URL", "postgresql://127.0.0.1", "must name a host and a database"),
        ("HALLWAY_DATABASE_URL", "sqlite:///", "must name a file"),
        ("HALLWAY_REDIS_URL", "localhost:6379", "is not a valid URL"),
        ("HALLWAY_REDIS_URL", "redis://127.0.0.1:99999", "has a bad port"),
        ("HALLWAY_BASE_URL", "hallway.example.org", "is not a valid URL"),
        ("HALLWAY_SMTP_URL", "mail.example.org:25", "is not a valid URL"),
        ("HALLWAY_SECRET_KEY", "short", "is too short"),
        ("HALLWAY_REDIS_PREFIX", "has spaces", "may use only"),
    ],
)
def test_a_bad_setting_names_the_variable(tmp_path: Path, name: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings({"HALLWAY_VAR_DIR": str(tmp_path), name: value})

    assert str(raised.value).startswith(name) and message in str(raised.value)


def test_the_cli_reports_a_bad_setting_in_one_line_and_fails(tmp_path: Path) -> None:
    env = hallway_env(tmp_path, HALLWAY_DATABASE_URL="mysql://db/hallway")

    result = run_hallway(env, "migrate")

    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "hallway: HALLWAY_DATABASE_URL='mysql://db/hallway' is not supported: use sqlite:///path or postgresql://host/db"
    ]


async def test_requests_for_another_host_are_reported_once(client: Any, caplog: Any) -> None:
    import logging

    with caplog.at_level(logging.WARNING, logger="hallway"):
        for _ in range(3):
            await client.get("/healthz", headers={"host": "conference.example.org"})
    told = [r.getMessage() for r in caplog.records if "conference.example.org" in r.getMessage()]
    assert len(told) == 1 and "HALLWAY_BASE_URL is http://127.0.0.1:8000" in told[0]
