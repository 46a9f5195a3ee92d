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


def test_migrate_says_in_one_line_what_it_did(tmp_path: Path) -> None:
    env = hallway_env(tmp_path)

    first, again = run_hallway(env, "migrate"), run_hallway(env, "migrate")

    assert first.returncode == again.returncode == 0
    [line] = first.stdout.splitlines()  # not Piccolo's report, which calls new migrations both done and not run
    assert line.startswith("Applied ") and "server " in line and line.endswith("the database is up to date.")
    assert again.stdout.strip() == "Nothing to do: the database is up to date."


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


INTEROP = Path(__file__).resolve().parents[1] / "fixtures" / "interop"


def test_import_schedule_creates_the_event_and_a_repeat_changes_nothing(tmp_path: Path) -> None:
    env = hallway_env(tmp_path)
    prepare_site(env)
    source = str(INTEROP / "frab-camp2019.json")

    dry = run_hallway(env, "import-schedule", "camp", source, "--dry-run")
    first = run_hallway(env, "import-schedule", "camp", source)
    again = run_hallway(env, "import-schedule", "camp", source, "--format", "frab-json")

    assert dry.returncode == 0 and "Dry run: nothing was saved." in dry.stdout
    assert "79 new, 0 changed, 0 unchanged sessions" in first.stdout and "Importing sessions" in first.stdout
    assert "0 new, 0 changed, 79 unchanged sessions" in again.stdout


def test_publish_from_the_command_line_and_refuse_an_unchanged_programme(tmp_path: Path) -> None:
    env = hallway_env(tmp_path)
    prepare_site(env)
    run_hallway(env, "import-schedule", "democon", str(INTEROP / "pretalx-democon.json"))

    published = run_hallway(env, "publish", "democon", "--comment", "First programme")
    again = run_hallway(env, "publish", "democon")

    assert published.stdout.strip() == "Published version 1 of democon (36 change(s))."
    assert again.returncode != 0 and again.stderr.strip() == "hallway: Nothing has changed since version 1."


def test_a_broken_schedule_file_is_named_and_nothing_is_imported(tmp_path: Path) -> None:
    env = hallway_env(tmp_path)
    prepare_site(env)
    broken = tmp_path / "broken.json"
    broken.write_text(
        (INTEROP / "pretalx-democon.json").read_text().replace('"duration": "00:30"', '"duration": "half an hour"', 1)
    )

    result = run_hallway(env, "import-schedule", "democon", str(broken))
    missing = run_hallway(env, "import-schedule", "democon", str(tmp_path / "nope.json"))

    assert result.returncode != 0 and "duration 'half an hour' is not HH:MM" in result.stderr
    assert "Traceback" not in result.stderr
    assert run_hallway(env, "publish", "democon").stderr.strip() == "hallway: there is no event 'democon'"
    assert missing.returncode != 0 and "cannot read" in missing.stderr


def test_grant_makes_an_account_an_organiser(tmp_path: Path) -> None:
    env = hallway_env(tmp_path)
    prepare_site(env)
    run_hallway(
        env, "createuser", "--email", "ada@library.org", "--name", "Ada", "--password-stdin", stdin="long enough pass\n"
    )

    granted = run_hallway(env, "grant", "resource-sharing-forum", "ada@library.org")
    unknown = run_hallway(env, "grant", "resource-sharing-forum", "nobody@library.org")

    assert granted.stdout.strip() == "ada@library.org is now organiser of resource-sharing-forum."
    assert unknown.returncode != 0 and "there is no account for nobody@library.org" in unknown.stderr
