"""Calendar feeds, parsed back with icalendar: every property calendar programs rely on."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from icalendar import Calendar

from events import editing
from events.calendar import programme_calendar
from events.editing import RoomInput, SessionInput
from events.releases import publish_release, published_programme
from tests.events.factories import ZONE, local, make_event, make_session

pytestmark = pytest.mark.usefixtures("db")
BASE, HOST = "https://hallway.example.org", "hallway.example.org"
SATURDAY, SUNDAY = date(2027, 3, 27), date(2027, 3, 28)  # Europe/Berlin changes to summer time on Sunday


async def feed(event_id: int, *, join_links: bool = False) -> Calendar:
    programme = await published_programme(event_id)
    return Calendar.from_ical(
        programme_calendar(
            programme, programme.sessions, base_url=BASE, host=HOST, name="ILL Days", include_join_links=join_links
        )
    )


def by_summary(calendar: Calendar) -> dict[str, object]:
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture
async def event_id() -> int:
    event_id = await make_event(rooms=("Main Hall",))
    await editing.save_room(
        event_id,
        RoomInput(
            name="Online Stage",
            kind="virtual",
            location="",
            stream_url="https://stream.example.org/online",
            join_url="https://meet.example.org/members-only",
        ),
    )
    await make_session(event_id, "Saturday opening", local(SATURDAY, 9))
    await make_session(event_id, "Sunday keynote", local(SUNDAY, 9))
    await make_session(event_id, "Night owls' lending clinic", local(SATURDAY, 23, 30), minutes=60)
    await make_session(
        event_id,
        "Online workshop",
        local(SATURDAY, 14),
        room="Online Stage",
        abstract="Bring your licences.\u00e9" + "é" * 80,
    )
    await publish_release(event_id)
    return event_id


async def test_times_use_the_iana_zone_with_its_vtimezone_across_a_daylight_saving_change(event_id: int) -> None:
    calendar = await feed(event_id)
    events = by_summary(calendar)

    saturday, sunday = events["Saturday opening"]["DTSTART"], events["Sunday keynote"]["DTSTART"]
    assert saturday.params["TZID"] == sunday.params["TZID"] == ZONE
    assert saturday.dt.utcoffset() == timedelta(hours=1) and sunday.dt.utcoffset() == timedelta(hours=2)
    assert sunday.dt.astimezone(timezone.utc) == datetime(2027, 3, 28, 7, 0, tzinfo=timezone.utc)
    zones = calendar.walk("VTIMEZONE")
    assert [str(zone["TZID"]) for zone in zones] == [ZONE]
    assert {sub.name for sub in zones[0].subcomponents} == {"STANDARD", "DAYLIGHT"}
    assert b"TZID:GMT" not in calendar.to_ical()


async def test_a_session_across_midnight_ends_the_next_day(event_id: int) -> None:
    night = by_summary(await feed(event_id))["Night owls' lending clinic"]

    assert night["DTSTART"].dt.date() == SATURDAY and night["DTEND"].dt.date() == SUNDAY


async def test_every_event_has_a_stable_uid_a_dtstamp_a_url_and_a_status(event_id: int) -> None:
    first = await feed(event_id)
    await make_session(event_id, "Added later", local(SUNDAY, 15))
    await publish_release(event_id)
    second = await feed(event_id)

    for event in first.walk("VEVENT"):
        assert str(event["UID"]).endswith(f"@{HOST}")
        assert event["DTSTAMP"] and str(event["URL"]).startswith(f"{BASE}/events/ill-days/sessions/")
        assert str(event["STATUS"]) == "CONFIRMED"
    uids = lambda cal: {str(e["SUMMARY"]): str(e["UID"]) for e in cal.walk("VEVENT")}  # noqa: E731
    assert {k: v for k, v in uids(second).items() if k in uids(first)} == uids(first)


async def test_a_moved_session_raises_sequence_and_last_modified_and_a_cancelled_one_stays(event_id: int) -> None:
    before = by_summary(await feed(event_id))
    programme = await published_programme(event_id)
    keynote = next(s for s in programme.sessions if s.title == "Sunday keynote")
    opening = next(s for s in programme.sessions if s.title == "Saturday opening")
    await editing.save_session(
        event_id,
        SessionInput("Sunday keynote", local(SUNDAY, 11), local(SUNDAY, 11, 45), room="Main Hall"),
        keynote.guid,
    )
    await editing.save_session(
        event_id,
        SessionInput(
            "Saturday opening", local(SATURDAY, 9), local(SATURDAY, 9, 45), room="Main Hall", status="cancelled"
        ),
        opening.guid,
    )
    await publish_release(event_id, "Moves", now=datetime.now(timezone.utc) + timedelta(minutes=5))
    after = by_summary(await feed(event_id))

    assert int(after["Sunday keynote"]["SEQUENCE"]) == int(before["Sunday keynote"]["SEQUENCE"]) + 1
    assert after["Sunday keynote"]["LAST-MODIFIED"].dt > before["Sunday keynote"]["LAST-MODIFIED"].dt
    assert str(after["Saturday opening"]["STATUS"]) == "CANCELLED"
    assert int(after["Night owls' lending clinic"]["SEQUENCE"]) == 0


async def test_online_sessions_carry_conference_and_the_link_in_the_description(event_id: int) -> None:
    online = by_summary(await feed(event_id))["Online workshop"]

    conference = online["CONFERENCE"]
    assert str(conference) == "https://stream.example.org/online" and conference.params["VALUE"] == "URI"
    assert "https://stream.example.org/online" in str(online["DESCRIPTION"])
    assert "members-only" not in str(online["DESCRIPTION"])


async def test_members_feeds_add_the_private_join_link(event_id: int) -> None:
    online = by_summary(await feed(event_id, join_links=True))["Online workshop"]

    assert "https://meet.example.org/members-only" in str(online["DESCRIPTION"])


async def test_the_feed_is_a_subscription_that_refreshes_hourly(event_id: int) -> None:
    calendar = await feed(event_id)

    assert "METHOD" not in calendar
    assert calendar["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert calendar["REFRESH-INTERVAL"].dt == timedelta(hours=1)
    assert str(calendar["X-PUBLISHED-TTL"]) == "PT1H"


async def test_lines_are_folded_at_75_octets_without_breaking_characters(event_id: int) -> None:
    programme = await published_programme(event_id)
    raw = programme_calendar(programme, programme.sessions, base_url=BASE, host=HOST, name="ILL Days")

    lines = raw.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    assert all(line.decode("utf-8") is not None for line in lines)
    assert "Bring your licences." in str(by_summary(Calendar.from_ical(raw))["Online workshop"]["DESCRIPTION"])


async def test_commas_semicolons_and_newlines_survive_the_round_trip() -> None:
    event_id = await make_event()
    title = "Copyright; fair use, and you"
    await make_session(
        event_id,
        title,
        local(SATURDAY, 9),
        tags=["e-books", "fair use"],
        abstract="Line one,\nline two; \\ and a backslash",
    )
    await publish_release(event_id)

    event = by_summary(await feed(event_id))[title]

    assert "Line one,\nline two; \\ and a backslash" in str(event["DESCRIPTION"])
    assert [str(c) for c in event["CATEGORIES"].cats] == ["talk", "e-books", "fair use"]
