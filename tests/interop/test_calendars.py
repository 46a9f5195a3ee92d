"""Hallway's calendars read by other programs: vobject, ics.py and ical.js (Node) must see the same instants.

Each check compares the UTC instant every reader finds with the session's own, for the cases where readers used
to disagree: the repeated autumn hour, the skipped spring hour, and a feed that spans two years.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import ics
import pytest
import vobject

from events.calendar import CalendarPart, build_calendar, programme_calendar
from events.releases import publish_release, published_programme
from tests.events.factories import make_event, make_session
from tests.services import missing_service

pytestmark = pytest.mark.usefixtures("db")
BASE, HOST = "https://hallway.example.org", "hallway.example.org"
UTC = timezone.utc
# Europe/Berlin, 2027: clocks go forward at 02:00 on 28 March, back at 03:00 on 31 October.
SESSIONS = {
    "Before the repeat (02:30 summer time)": datetime(2027, 10, 31, 0, 30, tzinfo=UTC),
    "After the repeat (02:30 winter time)": datetime(2027, 10, 31, 1, 30, tzinfo=UTC),
    "Just after the spring change (03:30)": datetime(2027, 3, 28, 1, 30, tzinfo=UTC),
    "A summer afternoon": datetime(2027, 7, 1, 13, 0, tzinfo=UTC),
}
NEXT_YEAR = {
    "The next summer (2028)": datetime(2028, 7, 6, 8, 0, tzinfo=UTC),
    "The next winter (2028)": datetime(2028, 12, 1, 9, 0, tzinfo=UTC),
}


def read_with_vobject(feed: bytes) -> dict[str, datetime]:
    calendar = vobject.readOne(feed.decode())
    return {event.summary.value: event.dtstart.value.astimezone(UTC) for event in calendar.vevent_list}


def read_with_ics_py(feed: bytes) -> dict[str, datetime]:
    calendar = ics.Calendar(feed.decode())
    return {event.name: event.begin.datetime.astimezone(UTC) for event in calendar.events}


def read_with_ical_js(feed: bytes, tmp_path: Path) -> dict[str, datetime]:
    node = shutil.which("node")
    if node is None:
        missing_service("Node.js (for ical.js)")
    path = tmp_path / "feed.ics"
    path.write_bytes(feed)
    script = Path(__file__).with_name("ical_instants.cjs")
    seen = json.loads(
        subprocess.run([node, str(script), str(path)], capture_output=True, text=True, check=True, timeout=60).stdout
    )
    return {summary: datetime.fromtimestamp(start, UTC) for summary, (start, _end) in seen.items()}


async def berlin_programme(slug: str, sessions: dict[str, datetime]) -> object:
    """An event in Europe/Berlin around these sessions (events last at most 60 days: one per season)."""
    days = sorted(moment.date() for moment in sessions.values())
    event_id = await make_event(
        slug, start=days[0] - timedelta(days=1), days=(days[-1] - days[0]).days + 3, zone="Europe/Berlin"
    )
    for title, moment in sessions.items():
        await make_session(event_id, title, moment, minutes=30)
    await publish_release(event_id)
    return await published_programme(event_id)


async def agenda(sessions: dict[str, datetime]) -> bytes:
    """A personal agenda over several events (one per month that has sessions), as /me/agenda/ builds it."""
    by_month: dict[str, dict[str, datetime]] = {}
    for title, moment in sessions.items():
        by_month.setdefault(moment.strftime("%Y-%m"), {})[title] = moment
    parts = []
    for month, chosen in sorted(by_month.items()):
        programme = await berlin_programme(f"berlin-{month}", chosen)
        parts.append(CalendarPart(programme, tuple(programme.sessions)))
    return build_calendar(parts, base_url=BASE, host=HOST, name="My agenda", page_url=f"{BASE}/me/agenda/")


def read(reader: str, feed: bytes, tmp_path: Path) -> dict[str, datetime]:
    if reader == "vobject":
        return read_with_vobject(feed)
    if reader == "ics.py":
        return read_with_ics_py(feed)
    return read_with_ical_js(feed, tmp_path)


@pytest.mark.parametrize("reader", ["vobject", "ics.py", "ical.js"])
async def test_clock_changes_are_read_as_the_same_instants_everywhere(reader: str, tmp_path: Path) -> None:
    autumn = {title: moment for title, moment in SESSIONS.items() if moment.month == 10}
    programme = await berlin_programme("berlin-autumn", autumn)
    feed = programme_calendar(programme, programme.sessions, base_url=BASE, host=HOST, name="Berlin autumn")

    assert read(reader, feed, tmp_path) == autumn
    assert read(reader, await agenda(SESSIONS), tmp_path) == SESSIONS


@pytest.mark.parametrize("reader", ["vobject", "ics.py", "ical.js"])
async def test_an_agenda_spanning_two_years_keeps_the_second_years_summer(reader: str, tmp_path: Path) -> None:
    feed = await agenda({**SESSIONS, **NEXT_YEAR})

    assert read(reader, feed, tmp_path) == {**SESSIONS, **NEXT_YEAR}
    assert feed.count(b"BEGIN:VTIMEZONE") == 1  # one zone, covering both years


async def test_only_a_repeated_local_time_is_written_in_utc() -> None:
    feed = (await agenda(SESSIONS)).decode()

    assert "DTSTART:20271031T003000Z" in feed and "DTSTART:20271031T013000Z" in feed
    assert "DTSTART;TZID=Europe/Berlin:20270328T033000" in feed
    assert "DTSTART;TZID=Europe/Berlin:20270701T150000" in feed
    assert "RDATE" not in feed  # one DTSTART per change: what every reader understands
