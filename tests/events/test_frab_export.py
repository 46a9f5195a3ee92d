"""frab XML and JSON exports validate against the c3voc schemas and say what schedule apps expect."""

from __future__ import annotations

import json
from datetime import date
from xml.etree import ElementTree as ET

import pytest

from events import editing
from events.access import event_access
from events.editing import RoomInput
from events.demo import DEMO_SLUG, load_demo
from events.frab_export import frab_json, frab_xml
from events.releases import publish_release, published_programme
from events.tables import Room
from tests.events.factories import local, make_event, make_session
from tests.events.interop import json_errors, xml_errors

pytestmark = pytest.mark.usefixtures("db")
BASE = "https://hallway.example.org"


async def demo():
    await load_demo(today=date(2026, 3, 9))
    return await published_programme((await event_access(DEMO_SLUG, None)).event_id)


async def test_the_json_export_validates_and_puts_the_generator_first() -> None:
    document = frab_json(await demo(), BASE)

    assert json_errors(json.loads(json.dumps(document))) == []
    assert list(document)[0] == "generator"
    assert document["schedule"]["version"] == "2"


async def test_the_xml_export_validates_and_puts_the_generator_first() -> None:
    document = frab_xml(await demo(), BASE)

    assert xml_errors(document) == []
    assert ET.fromstring(document)[0].tag == "generator"


async def test_times_durations_and_day_boundaries_carry_what_apps_need() -> None:
    programme = await demo()
    conference = frab_json(programme, BASE)["schedule"]["conference"]

    first_day = conference["days"][0]
    assert (first_day["day_start"], first_day["day_end"]) == ("2026-03-09T04:00:00-05:00", "2026-03-10T04:00:00-05:00")
    keynote = first_day["rooms"]["Prairie Ballroom"][1]
    assert (keynote["date"], keynote["start"], keynote["duration"]) == ("2026-03-09T09:30:00-05:00", "09:30", "01:00")
    assert keynote["guid"] == programme.session(keynote["guid"]).guid
    assert keynote["url"].startswith(f"{BASE}/events/{DEMO_SLUG}/sessions/")


async def test_guids_are_stable_across_releases() -> None:
    event_id = await make_event()
    await make_session(event_id, "Opening", local(date(2027, 3, 27), 9))
    await publish_release(event_id)
    first = frab_json(await published_programme(event_id), BASE)
    await make_session(event_id, "Closing", local(date(2027, 3, 27), 17))
    await publish_release(event_id)
    second = frab_json(await published_programme(event_id), BASE)

    def guids(document: dict) -> dict[str, str]:
        return {
            e["title"]: e["guid"]
            for day in document["schedule"]["conference"]["days"]
            for events in day["rooms"].values()
            for e in events
        }

    assert guids(second)["Opening"] == guids(first)["Opening"]


async def test_a_renamed_room_keeps_its_guid() -> None:
    event_id = await make_event()
    await make_session(event_id, "Opening", local(date(2027, 3, 27), 9))
    await publish_release(event_id)
    before = {
        room["name"]: room["guid"]
        for room in frab_json(await published_programme(event_id), BASE)["schedule"]["conference"]["rooms"]
    }
    hall = await Room.select(Room.id).where((Room.event == event_id) & (Room.name == "Main Hall")).first()
    await editing.save_room(event_id, RoomInput(name="Great Hall", position=0), hall["id"])
    await publish_release(event_id)

    after = {
        room["name"]: room["guid"]
        for room in frab_json(await published_programme(event_id), BASE)["schedule"]["conference"]["rooms"]
    }

    assert after["Great Hall"] == before["Main Hall"] and after["Room B"] == before["Room B"]
    assert len(set(after.values())) == 2


async def test_private_join_links_never_reach_the_export() -> None:
    from events import editing
    from events.editing import RoomInput

    event_id = await make_event(rooms=())
    await editing.save_room(
        event_id,
        RoomInput(
            name="Online",
            kind="virtual",
            stream_url="https://stream.example.org/a",
            join_url="https://meet.example.org/secret-room",
        ),
    )
    await make_session(event_id, "Opening", local(date(2027, 3, 27), 9), room="Online")
    await publish_release(event_id)
    programme = (await published_programme(event_id)).without_private_links()

    assert b"secret-room" not in frab_xml(programme, BASE)
    assert "secret-room" not in json.dumps(frab_json(programme, BASE))
