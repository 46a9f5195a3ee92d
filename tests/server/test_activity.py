"""Activity counters: nothing written per request, every worker's counts added up, peaks kept."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from piccolo.engine.base import Engine

from server import activity
from server.activity import ActivityBuffer, LiveGauge, flush, tallies
from server.tables import ActivityCount

TEN = datetime(2026, 11, 23, 10, 15, tzinfo=timezone.utc)


async def test_counting_writes_nothing_until_the_flush(db: Engine) -> None:
    for _ in range(1000):
        activity.count("archive.view", "abc", at=TEN)
    assert await ActivityCount.count() == 0  # a thousand views, no write on any request's path
    assert await flush() == 1
    assert [(t.key, t.bucket, t.value) for t in await tallies("archive.view")] == [
        ("abc", datetime(2026, 11, 23, 10, tzinfo=timezone.utc), 1000)
    ]


async def test_two_workers_counts_add_up_and_peaks_keep_the_highest(db: Engine) -> None:
    first, second = ActivityBuffer(), ActivityBuffer()
    first.count("event.view", "7", 3, at=TEN)
    second.count("event.view", "7", 4, at=TEN.replace(minute=50))
    second.count("event.view", "7", 1, at=TEN.replace(hour=11))
    first.peak("session.live", "g", 12, at=TEN)
    second.peak("session.live", "g", 9, at=TEN)
    await flush(first)
    await flush(second)
    first.peak("session.live", "g", 5, at=TEN)
    await flush(first)
    assert [t.value for t in await tallies("event.view", ["7"])] == [7, 1]
    assert [t.value for t in await tallies("session.live", ["g"], peaks=True)] == [12]


async def test_counts_that_cannot_be_written_wait_for_the_next_flush(db: Engine, monkeypatch) -> None:  # noqa: ANN001
    buffer = ActivityBuffer()
    buffer.count("archive.play", "x", 2, at=TEN)

    async def broken(*_args: object) -> None:
        raise ConnectionError("database restarting")

    monkeypatch.setattr(activity, "_upsert", broken)
    with pytest.raises(RuntimeError):
        await flush(buffer)
    monkeypatch.undo()
    await flush(buffer)
    assert [t.value for t in await tallies("archive.play")] == [2]


async def test_one_count_the_database_refuses_never_blocks_the_others(db: Engine, monkeypatch) -> None:  # noqa: ANN001
    buffer = ActivityBuffer()
    buffer.count("archive.search_nothing", "poison", at=TEN)
    buffer.count("archive.search_nothing", "vouchers", 3, at=TEN)
    real_upsert = activity._upsert

    async def refuses_poison(table: str, name: str, key: str, *rest: object) -> None:
        if key == "poison":
            raise ValueError("invalid byte sequence")
        await real_upsert(table, name, key, *rest)

    monkeypatch.setattr(activity, "_upsert", refuses_poison)
    assert await flush(buffer) == 1
    buffer.count("archive.search_nothing", "vouchers", at=TEN)
    assert await flush(buffer) == 1  # nothing left behind to fail again
    assert [(t.key, t.value) for t in await tallies("archive.search_nothing")] == [("vouchers", 4)]


async def test_control_characters_and_nul_never_reach_the_counts(db: Engine) -> None:
    buffer = ActivityBuffer()
    buffer.count("archive.search_nothing", "inter\x00library\x07 loan\x1b", at=TEN)
    assert await flush(buffer) == 1
    assert [t.key for t in await tallies("archive.search_nothing")] == ["interlibrary loan"]


async def test_a_live_gauge_counts_up_and_down_and_never_below_zero() -> None:
    gauge = LiveGauge()
    assert [
        await gauge.up("s"),
        await gauge.up("s"),
        await gauge.down("s"),
        await gauge.down("s"),
        await gauge.down("s"),
    ] == [1, 2, 1, 0, 0]


async def test_live_gauges_in_two_workers_share_one_count_through_redis() -> None:
    import uuid

    from redis.asyncio import Redis

    from tests.services import require_redis

    client = Redis.from_url(require_redis())
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    try:
        first, second = LiveGauge(client, prefix), LiveGauge(client, prefix)
        assert await first.up("event:1") == 1
        assert await second.up("event:1") == 2  # a watcher on the other worker
        assert await first.down("event:1") == 1
    finally:
        await client.delete(f"{prefix}:gauge:event:1")
        await client.aclose()
