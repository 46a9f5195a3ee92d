"""``hallway backup DIR`` and ``hallway restore DIR``: the database, the media and the secret key.

SQLite is copied with SQLite's online backup API (a consistent copy while Hallway runs);
PostgreSQL with ``pg_dump --format=custom`` and restored with ``pg_restore``. A manifest
lists every file with its SHA-256, so a damaged backup is refused before anything is
overwritten.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from server.settings import Settings

MANIFEST = "manifest.json"
FORMAT = "hallway-backup/1"


class BackupProblem(Exception):
    """Why a backup cannot be made or restored, in one sentence."""


def make_backup(settings: Settings, directory: Path) -> dict[str, Any]:
    if directory.exists() and any(directory.iterdir()):
        raise BackupProblem(f"{directory} is not empty")
    directory.mkdir(parents=True, exist_ok=True)
    if settings.uses_sqlite:
        _copy_sqlite(settings.sqlite_path, directory / "database.sqlite3")
    else:
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                f"--file={directory / 'database.pgdump'}",
                settings.database_url,
            ],
            "pg_dump",
        )
    if settings.media_root.exists():
        shutil.copytree(settings.media_root, directory / "media", ignore=shutil.ignore_patterns(".partial"))
    key_file = settings.var_dir / "secret_key"
    if key_file.exists():
        shutil.copyfile(key_file, directory / "secret_key")
        os.chmod(directory / "secret_key", 0o600)
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "made_at": datetime.now(timezone.utc).isoformat(),
        "database": _kind(settings),
        "files": _checksums(directory),
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return manifest


def restore_backup(settings: Settings, directory: Path) -> dict[str, Any]:
    """Restore into this instance; its database must be empty (run on a new instance, with Hallway stopped)."""
    manifest = _checked_manifest(directory)
    if manifest["database"] != _kind(settings):
        raise BackupProblem(
            f"this backup holds a {manifest['database']} database; HALLWAY_DATABASE_URL names another kind"
        )
    if settings.uses_sqlite:
        target = settings.sqlite_path
        if target.exists() and _sqlite_has_data(target):
            raise BackupProblem(f"{target} already holds data: restore into a new instance")
        target.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        _copy_sqlite(directory / "database.sqlite3", target)
    else:
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--exit-on-error",
                f"--dbname={settings.database_url}",
                str(directory / "database.pgdump"),
            ],
            "pg_restore",
        )
    if (directory / "media").exists():
        shutil.copytree(directory / "media", settings.media_root, dirs_exist_ok=True)
    if (directory / "secret_key").exists():
        settings.var_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(directory / "secret_key", settings.var_dir / "secret_key")
        os.chmod(settings.var_dir / "secret_key", 0o600)
    return manifest


def _kind(settings: Settings) -> str:
    return "sqlite" if settings.uses_sqlite else "postgresql"


def _copy_sqlite(source: Path, target: Path) -> None:
    if not source.exists():
        raise BackupProblem(f"there is no database at {source}")
    origin, copy = sqlite3.connect(source), sqlite3.connect(target)
    try:
        origin.backup(copy)
    finally:
        origin.close()
        copy.close()


def _sqlite_has_data(path: Path) -> bool:
    connection = sqlite3.connect(path)
    try:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return "event" in tables and connection.execute("SELECT count(*) FROM event").fetchone()[0] > 0
    finally:
        connection.close()


def _run(command: list[str], tool: str) -> None:
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    except FileNotFoundError:
        raise BackupProblem(f"{tool} is not installed (Debian: postgresql-client)") from None
    if result.returncode != 0:
        raise BackupProblem(
            f"{tool} failed: {result.stderr.strip().splitlines()[-1] if result.stderr else 'no message'}"
        )


def _checksums(directory: Path) -> dict[str, str]:
    return {
        str(path.relative_to(directory)): _sha256(path)
        for path in sorted(directory.rglob("*"))
        if path.is_file() and path.name != MANIFEST
    }


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _checked_manifest(directory: Path) -> dict[str, Any]:
    links = [path for path in [directory, *directory.rglob("*")] if path.is_symlink()]
    if links:  # a link could bring any file of this host into the media folder, or replace the secret key
        raise BackupProblem(f"the backup holds a symbolic link, which is never allowed: {links[0]}")
    try:
        manifest: dict[str, Any] = json.loads((directory / MANIFEST).read_text())
    except (OSError, ValueError):
        raise BackupProblem(f"{directory} has no readable {MANIFEST}: is it a Hallway backup?") from None
    if manifest.get("format") != FORMAT:
        raise BackupProblem(f"{directory} is not a {FORMAT} backup")
    found = _checksums(directory)
    if found != manifest["files"]:
        damaged = sorted(set(found.items()) ^ set(manifest["files"].items()))
        raise BackupProblem(f"the backup is damaged or incomplete ({damaged[0][0]} does not match its manifest)")
    return manifest
