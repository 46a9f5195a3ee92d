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

    def count(self, name: str, key: str, amount: int = 1, *, at: datetime | None = None,
              granularity: Granularity = "hour") -> None:
        self.counts[(name, key[:KEY_MAX], bucket_of(at or datetime.now(timezone.utc), granularity))] += amount

    def peak(self, name: str, key: str, value: int, *, at: datetime | None = None) -> None:
        slot = (name, key[:KEY_MAX], bucket_of(at or datetime.now(timezone.utc)))
        if value > self.peaks.get(slot, 0):
            self.peaks[slot] = value

    def take(self) -> tuple[Counter[tuple[str, str, datetime]], dict[tuple[str, str, datetime], int]]:
        counts, peaks = self.counts, self.peaks
        self.counts, self.peaks = Counter(), {}
        return counts, peaks


_buffer = ActivityBuffer()


def count(name: str, key: str, amount: int = 1, *, at: datetime | None = None, granularity: Granularity = "hour") -> None:
    """Note that something happened (in memory; :func:`flush` writes it)."""
    _buffer.count(name, key, amount, at=at, granularity=granularity)


def peak(name: str, key: str, value: int, *, at: datetime | None = None) -> None:
    """Note a level (people at once); the hour keeps its highest."""
    _buffer.peak(name, key, value, at=at)


async def flush(buffer: ActivityBuffer | None = None) -> int:
    """Write the buffered counts and peaks; returns how many rows changed. Failed writes go back in the buffer."""
    buffer = buffer or _buffer
    counts, peaks = buffer.take()
    if not counts and not peaks:
        return 0
    try:
        async with ActivityCount._meta.db.transaction():
            for (name, key, bucket), amount in counts.items():
                await _upsert("activity_count", name, key, bucket, amount, "{table}.value + excluded.value")
            greatest = "GREATEST" if isinstance(ActivityPeak._meta.db, PostgresEngine) else "max"
            for (name, key, bucket), value in peaks.items():
                await _upsert("activity_peak", name, key, bucket, value, f"{greatest}({{table}}.value, excluded.value)")
    except Exception:
        for slot, amount in counts.items():
            buffer.counts[slot] += amount
        for (name, key, bucket), value in peaks.items():
            buffer.peak(name, key, value, at=bucket)
        raise
    return len(counts) + len(peaks)


async def _upsert(table: str, name: str, key: str, bucket: datetime, value: int, merge: str) -> None:
    await ActivityCount._meta.db.run_querystring(QueryString(
        f"INSERT INTO {table} (name, key, bucket, value) VALUES ({{}}, {{}}, {{}}, {{}})"
        f" ON CONFLICT (name, key, bucket) DO UPDATE SET value = {merge.format(table=table)}",
        name, key, bucket, value))


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
