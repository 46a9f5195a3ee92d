"""Speed networking against a real server: groups, private breakouts, the countdown's end, no repeats."""

from __future__ import annotations

from events.demo import DEMO_SLUG

import uuid
from typing import Any

from tests.hallway_process import HallwayServer
from tests.networking.conftest import grant


async def speed_room(server: HallwayServer) -> int:
    from events.access import event_access
    from events.demo import DEMO_SLUG
    from networking.rooms import RoomInput, create_room
    from server.database import engine_from_url, use_engine

    use_engine(engine_from_url(server.env["HALLWAY_DATABASE_URL"]))
    event_id = (await event_access(DEMO_SLUG, None)).event_id
    room = await create_room(event_id, RoomInput(name="Speed", slug=f"speed-{uuid.uuid4().hex[:6]}", kind="speed"))
    return room.id


async def test_a_round_groups_everyone_waiting_into_private_breakouts_and_ends_on_time(
    server: HallwayServer, people: Any
) -> None:
    room = await speed_room(server)
    host = await people(server, "Host")
    grant(server, host)
    guests = [await people(server, name) for name in ("Ada", "Ben", "Cleo", "Dev")]
    outsider = await people(server, "Outsider")
    await host.call("join", {"event": DEMO_SLUG, "room": room})
    for person in guests:
        await person.call("join", {"event": DEMO_SLUG, "room": room})

    started = await host.call("speed_round", {"room": room, "minutes": 0.1, "size": 2})

    assert started["ok"] and started["round"] == 1
    assert sorted(len(group) for group in started["groups"]) == [2, 2]
    assignments = {person.name: await person.next("speed_group") for person in guests}
    for name, assignment in assignments.items():
        partner = [p["name"] for p in assignment["partners"]]
        assert len(partner) == 1 and assignments[partner[0]]["room"] == assignment["room"] and partner[0] != name
    ada_breakout = assignments["Ada"]["room"]
    assert (await guests[0].call("join", {"event": DEMO_SLUG, "room": ada_breakout}))["ok"]
    assert (await outsider.call("join", {"event": DEMO_SLUG, "room": ada_breakout}))[
        "error"
    ] == "This breakout room is private to its group."

    over = await guests[0].next("speed_round_over", timeout=20)
    assert over["round"] == 1
    # Archived, or (while this worker still remembers the room for a few seconds) closed: either way, shut.
    assert (await guests[0].call("join", {"event": DEMO_SLUG, "room": ada_breakout}))["error"] in {
        "There is no such room.",
        "This room is closed now.",
    }


async def test_the_next_round_pairs_people_who_have_not_met(server: HallwayServer, people: Any) -> None:
    room = await speed_room(server)
    host = await people(server, "Host")
    grant(server, host)
    guests = [await people(server, f"Guest {n}") for n in range(4)]
    await host.call("join", {"event": DEMO_SLUG, "room": room})
    for person in guests:
        await person.call("join", {"event": DEMO_SLUG, "room": room})

    met: set[frozenset[int]] = set()
    for round_number in (1, 2, 3):
        result = await host.call("speed_round", {"room": room, "minutes": 0.1, "size": 2})
        pairs = {frozenset(group) for group in result["groups"]}
        assert not pairs & met, f"round {round_number} repeated a pair"
        met |= pairs


async def test_only_organisers_start_rounds_and_bad_settings_are_refused(server: HallwayServer, people: Any) -> None:
    room = await speed_room(server)
    ada, host = await people(server, "Ada"), await people(server, "Host")
    grant(server, host)
    await ada.call("join", {"event": DEMO_SLUG, "room": room})

    assert (await ada.call("speed_round", {"room": room, "minutes": 3}))[
        "error"
    ] == "Only the event's organisers start speed-networking rounds."
    assert "minutes" in (await host.call("speed_round", {"room": room, "minutes": 600}))["fields"]
    assert "size" in (await host.call("speed_round", {"room": room, "minutes": 3, "size": 9}))["fields"]
    assert (await host.call("speed_round", {"room": room, "minutes": 3}))[
        "error"
    ] == "At least two people must be waiting for a round."
