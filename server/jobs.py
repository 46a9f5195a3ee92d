"""Background jobs: slow work (media derivatives first) done after the request that asked for it.

A job is a row, so it survives a restart and any worker process may run it. Workers claim a job by
compare-and-set on its row (the same on SQLite and PostgreSQL), report progress as they go, and
record a failure in words; one failed job never stops the others. A job whose worker died goes back to
the queue: at once when that worker was a process on this host, else after ``STALE_AFTER`` without a
heartbeat.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Awaitable, Callable

from piccolo.columns import Column

from server.tables import Job

log = logging.getLogger(__name__)
Progress = Callable[[int], Awaitable[None]]
Handler = Callable[[str, Progress], Awaitable[None]]
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STALE_AFTER = timedelta(minutes=15)  # a running job not heard of for this long lost its worker
HEARTBEAT_SECONDS = 60.0  # a running job says it is alive this often, progress or not
POLL_SECONDS = 2.0
MAX_ATTEMPTS = 3

_handlers: dict[str, Handler] = {}


class JobFailed(Exception):
    """A job cannot be done; the message says why, for the person who asked for it."""


@dataclass(frozen=True)
class JobView:
    id: int
    kind: str
    key: str
    status: str
    progress: int
    message: str

    @property
    def waiting(self) -> bool:
        return self.status in (QUEUED, RUNNING)


def register(kind: str, handler: Handler) -> None:
    """What runs jobs of ``kind`` (packages register theirs when the app is built)."""
    _handlers[kind] = handler


def forget_handlers() -> None:
    """No job kinds at all (the wiring registers them again)."""
    _handlers.clear()


def _now() -> datetime:
    return datetime.now(timezone.utc)


_PROCESS_TOKEN = secrets.token_hex(3)  # containers sharing a host name often all run as pid 1


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{_PROCESS_TOKEN}"


async def enqueue(kind: str, key: str) -> int:
    """Ask for a job; asking again while one for the same thing waits or runs returns that one."""
    waiting = (
        await Job.select(Job.id)
        .where((Job.kind == kind) & (Job.key == key) & Job.status.is_in([QUEUED, RUNNING]))
        .first()
    )
    if waiting is not None:
        return int(waiting["id"])
    row = Job(kind=kind, key=key, status=QUEUED, created_at=_now(), updated_at=_now())
    await row.save()
    return int(row.id)


async def discard(kind: str, key: str) -> None:
    """Forget every job about ``key`` (its subject is gone; a new one may get the same id)."""
    await Job.delete().where((Job.kind == kind) & (Job.key == key))


async def latest_jobs(kind: str, keys: list[str]) -> dict[str, JobView]:
    """The newest job of ``kind`` for each key that has one."""
    if not keys:
        return {}
    rows = await Job.select().where((Job.kind == kind) & Job.key.is_in(keys)).order_by(Job.id)
    return {row["key"]: _view(row) for row in rows}  # later rows overwrite earlier ones


def _view(row: dict[str, Any]) -> JobView:
    return JobView(row["id"], row["kind"], row["key"], row["status"], row["progress"], row["message"])


async def _claim(worker: str) -> dict[str, Any] | None:
    """The oldest queued job, now ours; None when there is none (or another worker took it first)."""
    for candidate in await Job.select(Job.id).where(Job.status == QUEUED).order_by(Job.id).limit(5):
        await Job.update(
            {Job.status: RUNNING, Job.claimed_by: worker, Job.updated_at: _now(), Job.attempts: Job.attempts + 1}
        ).where((Job.id == candidate["id"]) & (Job.status == QUEUED))
        row = (
            await Job.select()
            .where((Job.id == candidate["id"]) & (Job.claimed_by == worker) & (Job.status == RUNNING))
            .first()
        )
        if row is not None:
            return row
    return None


async def run_next(worker: str | None = None) -> JobView | None:
    """Run one queued job to its end and say how it ended; None when nothing was waiting."""
    worker = worker or worker_name()
    row = await _claim(worker)
    if row is None:
        return None
    job_id = row["id"]
    ours = (Job.id == job_id) & (Job.claimed_by == worker)  # once requeued and taken by another, it is theirs

    async def progress(per_cent: int) -> None:
        await Job.update({Job.progress: max(0, min(99, int(per_cent))), Job.updated_at: _now()}).where(ours)

    async def heartbeat() -> None:  # slow work without progress (a video of unknown length) is still alive
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            await Job.update({Job.updated_at: _now()}).where(ours)

    handler = _handlers.get(row["kind"])
    beating = asyncio.create_task(heartbeat())
    try:
        if handler is None:
            raise JobFailed(f"No worker here knows how to do {row['kind']!r}.")
        await handler(row["key"], progress)
    except JobFailed as failure:
        await _finish(ours, FAILED, str(failure))
    except asyncio.CancelledError:
        await _finish(ours, QUEUED, "")  # the worker is stopping: another one takes it up
        raise
    except Exception:
        log.exception("job %s (%s %s) failed", job_id, row["kind"], row["key"])
        await _finish(ours, FAILED, "It failed unexpectedly; the server log has the details.")
    else:
        await _finish(ours, DONE, "")
    finally:
        beating.cancel()
    finished = await Job.select().where(Job.id == job_id).first()
    # Its subject may have gone meanwhile, taking the job's row with it (a deleted recording): say so.
    return _view(finished) if finished else JobView(job_id, row["kind"], row["key"], "discarded", 0, "")


async def _finish(ours: Any, status: str, message: str) -> None:
    values: dict[Column | str, Any] = {Job.status: status, Job.message: message[:2000], Job.updated_at: _now()}
    if status == DONE:
        values[Job.progress] = 100
    if status == QUEUED:
        values[Job.claimed_by] = ""
    await Job.update(values).where(ours)


async def run_pending(worker: str | None = None) -> list[JobView]:
    """Run queued jobs until none is left (``hallway jobs`` and the tests); how each ended."""
    finished = []
    while (job := await run_next(worker)) is not None:
        finished.append(job)
    return finished


def _gone(worker: str) -> bool:
    """Whether ``worker`` (host:pid:token) was a process on this host that no longer runs."""
    host, pid, _token = (worker.rsplit(":", 2) + ["", ""])[:3]
    if host != socket.gethostname() or not pid.isdigit() or worker == worker_name():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


async def requeue_stale(now: datetime | None = None) -> int:
    """Jobs whose worker vanished go back to the queue, up to ``MAX_ATTEMPTS`` tries in all.

    A worker on this host that is no longer running is known at once; one elsewhere after ``STALE_AFTER``
    without a word of progress.
    """
    cutoff = (now or _now()) - STALE_AFTER
    running = await Job.select(Job.id, Job.attempts, Job.updated_at, Job.claimed_by).where(Job.status == RUNNING)
    stale = [row for row in running if row["updated_at"] < cutoff or _gone(row["claimed_by"])]
    for row in stale:
        retry = row["attempts"] < MAX_ATTEMPTS
        await Job.update(
            {
                Job.status: QUEUED if retry else FAILED,
                Job.claimed_by: "",
                Job.updated_at: _now(),
                Job.message: "" if retry else "Its worker stopped three times; try again.",
            }
        ).where((Job.id == row["id"]) & (Job.status == RUNNING))
    return len(stale)


async def keep_working(worker: str | None = None) -> None:
    """Run for the life of a worker process: take queued jobs one at a time."""
    worker = worker or worker_name()
    while True:
        try:
            await requeue_stale()
            while await run_next(worker) is not None:
                pass
        except asyncio.CancelledError:
            raise
        except Exception:  # the database may be restarting: try again at the next round
            log.exception("background jobs could not be run")
        await asyncio.sleep(POLL_SECONDS)
