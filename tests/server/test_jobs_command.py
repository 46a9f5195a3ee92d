"""`hallway jobs`, as cron runs it where server processes run no jobs: it finishes the queue and says how it went."""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path

from tests.hallway_process import hallway_env, prepare_site, run_hallway


def job_rows(env: dict[str, str]) -> list[tuple[str, str]]:
    with sqlite3.connect(Path(env["HALLWAY_VAR_DIR"]) / "hallway.sqlite3") as connection:
        return connection.execute("SELECT kind, status FROM background_job ORDER BY id").fetchall()


def test_the_command_runs_the_queue_and_takes_up_a_job_a_killed_run_left_running(tmp_path: Path) -> None:
    env = hallway_env(tmp_path, HALLWAY_BACKGROUND_JOBS="off")
    prepare_site(env)  # the demo's recordings and archive items queue their jobs
    queued = job_rows(env)
    assert queued and {status for _, status in queued} == {"queued"}
    with sqlite3.connect(Path(env["HALLWAY_VAR_DIR"]) / "hallway.sqlite3") as connection:  # a run killed mid-job
        connection.execute(
            "UPDATE background_job SET status = 'running', claimed_by = ? WHERE id = "
            "(SELECT min(id) FROM background_job)",
            (f"{socket.gethostname()}:{2**22 + 7}:dead",),
        )

    result = run_hallway(env, "jobs")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Ran {len(queued)} background job(s); 0 failed."
    assert {status for _, status in job_rows(env)} == {"done"}
    again = run_hallway(env, "jobs")
    assert again.returncode == 0 and again.stdout.strip() == "Ran 0 background job(s); 0 failed."
