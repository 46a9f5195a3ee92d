"""hallway backup / restore: a new instance comes back with the same events, archive, media and secret key."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import httpx
import pytest

from tests.hallway_process import HallwayServer, hallway_env, prepare_site, run_hallway
from tests.services import require_postgres


def snapshot(server: HallwayServer) -> dict[str, object]:
    """What a visitor sees: the demo event, an archived talk and its recording's bytes (the original upload: a
    compressed copy may or may not be made yet, while the server runs its background jobs)."""
    found = httpx.get(f"{server.url}/api/v1/archive/search", params={"q": "tracked postage"}).json()
    item = httpx.get(found["results"][0]["url"].replace(found["results"][0]["url"].split("/a/")[0], server.url)).text
    media = re.search(r'<source src="(/media/[^"]+)" type="audio/wav">', item).group(1)
    return {
        "event": httpx.get(f"{server.url}/api/v1/events/resource-sharing-forum").json()["title"],
        "hit": found["results"][0]["id"],
        "media": hashlib.sha256(httpx.get(server.url + media).content).hexdigest(),
    }  # a short diff if unequal


def served(env: dict[str, str]) -> dict[str, object]:
    server = HallwayServer(env).start()
    try:
        return snapshot(server)
    finally:
        server.stop()


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_a_backup_restores_into_a_new_instance(tmp_path: Path, database: str, postgres_urls: list[str]) -> None:
    extra = {} if database == "sqlite" else {"HALLWAY_DATABASE_URL": postgres_urls[0]}
    original = hallway_env(tmp_path / "original", **extra)
    original.pop("HALLWAY_SECRET_KEY")  # generated into var/secret_key, as on a real install
    prepare_site(original)
    before = served(original)

    made = run_hallway(original, "backup", str(tmp_path / "backup"))
    assert made.returncode == 0, made.stderr
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["database"] == {"sqlite": "sqlite", "postgres": "postgresql"}[database]
    assert "secret_key" in manifest["files"]

    restored_extra = {} if database == "sqlite" else {"HALLWAY_DATABASE_URL": postgres_urls[1]}
    restored = hallway_env(tmp_path / "restored", **restored_extra)
    restored.pop("HALLWAY_SECRET_KEY")
    result = run_hallway(restored, "restore", str(tmp_path / "backup"))
    assert result.returncode == 0, result.stderr
    assert run_hallway(restored, "migrate").returncode == 0
    assert served(restored) == before
    assert (tmp_path / "restored" / "secret_key").read_text() == (tmp_path / "original" / "secret_key").read_text()

    again = run_hallway(restored, "restore", str(tmp_path / "backup"))
    assert again.returncode != 0 and ("already holds data" in again.stderr or "pg_restore failed" in again.stderr)


def test_a_damaged_backup_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    original = hallway_env(tmp_path / "original")
    prepare_site(original)
    assert run_hallway(original, "backup", str(tmp_path / "backup")).returncode == 0
    victim = next(p for p in (tmp_path / "backup" / "media").rglob("*.wav"))
    victim.write_bytes(victim.read_bytes()[:-10])
    restored = hallway_env(tmp_path / "restored")
    result = run_hallway(restored, "restore", str(tmp_path / "backup"))
    assert result.returncode != 0 and "damaged or incomplete" in result.stderr
    assert not (tmp_path / "restored" / "hallway.sqlite3").exists()
    crowded = run_hallway(original, "backup", str(tmp_path / "backup"))
    assert crowded.returncode != 0 and "is not empty" in crowded.stderr


@pytest.fixture
async def postgres_urls(request: pytest.FixtureRequest) -> object:
    """Two empty PostgreSQL databases (original and restored) for the postgres case."""
    if "postgres" not in request.node.name:
        yield [None, None]
        return
    from contextlib import AsyncExitStack

    from tests.conftest import temporary_postgres_database

    require_postgres()
    async with AsyncExitStack() as stack:
        yield [await stack.enter_async_context(temporary_postgres_database()) for _ in range(2)]


def test_a_backup_with_a_symbolic_link_is_refused(tmp_path: Path) -> None:
    original = hallway_env(tmp_path / "original")
    prepare_site(original)
    backup = tmp_path / "backup"
    assert run_hallway(original, "backup", str(backup)).returncode == 0
    (tmp_path / "host-secret").write_text("someone else's key")
    victim = next(p for p in (backup / "media").rglob("*") if p.is_file())
    victim.unlink()
    victim.symlink_to(tmp_path / "host-secret")  # the host's file would land in the media folder
    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["files"][str(victim.relative_to(backup))] = hashlib.sha256(b"someone else's key").hexdigest()
    (backup / "manifest.json").write_text(json.dumps(manifest))  # checksums that match, as a forger would write

    restored = hallway_env(tmp_path / "restored")
    result = run_hallway(restored, "restore", str(backup))

    assert result.returncode != 0 and "symbolic link" in result.stderr
    assert not (tmp_path / "restored" / "hallway.sqlite3").exists()
