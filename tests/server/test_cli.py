"""The ``hallway`` command as an operator uses it."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.hallway_process import HallwayServer, hallway_env, prepare_site, run_hallway
from tests.services import free_port


def test_demo_before_migrate_says_what_to_do(tmp_path: Path) -> None:
    result = run_hallway(hallway_env(tmp_path), "demo")

    assert result.returncode != 0
    assert "run `hallway migrate` first" in result.stderr and "Traceback" not in result.stderr


def test_demo_loads_once(tmp_path: Path) -> None:
    env = hallway_env(tmp_path)
    prepare_site(env)

    again = run_hallway(env, "demo")

    assert again.returncode == 0 and again.stdout.strip() == "The demo conference is already loaded."


def test_createuser_admin_makes_a_site_admin_and_refuses_a_duplicate(tmp_path: Path) -> None:
    env = hallway_env(tmp_path)
    prepare_site(env)
    args = ("createuser", "--admin", "--email", "Desk@Library.org", "--name", "Desk", "--password-stdin")

    created = run_hallway(env, *args, stdin="a good long password\n")
    duplicate = run_hallway(env, *args, stdin="a good long password\n")

    assert created.returncode == 0 and created.stdout.strip() == "Created site administrator desk@library.org."
    assert duplicate.returncode != 0
    assert duplicate.stderr.strip() == "hallway: email: An account with this email already exists. Log in instead?"


def test_createuser_without_a_terminal_or_password_says_how(tmp_path: Path) -> None:
    env = hallway_env(tmp_path)
    prepare_site(env)

    result = run_hallway(env, "createuser", "--email", "a@library.org", "--name", "A")

    assert result.returncode != 0 and "--password-stdin" in result.stderr


def test_serve_refuses_an_unreachable_database(tmp_path: Path) -> None:
    env = hallway_env(tmp_path, HALLWAY_DATABASE_URL=f"postgresql://nobody@127.0.0.1:{free_port()}/hallway")

    result = run_hallway(env, "serve", "--port", str(free_port()))

    assert result.returncode != 0
    assert result.stderr.startswith("hallway: cannot reach the database at HALLWAY_DATABASE_URL=")


def test_serve_rejects_a_bad_port(tmp_path: Path) -> None:
    result = run_hallway(hallway_env(tmp_path), "serve", "--port", "70000")

    assert result.returncode != 0 and "a port is at most 65535" in result.stderr


async def test_the_production_path_runs_on_postgresql(tmp_path: Path, postgres_database_url: str) -> None:
    env = hallway_env(tmp_path, HALLWAY_DATABASE_URL=postgres_database_url)
    prepare_site(env)
    server = HallwayServer(env).start()
    try:
        home = httpx.get(server.url + "/")
        ready = httpx.get(server.url + "/readyz").json()
    finally:
        server.stop()

    assert "Resource Sharing Forum" in home.text
    assert ready == {"status": "ready", "checks": {"database": True}}
