"""Background jobs: each runs once, whichever worker takes it; failures are kept in words; lost jobs return."""

from __future__ import annotations

import asyncio
import socket
from datetime import datetime, timedelta, timezone

import pytest

from server import jobs
from server.tables import Job

pytestmark = pytest.mark.usefixtures("db")


@pytest.fixture
def ran() -> list[str]:
    done: list[str] = []

    async def note(key: str, progress: jobs.Progress) -> None:
        await progress(50)
        await asyncio.sleep(0.01)  # let the other worker try to take the same job meanwhile
        done.append(key)

    async def refuse(key: str, progress: jobs.Progress) -> None:
        raise jobs.JobFailed(f"{key} cannot be done")

    async def crash(key: str, progress: jobs.Progress) -> None:
        raise RuntimeError("a bug")

    jobs.register("test.note", note)
    jobs.register("test.refuse", refuse)
    jobs.register("test.crash", crash)
    return done


async def test_two_workers_run_each_job_exactly_once(ran: list[str]) -> None:
    for number in range(6):
        await jobs.enqueue("test.note", str(number))

    first, second = await asyncio.gather(jobs.run_pending("worker-a"), jobs.run_pending("worker-b"))

    assert sorted(ran) == [str(n) for n in range(6)]
    assert len(first) + len(second) == 6
    assert {row["status"] for row in await Job.select(Job.status)} == {"done"}
    assert {row["progress"] for row in await Job.select(Job.progress)} == {100}


async def test_asking_twice_while_waiting_makes_one_job(ran: list[str]) -> None:
    first = await jobs.enqueue("test.note", "same")
    again = await jobs.enqueue("test.note", "same")
    await jobs.run_pending()
    later = await jobs.enqueue("test.note", "same")  # once done, asking again is new work

    assert first == again != later


async def test_failures_are_kept_in_words_and_never_stop_the_queue(ran: list[str]) -> None:
    await jobs.enqueue("test.refuse", "a")
    await jobs.enqueue("test.crash", "b")
    await jobs.enqueue("test.unknown", "c")
    await jobs.enqueue("test.note", "d")

    finished = await jobs.run_pending()

    assert [(job.status, job.message) for job in finished] == [
        ("failed", "a cannot be done"),
        ("failed", "It failed unexpectedly; the server log has the details."),
        ("failed", "No worker here knows how to do 'test.unknown'."),
        ("done", ""),
    ]
    assert ran == ["d"]


async def test_a_job_whose_worker_vanished_is_run_again_then_given_up(ran: list[str]) -> None:
    job_id = await jobs.enqueue("test.note", "lost")
    long_ago = datetime.now(timezone.utc) - timedelta(hours=1)
    await Job.update({Job.status: "running", Job.attempts: 1, Job.updated_at: long_ago}).where(Job.id == job_id)

    assert await jobs.requeue_stale() == 1
    assert [job.status for job in await jobs.run_pending()] == ["done"]

    again = await jobs.enqueue("test.note", "lost again")
    await Job.update({Job.status: "running", Job.attempts: 3, Job.updated_at: long_ago}).where(Job.id == again)
    await jobs.requeue_stale()
    [view] = (await jobs.latest_jobs("test.note", ["lost again"])).values()
    assert view.status == "failed" and "stopped three times" in view.message


async def test_a_job_whose_worker_on_this_host_died_is_taken_up_at_once(ran: list[str]) -> None:
    dead = f"{socket.gethostname()}:{2**22 + 12345}"  # beyond any pid Linux hands out: no such process
    job_id = await jobs.enqueue("test.note", "orphaned")
    await Job.update(
        {Job.status: "running", Job.attempts: 1, Job.claimed_by: dead, Job.updated_at: datetime.now(timezone.utc)}
    ).where(Job.id == job_id)

    assert await jobs.requeue_stale() == 1  # no fifteen-minute wait: that process is not running here
    assert [job.status for job in await jobs.run_pending()] == ["done"]
