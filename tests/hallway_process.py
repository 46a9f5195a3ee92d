"""Run real ``hallway`` processes for live and browser tests, the way an operator would."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import httpx

from tests.services import free_port

HALLWAY = str(Path(sys.executable).with_name("hallway"))
TEST_SECRET = "live-test-secret-key-that-is-long-enough-0123456789"


def hallway_env(var_dir: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("HALLWAY_")}
    env.update(
        HALLWAY_VAR_DIR=str(var_dir),
        HALLWAY_DATABASE_URL=f"sqlite:///{var_dir / 'hallway.sqlite3'}",
        HALLWAY_SECRET_KEY=TEST_SECRET,
        HALLWAY_REGISTRATIONS_PER_HOUR="100000",  # test people all register from 127.0.0.1
    )
    env.update(extra)
    return env


def run_hallway(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([HALLWAY, *args], env=env, input=stdin, capture_output=True, text=True, timeout=120)


def prepare_site(env: dict[str, str]) -> None:
    """Migrate and load the demo, as the quick start does."""
    for command in (("migrate",), ("demo",)):
        result = run_hallway(env, *command)
        assert result.returncode == 0, result.stderr


@dataclass
class HallwayServer:
    env: dict[str, str]
    workers: int = 1
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "HallwayServer":
        env = {**self.env, "HALLWAY_BASE_URL": self.url}
        log = open(Path(self.env["HALLWAY_VAR_DIR"]) / f"serve-{self.port}.log", "wb")
        self.process = subprocess.Popen(
            [HALLWAY, "serve", "--port", str(self.port), "--workers", str(self.workers)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self._wait_ready()
        return self

    def _wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process and self.process.poll() is None, f"hallway serve exited: {self.log()}"
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"hallway serve did not become ready: {self.log()}")

    def log(self) -> str:
        path = Path(self.env["HALLWAY_VAR_DIR"]) / f"serve-{self.port}.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextmanager
def two_workers(env: dict[str, str]) -> Iterator[tuple[HallwayServer, HallwayServer]]:
    """A migrated demo site served by two processes (they share Redis when the environment names one)."""
    prepare_site(env)
    first, second = HallwayServer(env).start(), HallwayServer(env).start()
    try:
        yield first, second
    finally:
        first.stop()
        second.stop()


@contextmanager
def demo_server(var_dir: Path, **extra: str) -> Iterator[HallwayServer]:
    """The quick start's site (migrated, the demo loaded) served by one real ``hallway serve``."""
    env = hallway_env(var_dir, **extra)
    prepare_site(env)
    server = HallwayServer(env).start()
    try:
        yield server
    finally:
        server.stop()
