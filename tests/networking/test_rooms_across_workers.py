"""Two workers sharing Redis: presence and messages cross between them, and a killed worker's people leave."""

from __future__ import annotations

from events.demo import DEMO_SLUG

import asyncio
import signal
import time
import uuid
from typing import Any, Iterator

import pytest

from networking.presence import ALIVE_FOR, HEARTBEAT
from tests.hallway_process import HallwayServer, hallway_env, two_workers
from tests.networking.conftest import add_room
from tests.services import require_redis


@pytest.fixture
def workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[HallwayServer, HallwayServer]]:
    env = hallway_env(
        tmp_path_factory.mktemp("two-workers"),
        HALLWAY_REDIS_URL=require_redis(),
        HALLWAY_REDIS_PREFIX=f"hallway-test-{uuid.uuid4().hex[:8]}",
    )
    with two_workers(env) as workers:
        yield workers


async def test_people_on_two_workers_see_each_other_and_talk(
    workers: tuple[HallwayServer, HallwayServer], people: Any
) -> None:
    first, second = workers
    room = await add_room(first, "crossing")
    ada, ben = await people(first, "Ada"), await people(second, "Ben")

    await ada.call("join", {"event": DEMO_SLUG, "room": room})
    joined = await ben.call("join", {"event": DEMO_SLUG, "room": room})
    sent = await ben.call("send", {"room": room, "body": "hello from the other worker"})

    assert sorted(p["name"] for p in joined["people"]) == ["Ada", "Ben"]
    assert (await ada.next("presence"))["joined"]["name"] == "Ben"
    assert (await ada.next("message"))["id"] == sent["id"]


async def test_a_waitlisted_person_on_another_worker_is_seated(
    workers: tuple[HallwayServer, HallwayServer], people: Any
) -> None:
    first, second = workers
    room = await add_room(first, "one-seat", capacity=1)
    ada, ben = await people(first, "Ada"), await people(second, "Ben")
    await ada.call("join", {"event": DEMO_SLUG, "room": room})
    assert (await ben.call("join", {"event": DEMO_SLUG, "room": room}))["waitlisted"]

    await ada.call("leave", {"room": room})

    assert [p["name"] for p in (await ben.next("admitted"))["people"]] == ["Ben"]
    assert (await ben.call("send", {"room": room, "body": "seated across workers"}))["ok"]


async def test_the_people_of_a_killed_worker_leave_presence_soon(
    workers: tuple[HallwayServer, HallwayServer], people: Any
) -> None:
    first, second = workers
    room = await add_room(first, "fragile")
    ada, ben = await people(first, "Ada"), await people(second, "Ben")
    await ada.call("join", {"event": DEMO_SLUG, "room": room})
    ben_id = (await ben.call("join", {"event": DEMO_SLUG, "room": room}))["me"]
    await ada.next("presence")

    second.process.send_signal(signal.SIGKILL)
    second.process.wait()
    started = time.monotonic()
    departure = await ada.next("presence", timeout=ALIVE_FOR + 3 * HEARTBEAT)

    assert departure == {"room": room, "left": ben_id}
    assert time.monotonic() - started <= ALIVE_FOR + 2 * HEARTBEAT
    assert [p["name"] for p in (await ada.call("join", {"event": DEMO_SLUG, "room": room}))["people"]] == ["Ada"]
    await asyncio.sleep(0)
