"""The real services tests need, and what happens when one is missing.

On a developer's machine a missing PostgreSQL, Redis or Chromium skips the tests
that need it, with the reason shown. In CI (``CI=true``) it fails them: a green
run must mean every layer was exercised.
"""

from __future__ import annotations

import os
import shutil
import socket

import pytest

POSTGRES_ADMIN_URL = os.environ.get("HALLWAY_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("HALLWAY_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
CHROMIUM = os.environ.get("HALLWAY_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def missing_service(what: str) -> None:
    """Skip locally, fail in CI."""
    if in_ci():
        pytest.fail(f"{what} is required in CI but is not available", pytrace=False)
    pytest.skip(f"{what} is not available")


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def require_redis() -> str:
    if not port_open("127.0.0.1", 6379):
        missing_service("Redis on 127.0.0.1:6379")
    return REDIS_URL


def require_postgres() -> str:
    if not port_open("127.0.0.1", 5432):
        missing_service("PostgreSQL on 127.0.0.1:5432")
    return POSTGRES_ADMIN_URL


def require_chromium() -> str:
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        missing_service(f"Chromium at {CHROMIUM}")
    return CHROMIUM


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
