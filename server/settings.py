"""Hallway's one settings object, read from ``HALLWAY_*`` environment variables.

Everything configurable lives here so that a newcomer finds every knob in one
place and so that a wrong value fails once, at start-up, with a sentence that
names the variable instead of a traceback deep inside a request.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit

from server.validation import whole_number


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    redis_url: str | None
    secret_key: str
    base_url: str
    media_root: Path
    smtp_url: str | None
    var_dir: Path
    redis_prefix: str = "hallway"
    registrations_per_hour: int = 10
    trusted_proxies: tuple[str, ...] = ()  # addresses whose X-Forwarded-For names the real client
    upload_gb_per_day: int = 20  # what one account may upload to the archive in a day
    background_jobs: bool = True  # each server process runs waiting jobs (media derivatives); off: `hallway jobs`
    pseudo_locales: bool = False  # offer ar-XB (English, right to left) to check layouts mirror

    @property
    def uses_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def sqlite_path(self) -> Path:
        """The database file of a ``sqlite:///path`` URL (relative paths are kept relative)."""
        return Path(self.database_url.removeprefix("sqlite:///"))

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read and check every setting; raise :class:`SettingsError` on the first bad one."""
    env = os.environ if environ is None else environ
    var_dir = Path(env.get("HALLWAY_VAR_DIR") or "var")
    database_url = env.get("HALLWAY_DATABASE_URL") or f"sqlite:///{var_dir / 'hallway.sqlite3'}"
    _check_database_url(database_url)
    redis_url = env.get("HALLWAY_REDIS_URL") or None
    if redis_url:
        _check_url("HALLWAY_REDIS_URL", redis_url, {"redis", "rediss"})
    base_url = (env.get("HALLWAY_BASE_URL") or "http://127.0.0.1:8000").rstrip("/")
    _check_url("HALLWAY_BASE_URL", base_url, {"http", "https"})
    smtp_url = env.get("HALLWAY_SMTP_URL") or None
    if smtp_url:
        _check_url("HALLWAY_SMTP_URL", smtp_url, {"smtp", "smtps", "smtp+starttls"})
    return Settings(
        database_url=database_url,
        redis_url=redis_url,
        secret_key=_secret_key(env.get("HALLWAY_SECRET_KEY"), var_dir),
        base_url=base_url,
        media_root=Path(env.get("HALLWAY_MEDIA_ROOT") or var_dir / "media"),
        smtp_url=smtp_url,
        var_dir=var_dir,
        redis_prefix=_redis_prefix(env.get("HALLWAY_REDIS_PREFIX") or "hallway"),
        registrations_per_hour=_count(
            "HALLWAY_REGISTRATIONS_PER_HOUR", env.get("HALLWAY_REGISTRATIONS_PER_HOUR") or "10"
        ),
        upload_gb_per_day=_count("HALLWAY_UPLOAD_GB_PER_DAY", env.get("HALLWAY_UPLOAD_GB_PER_DAY") or "20"),
        trusted_proxies=_addresses("HALLWAY_TRUSTED_PROXIES", env.get("HALLWAY_TRUSTED_PROXIES") or ""),
        background_jobs=_switch("HALLWAY_BACKGROUND_JOBS", env.get("HALLWAY_BACKGROUND_JOBS") or "on"),
        pseudo_locales=_switch("HALLWAY_PSEUDO_LOCALES", env.get("HALLWAY_PSEUDO_LOCALES") or "off"),
    )


def _addresses(name: str, value: str) -> tuple[str, ...]:
    """A comma-separated list of IP addresses or networks (``127.0.0.1, 10.0.0.0/8``)."""
    found = []
    for part in (piece.strip() for piece in value.split(",")):
        if not part:
            continue
        try:
            ipaddress.ip_network(part, strict=False)
        except ValueError:
            raise SettingsError(
                f"{name} must list IP addresses or networks separated by commas, not {part!r}"
            ) from None
        found.append(part)
    return tuple(found)


def _switch(name: str, value: str) -> bool:
    if value.lower() not in {"on", "off"}:
        raise SettingsError(f"{name}={value!r} must be on or off")
    return value.lower() == "on"


def _count(name: str, value: str) -> int:
    number = whole_number(value)
    if number is None or not 1 <= number <= 1_000_000:
        raise SettingsError(f"{name} must be a whole number from 1 to 1000000, not {value!r}")
    return int(value)


def _check_database_url(url: str) -> None:
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":
        if not url.startswith("sqlite:///") or url == "sqlite:///":
            raise SettingsError(f"HALLWAY_DATABASE_URL={url!r} must name a file, e.g. sqlite:///var/hallway.sqlite3")
        return
    if scheme in {"postgres", "postgresql"}:
        parts = urlsplit(url)
        if not parts.hostname or not parts.path.strip("/"):
            raise SettingsError(
                f"HALLWAY_DATABASE_URL={url!r} must name a host and a database, "
                "e.g. postgresql://user@127.0.0.1:5432/hallway"
            )
        return
    raise SettingsError(f"HALLWAY_DATABASE_URL={url!r} is not supported: use sqlite:///path or postgresql://host/db")


def _check_url(name: str, url: str, schemes: set[str]) -> None:
    parts = urlsplit(url)
    if parts.scheme not in schemes or not parts.hostname:
        wanted = " or ".join(sorted(f"{s}://" for s in schemes))
        raise SettingsError(f"{name}={url!r} is not a valid URL: it must start with {wanted} and name a host")
    try:
        parts.port
    except ValueError as error:
        raise SettingsError(f"{name}={url!r} has a bad port: {error}") from None


def _redis_prefix(prefix: str) -> str:
    """Keys and channels start with this, so several sites (or test runs) can share one Redis."""
    if not all(char.isalnum() or char in "-_." for char in prefix) or len(prefix) > 60:
        raise SettingsError(
            f"HALLWAY_REDIS_PREFIX={prefix!r} may use only letters, digits, '-', '_' and '.' (60 at most)"
        )
    return prefix


def _secret_key(given: str | None, var_dir: Path) -> str:
    """Use the configured key, or one generated once and kept in ``var/secret_key``.

    A key in the code would be shared by every installation; a key generated at
    every start would log everybody out at every restart.
    """
    if given:
        if len(given) < 32:
            raise SettingsError("HALLWAY_SECRET_KEY is too short: use at least 32 random characters")
        return given
    key_file = var_dir / "secret_key"
    try:
        if key_file.exists():
            key = key_file.read_text().strip()
            if len(key) >= 32:
                return key
        var_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
        return key
    except OSError as error:
        raise SettingsError(
            f"HALLWAY_SECRET_KEY is unset and {key_file} cannot be written ({error.strerror}); "
            "set HALLWAY_SECRET_KEY or HALLWAY_VAR_DIR"
        ) from None
