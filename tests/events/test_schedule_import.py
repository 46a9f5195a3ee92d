"""Importing real pretalx and frab files, and iCalendar, then exporting them again."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime, timezone

import pytest

from events.access import event_access
from events.frab_export import frab_json, frab_xml
from events.programme import Programme
from events.releases import build_snapshot, publish_release, published_programme, working_programme
from events.schedule_import import ImportFailed, import_schedule, parse_schedule
from tests.events.interop import INTEROP, json_errors, xml_errors

pytestmark = pytest.mark.usefixtures("db")
BASE = "https://hallway.example.org"


def interop(name: str) -> bytes:
    return (INTEROP / name).read_bytes()


async def imported(slug: str, name: str) -> Programme:
    await import_schedule(slug, parse_schedule(interop(name)))
    return await build_snapshot((await event_access(slug, None)).event_id)


async def test_the_pretalx_democon_export_imports_with_its_times_rooms_and_people() -> None:
    snapshot = await imported("democon", "pretalx-democon.json")

    assert snapshot.event.title == "DemoCon" and snapshot.event.timezone == "UTC"
    assert len(snapshot.sessions) == 36
    first = snapshot.session("8079583e-8321-506c-95af-fd2903a5f075")
    assert first is not None and (first.title, first.room) == ("Focused 5thgeneration hardware", "Gray Room")
    assert first.starts_at == datetime(2020, 12, 14, 8, tzinfo=timezone.utc)  # 09:00+01:00 in the file
    assert [p.name for p in first.presenters] == ["Brian Robinson"]
    assert {s.kind for s in snapshot.sessions} == {"talk", "workshop"}


async def test_the_frab_camp_export_imports_despite_breaking_the_schema() -> None:
    snapshot = await imported("camp2019", "frab-camp2019.json")

    assert snapshot.event.timezone == "Europe/Berlin"
    assert (snapshot.event.start_date, snapshot.event.end_date) == (date(2019, 8, 21), date(2019, 8, 26))
    assert len(snapshot.sessions) == 79
    opening = snapshot.session("a0a0fcfe-b7fb-46e3-84b6-97a5406016b4")
    assert opening is not None and opening.room == "Curie"
    assert opening.starts_at == datetime(2019, 8, 21, 9, tzinfo=timezone.utc)
    assert [p.name for p in opening.presenters] == ["jinxx", "smtw"]


@pytest.mark.parametrize("name", ["pretalx-democon.json", "frab-camp2019.json"])
async def test_importing_the_same_file_again_changes_nothing(name: str) -> None:
    await imported("again", name)

    report = await import_schedule("again", parse_schedule(interop(name)))

    assert (report.created, report.updated, report.rooms_added, report.presenters_added) == ([], [], [], [])
    assert report.unchanged == len(parse_schedule(interop(name)).sessions)


@pytest.mark.parametrize("name", ["pretalx-democon.json", "frab-camp2019.json"])
async def test_imported_programmes_export_strictly_valid_files(name: str) -> None:
    await imported("roundtrip", name)
    event_id = (await event_access("roundtrip", None)).event_id
    await publish_release(event_id)
    programme = await published_programme(event_id)

    assert json_errors(json.loads(json.dumps(frab_json(programme, BASE)))) == []
    assert xml_errors(frab_xml(programme, BASE)) == []


async def test_our_own_xml_and_ics_exports_import_back_to_the_same_sessions() -> None:
    from events.calendar import programme_calendar

    await imported("source", "pretalx-democon.json")
    event_id = (await event_access("source", None)).event_id
    await publish_release(event_id)
    programme = await published_programme(event_id)
    xml = frab_xml(programme, BASE)
    ics = programme_calendar(programme, programme.sessions, base_url=BASE, host="hallway.example.org", name="x")

    from_xml, from_ics = parse_schedule(xml), parse_schedule(ics)
    original = {(s.guid, s.starts_at, s.ends_at, s.title) for s in programme.sessions}
    assert {(str(s.guid), s.starts_at, s.ends_at, s.title) for s in from_xml.sessions} == original
    assert {(str(s.guid), s.starts_at, s.ends_at, s.title) for s in from_ics.sessions} == original


async def test_a_dry_run_reports_without_saving() -> None:
    report = await import_schedule("dry", parse_schedule(interop("pretalx-democon.json")), dry_run=True)

    assert report.event_created and len(report.created) == 36
    assert await event_access("dry", None) is None


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda e: e.update(duration="an hour"),
            "session 'Focused 5thgeneration hardware': duration 'an hour' is not HH:MM",
        ),
        (
            lambda e: e.update(date="next tuesday"),
            "session 'Focused 5thgeneration hardware': date 'next tuesday' is not an ISO date and time",
        ),
        (
            lambda e: e.update(title=""),
            "a session without a title (guid '8079583e-8321-506c-95af-fd2903a5f075'): title is missing",
        ),
    ],
)
async def test_an_unreadable_session_is_named_and_nothing_is_imported(mutate, message: str) -> None:
    document = json.loads(interop("pretalx-democon.json"))
    mutate(document["schedule"]["conference"]["days"][0]["rooms"]["Gray Room"][0])

    with pytest.raises(ImportFailed) as raised:
        await import_schedule("broken", parse_schedule(json.dumps(document).encode()))

    assert str(raised.value) == message
    assert await event_access("broken", None) is None


async def test_a_failure_late_in_the_file_leaves_nothing_half_written() -> None:
    document = json.loads(interop("pretalx-democon.json"))
    last_day = document["schedule"]["conference"]["days"][-1]
    last = list(last_day["rooms"].values())[-1][-1]
    last["duration"] = "-1:00"

    with pytest.raises(ImportFailed):
        await import_schedule("half", parse_schedule(json.dumps(document).encode()))
    assert await event_access("half", None) is None


@pytest.mark.parametrize(
    "payload",
    [
        b"",
        b"not a schedule",
        b'{"schedule": 1}',
        b"<schedule>",
        b"BEGIN:VCALENDAR\r\nBROKEN",
        b"<schedule><version>1</version><conference><title>No days</title></conference></schedule>",  # once a 500
    ],
)
def test_files_that_are_not_schedules_get_one_clear_error(payload: bytes) -> None:
    with pytest.raises(ImportFailed) as raised:
        parse_schedule(payload)
    assert str(raised.value).startswith("file: ")


async def test_a_session_after_midnight_stays_on_the_day_it_started() -> None:
    document = json.loads(interop("frab-camp2019.json"))
    late = document["schedule"]["conference"]["days"][0]["rooms"]["Curie"][0]
    late.update(date="2019-08-22T01:30:00+02:00", start="01:30")
    await import_schedule("late", parse_schedule(json.dumps(document).encode()))
    event_id = (await event_access("late", None)).event_id
    await publish_release(event_id)
    programme = await published_programme(event_id)

    session = programme.session(late["guid"])
    assert session.starts_at == datetime(2019, 8, 21, 23, 30, tzinfo=timezone.utc)
    assert str(session.conference_day(programme.event.zone)) == "2019-08-21"


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (b'{"schedule": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nested too deeply"),
        (
            b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//x//EN\r\nBEGIN:VEVENT\r\nUID:a@x\r\nSUMMARY:Talk\r\n"
            b"DTSTART:20270301T100000Z\r\nDTEND;VALUE=DATE:20270302\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            "DTEND is a date",
        ),
        (
            b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//x//EN\r\nBEGIN:VEVENT\r\nUID:b@x\r\nSUMMARY:Far\r\n"
            b"DTSTART:99991231T230000Z\r\nDURATION:PT2H\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            "DURATION ends past",
        ),
        (
            b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//x//EN\r\nBEGIN:VEVENT\r\nUID:c@x\r\nSUMMARY:Far\r\n"
            b"DTSTART:99991231T100000Z\r\nDURATION:PT2H\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            "between the years",
        ),
    ],
)
def test_files_that_once_made_a_500_are_refused_with_a_reason(payload: bytes, expected: str) -> None:
    with pytest.raises(ImportFailed) as raised:
        parse_schedule(payload)
    assert expected in str(raised.value)


async def test_control_characters_in_an_imported_file_are_dropped_and_titles_are_one_line() -> None:
    document = json.loads(interop("pretalx-democon.json"))
    talk = next(t for day in document["schedule"]["conference"]["days"] for room in day["rooms"].values() for t in room)
    talk["title"] = "Bell\x07 and\nbreak"
    talk["abstract"] = "First line\nsecond \x1b line"
    schedule = parse_schedule(json.dumps(document).encode())
    imported = next(s for s in schedule.sessions if s.guid == uuid.UUID(talk["guid"]))
    assert (imported.title, imported.abstract) == ("Bell and break", "First line\nsecond  line")


def test_an_icalendar_location_is_kept_whole_and_a_bare_tzid_names_its_zone() -> None:
    calendar = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:one@example.org\r\n"
        b"DTSTAMP:20260101T000000Z\r\nSUMMARY:Opening\r\nLOCATION:Room 1\\, Building B\r\n"
        b"DTSTART;TZID=Europe/Berlin:20270327T100000\r\nDTEND;TZID=Europe/Berlin:20270327T110000\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR\r\n"
    )

    [session] = parse_schedule(calendar, "ical").sessions

    assert session.room == "Room 1, Building B"
    assert session.starts_at.utcoffset().total_seconds() == 3600  # 10:00 in Berlin (no VTIMEZONE in the file)


def offsets_only() -> bytes:
    """A frab JSON file that gives its times with UTC offsets but names no zone (as many exports do)."""
    session = {
        "guid": str(uuid.UUID(int=7)),
        "title": "Opening",
        "date": "2027-05-20T11:00:00+02:00",
        "duration": "00:45",
        "room": "Aula",
        "persons": [],
    }
    day = {"index": 1, "date": "2027-05-20", "rooms": {"Aula": [session]}}
    return json.dumps({"schedule": {"conference": {"title": "Offsets only", "days": [day]}}}).encode()


async def test_a_file_without_a_zone_name_never_makes_a_utc_event_silently() -> None:
    schedule = parse_schedule(offsets_only(), "frab-json")

    with pytest.raises(ImportFailed, match="names no time zone; say which zone"):
        await import_schedule("offsets-only", schedule)
    report = await import_schedule("offsets-only", schedule, time_zone="Europe/Berlin")
    again = await import_schedule("offsets-only", schedule)
    programme = await published_programme((await event_access("offsets-only", None)).event_id) or None

    access = await event_access("offsets-only", None)
    assert access is not None and access.timezone == "Europe/Berlin" and report.event_created
    assert programme is None  # imported, not yet published
    [opening] = (await working_programme(access.event_id)).sessions
    assert opening.starts_at == datetime(2027, 5, 20, 9, 0, tzinfo=timezone.utc)  # 11:00 in Berlin, kept exactly
    assert again.lines()[0] == (
        "the file names no time zone: its times are kept as exact instants and shown in the event's zone, Europe/Berlin"
    )
    with pytest.raises(ImportFailed, match="not an IANA time zone name"):
        await import_schedule("elsewhere", schedule, time_zone="Mars/Olympus")


def test_an_icalendar_file_names_its_zone_through_its_events_tzid() -> None:
    calendar = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:a@example.org\r\n"
        b"DTSTAMP:20260101T000000Z\r\nSUMMARY:Talk\r\nDTSTART;TZID=America/Chicago:20270520T090000\r\n"
        b"DURATION:PT45M\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )

    schedule = parse_schedule(calendar, "ical")

    assert schedule.timezone == "America/Chicago" and schedule.zone_named
