"""A PostgreSQL cluster of the test's own, so a test may stop and restart it without touching the shared one."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.services import free_port, missing_service

BIN = Path("/usr/lib/postgresql/15/bin")


def _tool(name: str) -> str:
    found = shutil.which(name) or (str(BIN / name) if (BIN / name).exists() else None)
    if found is None:
        missing_service(f"PostgreSQL's {name} (to run a cluster of the test's own)")
    return str(found)


class PrivatePostgres:
    def __init__(self) -> None:
        # Not under pytest's tmp_path: its folders are private to root, and the cluster runs as postgres.
        self.directory = Path(tempfile.mkdtemp(prefix="hallway-postgres-"))
        self.data = self.directory / "data"
        self.port = free_port()

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/hallway"

    def _run(self, *command: str) -> None:
        # PostgreSQL refuses to run as root; CI machines run tests as root, so the cluster belongs to postgres.
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        result = subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, f"{' '.join(command)}: {result.stdout}{result.stderr}"

    def create(self) -> "PrivatePostgres":
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        self._run(_tool("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "--no-sync")
        self.start()
        self._run(_tool("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "hallway")
        return self

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory} -c fsync=off"
        self._run(
            _tool("pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.directory / "log"), "-w", "start"
        )

    def stop(self) -> None:
        """A fast shutdown: open transactions are rolled back and connections are cut, as in a real restart."""
        self._run(_tool("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)
