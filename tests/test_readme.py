"""The README's quick start is the truth: the Makefile and CI run exactly those commands."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "the quick start has no shell block"
    return [line.split("#", 1)[0].strip() for line in block.group(1).splitlines() if line.split("#", 1)[0].strip()]


def make_recipe(target: str) -> list[str]:
    makefile = (ROOT / "Makefile").read_text()
    match = re.search(rf"^{target}:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert match, f"the Makefile has no {target!r} target"
    return [line.strip() for line in match.group(1).splitlines()]


def test_the_quick_start_is_two_commands_one_to_run_and_one_to_test() -> None:
    assert quick_start_commands() == ["make run", "make test"]


def test_make_run_migrates_loads_the_demo_and_serves() -> None:
    recipe = make_recipe("run")

    assert [line.split()[0].rsplit("/", 1)[-1] + " " + line.split()[1] for line in recipe] == [
        "hallway migrate",
        "hallway demo",
        "hallway serve",
    ]


def test_make_test_runs_the_format_lint_and_type_gates_then_pytest() -> None:
    assert make_recipe("test") == [
        "$(BIN)/ruff format --check .",
        "$(BIN)/ruff check .",
        "$(BIN)/mypy",
        "$(BIN)/pytest",
    ]


def test_ci_runs_the_readme_test_command() -> None:
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]

    assert quick_start_commands()[1] in ci_lines


def test_make_run_on_another_port_builds_links_for_that_port() -> None:
    import os
    import subprocess

    # `make test` itself exports HALLWAY_BASE_URL for port 8000; a person typing `make run PORT=8100` has none.
    environment = {name: value for name, value in os.environ.items() if name != "HALLWAY_BASE_URL"}
    shown = subprocess.run(
        ["make", "-s", "--no-print-directory", "-f", "Makefile", "-f", "-", "show-base-url", "PORT=8100"],
        input="show-base-url:\n\t@echo $$HALLWAY_BASE_URL\n",
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env=environment,
    )
    assert shown.stdout.strip() == "http://127.0.0.1:8100"
