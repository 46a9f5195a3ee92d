"""Hallway's own awkward schedules, imported and read back by other programs.

The files (tests/fixtures/schedules) have days that end at 06:00, both clock changes, times with offsets but no
zone name, and deadlines without an end. What Hallway serves from them is read by an independent frab reader
(schedule-convert), by vobject, ics.py and ical.js, and compared instant by instant with the file itself.
"""

from __future__ import annotations

import io
import json
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

import pytest
import vobject
from schedule_convert.importers.frab_xml import FrabXmlImporter

from events.access import event_access
from events.calendar import programme_calendar
from events.frab_export import frab_json, frab_xml
from events.programme import Programme
from events.releases import publish_release, published_programme
from events.schedule_import import import_schedule, parse_schedule
from tests.events.interop import json_errors, xml_errors
from tests.interop.test_calendars import read

pytestmark = pytest.mark.usefixtures("db")
SCHEDULES = Path(__file__).resolve().parents[1] / "fixtures" / "schedules"
BASE, HOST = "https://hallway.example.org", "hallway.example.org"
UTC = timezone.utc
BERLIN = ZoneInfo("Europe/Berlin")


def night_market_source() -> dict[str, tuple[date, datetime, timedelta]]:
    """Each session of night-market.xml as the file states it: the day it is listed under, its instant, its length."""
    root = ET.fromstring((SCHEDULES / "night-market.xml").read_bytes())
    found = {}
    for day in root.iter("day"):
        for event in day.iter("event"):
            hours, minutes = map(int, event.findtext("duration").split(":"))
            found[event.findtext("title")] = (
                date.fromisoformat(day.get("date")),
                datetime.fromisoformat(event.findtext("date")).astimezone(UTC),
                timedelta(hours=hours, minutes=minutes),
            )
    return found


async def imported(slug: str, name: str, **options: str) -> Programme:
    await import_schedule(slug, parse_schedule((SCHEDULES / name).read_bytes()), **options)
    event_id = (await event_access(slug, None)).event_id
    await publish_release(event_id)
    return await published_programme(event_id)


async def test_days_that_end_at_six_keep_the_sunrise_concert_on_the_night_before() -> None:
    programme = await imported("nachtmarkt", "night-market.xml")
    source = night_market_source()

    assert programme.event.day_change == "06:00"
    listed = {item.title: (day, item.starts_at, item.duration) for day, items in programme.by_day() for item in items}
    assert listed == source
    assert [day for day, _ in programme.by_day()] == [date(2027, 10, 29), date(2027, 10, 30)]


async def test_an_independent_frab_reader_finds_each_session_on_its_day_at_its_local_time() -> None:
    programme = await imported("nachtmarkt", "night-market.xml")
    exported = frab_xml(programme, BASE)

    assert xml_errors(exported) == []
    conference = FrabXmlImporter().parse(io.BytesIO(exported))
    source = night_market_source()
    read_back = {
        event.title: (event.start.date(), event.start.time(), timedelta(minutes=event.duration))
        for event in conference.events
    }
    # A frab reader puts a session on the date of the day it is listed under, at its <start>: the 04:30
    # concert is Friday night's, not a Saturday-morning gap before the market opens.
    assert read_back == {
        title: (day, moment.astimezone(BERLIN).time(), length) for title, (day, moment, length) in source.items()
    }
    assert {str(event.guid) for event in conference.events} == {item.guid for item in programme.sessions}


async def test_our_own_frab_exports_carry_the_day_change_into_the_next_import() -> None:
    programme = await imported("nachtmarkt", "night-market.xml")
    document = frab_json(programme, BASE)

    assert json_errors(document) == []
    assert [(day["day_start"], day["day_end"]) for day in document["schedule"]["conference"]["days"]] == [
        ("2027-10-29T06:00:00+02:00", "2027-10-30T06:00:00+02:00"),
        ("2027-10-30T06:00:00+02:00", "2027-10-31T06:00:00+01:00"),
    ]
    for data in (json.dumps(document).encode(), frab_xml(programme, BASE)):
        assert parse_schedule(data).day_change == time(6, 0)


async def test_an_import_moves_an_events_day_change_to_the_files_and_says_so() -> None:
    programme = await imported("nachtmarkt", "night-market.xml")
    event_id = (await event_access("nachtmarkt", None)).event_id
    exported = json.loads(json.dumps(frab_json(programme, BASE)))
    for day in exported["schedule"]["conference"]["days"]:  # the organiser's next file ends its days at 05:00
        day["day_end"] = day["day_end"].replace("T06:00:", "T05:00:")

    report = await import_schedule("nachtmarkt", parse_schedule(json.dumps(exported).encode()))
    await publish_release(event_id)

    assert report.lines()[0] == "each day now ends at 05:00, as the file says (it ended at 06:00)"
    moved = await published_programme(event_id)
    assert moved.event.day_change == "05:00"
    assert moved.day_of(moved.session("6f0c6c1e-6a43-4c36-9a52-0f2a3d3a0002")) == date(2027, 10, 29)  # 04:30


@pytest.mark.parametrize("reader", ["vobject", "ics.py", "ical.js"])
async def test_calendar_readers_see_the_file_instants_across_both_clock_changes(reader: str, tmp_path: Path) -> None:
    autumn = await imported("nachtmarkt", "night-market.xml")
    spring = await imported("spring-forum", "spring-offsets-only.json", time_zone="Europe/Berlin")
    source = json.loads((SCHEDULES / "spring-offsets-only.json").read_bytes())
    spring_source = {
        item["title"]: datetime.fromisoformat(item["date"]).astimezone(UTC)
        for day in source["schedule"]["conference"]["days"]
        for items in day["rooms"].values()
        for item in items
    }

    for programme, expected in (
        (autumn, {t: m for t, (_, m, _) in night_market_source().items()}),
        (spring, spring_source),
    ):
        feed = programme_calendar(programme, programme.sessions, base_url=BASE, host=HOST, name="Test")
        assert read(reader, feed, tmp_path) == expected
    assert spring.event.timezone == "Europe/Berlin"
    opening = spring.session("0b7e1f52-2f1e-4bb1-8d0a-6a1d1c2a0001")
    assert opening.local_start(spring.event.zone).strftime("%H:%M") == "11:00"  # not 10:00, as UTC once showed it


async def test_deadlines_without_an_end_import_as_moments_and_leave_as_moments(tmp_path: Path) -> None:
    programme = await imported("ill-forum-dates", "deadlines.ics")
    by_title = {item.title: item for item in programme.sessions}

    deadline = by_title["Call for proposals closes"]
    assert deadline.starts_at == deadline.ends_at == datetime(2027, 1, 16, 5, 59, tzinfo=UTC)  # 23:59 in Chicago
    assert programme.event.timezone == "America/Chicago"
    assert by_title["Lending across borders"].room == "Room 1, Building B, Main Library"
    feed = programme_calendar(programme, programme.sessions, base_url=BASE, host=HOST, name="Dates")
    events = {event.summary.value: event for event in vobject.readOne(feed.decode()).vevent_list}
    assert not hasattr(events["Call for proposals closes"], "dtend")  # RFC 5545: DTSTART alone lasts no time
    assert not hasattr(events["Call for proposals closes"], "duration")
    assert events["Lending across borders"].dtend.value.astimezone(UTC) == datetime(2027, 1, 20, 17, 30, tzinfo=UTC)
    for reader in ("vobject", "ics.py", "ical.js"):
        assert read(reader, feed, tmp_path)["Registration closes"] == datetime(2027, 2, 1, 23, 0, tzinfo=UTC), reader
