"""Counting what happens, cheaply and without tracking anyone.

Pages call :func:`count` (a view, a play, a search that found nothing) and :func:`peak`
(how many people are in a room right now). Nothing is written on the request's path: each
worker adds up its counts in memory and :func:`flush` writes them every few seconds as one
upsert per (name, key, hour), adding to what other workers wrote, so the totals are right
with any number of workers. Only aggregates are kept: no person, no address, no session id.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Literal

from piccolo.engine.postgres import PostgresEngine
from piccolo.querystring import QueryString

from server.tables import ActivityCount, ActivityPeak
from server.validation import without_control_characters

FLUSH_EVERY = 10.0
KEY_MAX = 200
Granularity = Literal["hour", "day"]
log = logging.getLogger(__name__)


def bucket_of(moment: datetime, granularity: Granularity = "hour") -> datetime:
    moment = moment.astimezone(timezone.utc)
    hour = 0 if granularity == "day" else moment.hour
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


@dataclass
class ActivityBuffer:
    """One worker's counts and peaks since the last flush."""

    counts: Counter[tuple[str, str, datetime]] = field(default_factory=Counter)
    peaks: dict[tuple[str, str, datetime], int] = field(default_factory=dict)

    def count(
        self, name: str, key: str, amount: int = 1, *, at: datetime | None = None, granularity: Granularity = "hour"
    ) -> None:
        self.counts[(name, _clean_key(key), bucket_of(at or datetime.now(timezone.utc), granularity))] += amount

    def peak(self, name: str, key: str, value: int, *, at: datetime | None = None) -> None:
        slot = (name, _clean_key(key), bucket_of(at or datetime.now(timezone.utc)))
        if value > self.peaks.get(slot, 0):
            self.peaks[slot] = value

    def take(self) -> tuple[Counter[tuple[str, str, datetime]], dict[tuple[str, str, datetime], int]]:
        counts, peaks = self.counts, self.peaks
        self.counts, self.peaks = Counter(), {}
        return counts, peaks


def _clean_key(key: str) -> str:
    """Keys can be what strangers typed (a search term): no NUL or other control character reaches the database."""
    return without_control_characters(key)[:KEY_MAX]


_buffer = ActivityBuffer()


def count(
    name: str, key: str, amount: int = 1, *, at: datetime | None = None, granularity: Granularity = "hour"
) -> None:
    """Note that something happened (in memory; :func:`flush` writes it)."""
    _buffer.count(name, key, amount, at=at, granularity=granularity)


def peak(name: str, key: str, value: int, *, at: datetime | None = None) -> None:
    """Note a level (people at once); the hour keeps its highest."""
    _buffer.peak(name, key, value, at=at)


async def flush(buffer: ActivityBuffer | None = None) -> int:
    """Write the buffered counts and peaks; returns how many rows changed.

    All in one transaction when it can; when that fails, slot by slot, so one slot the database
    refuses is dropped (and logged) instead of blocking every count behind it. Only when no slot
    can be written (the database is down) does everything go back in the buffer for next time.
    """
    buffer = buffer or _buffer
    counts, peaks = buffer.take()
    if not counts and not peaks:
        return 0
    writes = [_count_write(slot, amount) for slot, amount in counts.items()]
    writes += [_peak_write(slot, value) for slot, value in peaks.items()]
    try:
        async with ActivityCount._meta.db.transaction():
            for write in writes:
                await write.run()
        return len(writes)
    except Exception:
        log.warning("activity counts could not be written together; writing them one by one", exc_info=True)
    failed = []
    for write in writes:
        try:
            await write.run()
        except Exception:
            failed.append(write)
    if len(failed) == len(writes):
        for write in writes:
            write.put_back(buffer)
        raise RuntimeError("no activity count could be written; kept for the next round")
    for write in failed:
        log.error("dropped an activity count the database refuses: %r", write.slot)
    return len(writes) - len(failed)


@dataclass(frozen=True)
class _Write:
    table: str
    slot: tuple[str, str, datetime]
    value: int
    merge: str

    async def run(self) -> None:
        name, key, bucket = self.slot
        await _upsert(self.table, name, key, bucket, self.value, self.merge)

    def put_back(self, buffer: ActivityBuffer) -> None:
        name, key, bucket = self.slot
        if self.table == "activity_count":
            buffer.counts[self.slot] += self.value
        else:
            buffer.peak(name, key, self.value, at=bucket)


def _count_write(slot: tuple[str, str, datetime], amount: int) -> _Write:
    return _Write("activity_count", slot, amount, "{table}.value + excluded.value")


def _peak_write(slot: tuple[str, str, datetime], value: int) -> _Write:
    greatest = "GREATEST" if isinstance(ActivityPeak._meta.db, PostgresEngine) else "max"
    return _Write("activity_peak", slot, value, f"{greatest}({{table}}.value, excluded.value)")


async def _upsert(table: str, name: str, key: str, bucket: datetime, value: int, merge: str) -> None:
    await ActivityCount._meta.db.run_querystring(
        QueryString(
            f"INSERT INTO {table} (name, key, bucket, value) VALUES ({{}}, {{}}, {{}}, {{}})"
            f" ON CONFLICT (name, key, bucket) DO UPDATE SET value = {merge.format(table=table)}",
            name,
            key,
            bucket,
            value,
        )
    )


async def keep_flushing(every: float = FLUSH_EVERY) -> None:
    """Flush until cancelled (the app's lifespan runs this in each worker), and once more at the end."""
    try:
        while True:
            await asyncio.sleep(every)
            try:
                await flush()
            except Exception:
                log.exception("could not write activity counts; keeping them for the next round")
    finally:
        try:
            await flush()
        except Exception:
            log.exception("could not write the last activity counts")


@dataclass(frozen=True)
class Tally:
    key: str
    bucket: datetime
    value: int


async def tallies(name: str, keys: list[str] | None = None, *, peaks: bool = False) -> list[Tally]:
    """Stored counts (or peaks) of ``name``, optionally for some keys only, oldest bucket first."""
    table = ActivityPeak if peaks else ActivityCount
    query = table.select(table.key, table.bucket, table.value).where(table.name == name)
    if keys is not None:
        query = query.where(table.key.is_in(keys or [""]))
    return [Tally(r["key"], r["bucket"], r["value"]) for r in await query.order_by(table.bucket)]


class LiveGauge:
    """How many are watching something right now, across all workers (Redis) or in this one (memory).

    Only numbers are kept: up when someone starts watching, down when they stop. A worker
    that dies without saying goodbye leaves its watchers counted (until the key expires), so
    the peaks it feeds are an upper bound.
    """

    EXPIRES = 6 * 3600

    def __init__(self, redis: object | None = None, prefix: str = "hallway") -> None:
        self.redis = redis
        self.prefix = prefix
        self.local: Counter[str] = Counter()

    async def up(self, name: str) -> int:
        if self.redis is None:
            self.local[name] += 1
            return self.local[name]
        key = f"{self.prefix}:gauge:{name}"
        value = await self.redis.incr(key)  # type: ignore[attr-defined]
        await self.redis.expire(key, self.EXPIRES)  # type: ignore[attr-defined]
        return int(value)

    async def down(self, name: str) -> int:
        if self.redis is None:
            self.local[name] = max(0, self.local[name] - 1)
            return self.local[name]
        key = f"{self.prefix}:gauge:{name}"
        value = int(await self.redis.decr(key))  # type: ignore[attr-defined]
        if value < 0:
            await self.redis.set(key, 0, ex=self.EXPIRES)  # type: ignore[attr-defined]
        return max(0, value)
