"""What the benchmark scripts share: throw-away servers, latency figures and the printed table."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import httpx

HALLWAY = str(Path(sys.executable).with_name("hallway"))
ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def process_serving(command: list[str], port: int, ready_path: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """Run a server process until the block ends; yields its base URL once it answers."""
    url = f"http://127.0.0.1:{port}"
    # From the repository root: started in bench/, `python -m` would let bench/calendar.py
    # shadow the standard library's calendar module inside the server.
    log = open(os.environ["BENCH_SERVER_LOG"], "ab") if os.environ.get("BENCH_SERVER_LOG") else subprocess.DEVNULL
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{command[0]} exited with {process.returncode}")
            try:
                if httpx.get(url + ready_path, timeout=1).status_code < 500:
                    break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def hallway_server(workers: int = 1) -> Iterator[str]:
    """A Hallway on a fresh SQLite database with the demo conference."""
    with tempfile.TemporaryDirectory() as var_dir:
        env = {key: value for key, value in os.environ.items() if not key.startswith("HALLWAY_")}
        env.update(HALLWAY_VAR_DIR=var_dir, HALLWAY_SECRET_KEY="bench-secret-key-long-enough-0123456789abcdef")
        for command in ("migrate", "demo"):
            subprocess.run([HALLWAY, command], env=env, check=True, capture_output=True)
        port = free_port()
        serve = [HALLWAY, "serve", "--port", str(port), "--workers", str(workers)]
        with process_serving(serve, port, "/healthz", env) as url:
            yield url


@dataclass(frozen=True)
class Figure:
    name: str
    count: int
    seconds: float
    latencies: list[float]

    @property
    def per_second(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000 if ordered else 0.0


def print_table(title: str, rows: list[tuple[Figure, Figure]]) -> None:
    """Each row: a Hallway figure and its baseline from the same run."""
    print(f"\n{title}")
    header = f"{'measure':<34}{'ops/s':>10}{'p50 ms':>10}{'p95 ms':>10}{'baseline':>28}{'base ops/s':>12}{'ratio':>8}"
    print(header)
    print("-" * len(header))
    for figure, baseline in rows:
        ratio = figure.per_second / baseline.per_second if baseline.per_second else float("nan")
        print(
            f"{figure.name:<34}{figure.per_second:>10.0f}{figure.percentile(0.5):>10.2f}{figure.percentile(0.95):>10.2f}"
            f"{baseline.name:>28}{baseline.per_second:>12.0f}{ratio:>8.2f}"
        )


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


async def logged_in_people(var_dir: str, count: int, prefix: str) -> list[str]:
    """Accounts with live sessions, written straight into the database and the session store.

    Logging hundreds of people in over HTTP would spend minutes on password
    hashing that the benchmark does not measure. Returns their session cookies.
    """
    import json
    import secrets
    from datetime import datetime, timezone

    from litestar.stores.file import FileStore
    from piccolo.apps.user.tables import BaseUser

    from server.tables import Profile

    hashed = BaseUser.hash_password(secrets.token_urlsafe(16))
    store = FileStore(Path(var_dir) / "sessions", create_directories=True)
    cookies = []
    for number in range(count):
        email = f"{prefix}{number}@example.org"
        user = BaseUser(username=email, email=email, password=hashed, active=True)
        await user.save()
        await Profile(
            user=user.id, display_name=f"{prefix.title()} {number}", updated_at=datetime.now(timezone.utc)
        ).save()
        session_id = secrets.token_hex(32)
        await store.set(session_id, json.dumps({"user_id": user.id}), expires_in=3600)
        cookies.append(session_id)
    return cookies
