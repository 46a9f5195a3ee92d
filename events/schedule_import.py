"""Read schedules from pretalx/frab JSON, frab XML and iCalendar, and merge them into an event.

Real files bend the schemas (odd ids, slugs, acronyms), so reading is lenient
about everything Hallway does not need and strict about what it does: a
session without a title or a readable start is refused with one message that
names the session and the field. Merging is one transaction keyed by guid:
importing the same file twice changes nothing, and a failure leaves nothing
half-written.
"""

from __future__ import annotations

import json
import re
import uuid
from server.i18n import _
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Callable
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

from icalendar import Calendar

from events.editing import (
    COLOUR,
    LATEST_DAY_CHANGE,
    TAG,
    TEXT_MAX,
    EventInput,
    RoomInput,
    SessionInput,
    check_event,
    create_event,
    save_presenter,
    save_room,
    save_session,
    save_track,
    set_day_change,
    valid_timezone,
)
from events.programme import DAY_CHANGE, conference_day_of, time_of_day
from events.tables import Event, Presenter, Room, Session, SessionKind, SessionPresenter, SessionStatus, Track
from server.validation import without_control_characters, year_problem
from server.problems import Invalid

FORMATS = ("frab-json", "frab-xml", "ical")
KINDS = {
    "talk": SessionKind.talk,
    "lecture": SessionKind.talk,
    "performance": SessionKind.talk,
    "workshop": SessionKind.workshop,
    "hands-on": SessionKind.workshop,
    "panel": SessionKind.panel,
    "discussion": SessionKind.panel,
    "podium": SessionKind.panel,
    "keynote": SessionKind.keynote,
    "break": SessionKind.break_,
    "pause": SessionKind.break_,
    "networking": SessionKind.networking,
    "meeting": SessionKind.networking,
    "meetup": SessionKind.networking,
}
_DURATION = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


class ImportFailed(ValueError):
    """The file cannot be imported; the message names the item and the field."""


@dataclass
class ImportedPerson:
    name: str
    bio: str = ""


@dataclass
class ImportedSession:
    guid: uuid.UUID
    title: str
    starts_at: datetime
    ends_at: datetime
    room: str = ""
    track: str = ""
    kind: str = SessionKind.talk.value
    status: str = SessionStatus.confirmed.value
    subtitle: str = ""
    abstract: str = ""
    description: str = ""
    language: str = "en"
    tags: list[str] = field(default_factory=list)
    persons: list[ImportedPerson] = field(default_factory=list)


@dataclass
class ImportedSchedule:
    title: str
    timezone: str
    start_date: date
    end_date: date
    rooms: list[tuple[str, int | None]]
    tracks: list[tuple[str, str]]
    sessions: list[ImportedSession]
    zone_named: bool = True  # False: the file gives UTC offsets only, and "UTC" above is a stand-in
    day_change: time | None = None  # where the file's days end after midnight, when it says


@dataclass
class ImportReport:
    event_created: bool = False
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    rooms_added: list[str] = field(default_factory=list)
    tracks_added: list[str] = field(default_factory=list)
    presenters_added: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """What the import did (or would do), line by line, in the reader's language; the summary last."""
        out = [*self.notes, *([_("new event")] if self.event_created else [])]
        out += [_("new session: %(title)s", title=title) for title in self.created]
        out += [_("changed session: %(title)s", title=title) for title in self.updated]
        out += [_("new room: %(name)s", name=name) for name in self.rooms_added]
        out += [_("new track: %(name)s", name=name) for name in self.tracks_added]
        out += [_("new presenter: %(name)s", name=name) for name in self.presenters_added]
        out.append(
            _(
                "%(new)s new, %(changed)s changed, %(unchanged)s unchanged sessions",
                new=len(self.created),
                changed=len(self.updated),
                unchanged=self.unchanged,
            )
        )
        return out


# Reading ---------------------------------------------------------------------------------------


def detect_format(data: bytes, filename: str = "") -> str:
    head = data.lstrip()[:200]
    if filename.endswith(".ics") or head.startswith(b"BEGIN:VCALENDAR"):
        return "ical"
    if filename.endswith(".xml") or head.startswith(b"<"):
        return "frab-xml"
    if filename.endswith(".json") or head.startswith(b"{"):
        return "frab-json"
    raise ImportFailed(
        "file: Hallway reads pretalx or frab JSON, frab XML and iCalendar (.ics) files; this is none of them"
    )


def parse_schedule(data: bytes, fmt: str = "auto", filename: str = "") -> ImportedSchedule:
    fmt = detect_format(data, filename) if fmt == "auto" else fmt
    readers: dict[str, Callable[[bytes], ImportedSchedule]] = {
        "frab-json": _read_frab_json,
        "frab-xml": _read_frab_xml,
        "ical": _read_ical,
    }
    if fmt not in readers:
        raise ImportFailed(f"format: {fmt!r} is not one of auto, {', '.join(FORMATS)}")
    schedule = readers[fmt](data)
    if not schedule.sessions:
        raise ImportFailed("file: it contains no sessions")
    return schedule


def _decoded(component: Any, name: str) -> Any:
    """A property's value as Python reads it (a datetime, a date, a timedelta); None when it is missing."""
    found = component.get(name)
    return getattr(found, "dt", None) if found is not None else None


def _text(value: Any) -> str:
    """Text as the file has it, less control characters (lenient: an import keeps what it can)."""
    return "" if value is None else without_control_characters(str(value)).strip()


def _line(value: Any) -> str:
    """A title or a name: one line, whatever line breaks the file put in it."""
    return " ".join(_text(value).split())


def _guid(raw: Any, *fallback: Any) -> uuid.UUID:
    try:
        return uuid.UUID(_text(raw))
    except ValueError:
        return uuid.uuid5(uuid.NAMESPACE_URL, "hallway:import:" + ":".join(_text(part) for part in (raw, *fallback)))


def _duration(raw: Any, label: str) -> timedelta:
    match = _DURATION.match(_text(raw))
    if not match:
        raise ImportFailed(f"{label}: duration {_text(raw)!r} is not HH:MM")
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return timedelta(hours=hours, minutes=minutes, seconds=seconds)


def _moment(raw: Any, zone: ZoneInfo, label: str) -> datetime:
    try:
        moment = datetime.fromisoformat(_text(raw))
    except ValueError:
        raise ImportFailed(f"{label}: date {_text(raw)!r} is not an ISO date and time") from None
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment


def _zone(name: str) -> tuple[str, ZoneInfo]:
    name = name or "UTC"
    if not valid_timezone(name):
        raise ImportFailed(f"conference: time zone {name!r} is not an IANA time zone name")
    return name, ZoneInfo(name)


def _kind(raw: Any) -> str:
    return KINDS.get(_text(raw).lower(), SessionKind.talk).value


def _session_label(title: str) -> str:
    return f"session {title!r}" if title else "a session without a title"


def _json_document(data: bytes) -> Any:
    try:
        return json.loads(data)
    except RecursionError:
        raise ImportFailed("file: the JSON is nested too deeply to be a schedule") from None
    except UnicodeDecodeError:
        raise ImportFailed("file: it is not text in UTF-8; export the schedule again as UTF-8 JSON") from None
    except json.JSONDecodeError as error:
        raise ImportFailed(
            f"file: it is not valid JSON ({error.msg} on line {error.lineno}, column {error.colno})"
        ) from None


def _json_part(document: Any, path: tuple[str, ...], kind: type) -> Any:
    """``document[path[0]][path[1]]…``, or an error that names where a frab/pretalx schedule has it."""
    found = document
    for key in path:
        found = found.get(key) if isinstance(found, dict) else None
    if not isinstance(found, kind):
        where = " → ".join(path)
        what = "a list" if kind is list else "a group of fields"
        raise ImportFailed(f"file: this JSON is not a frab or pretalx schedule: it needs {what} at “{where}”")
    return found


def _listed(value: Any) -> list[dict[str, Any]]:
    """The groups of fields in an optional list (rooms, tracks); anything else in it is ignored."""
    return [entry for entry in value if isinstance(entry, dict)] if isinstance(value, list) else []


def _read_frab_json(data: bytes) -> ImportedSchedule:
    document = _json_document(data)
    conference = _json_part(document, ("schedule", "conference"), dict)
    days = _json_part(document, ("schedule", "conference", "days"), list)
    named = _text(conference.get("time_zone_name"))
    zone_name, zone = _zone(named)
    sessions = []
    for number, day in enumerate(days, start=1):
        rooms_of_day = day.get("rooms") if isinstance(day, dict) else None
        if not isinstance(rooms_of_day, dict):
            raise ImportFailed(f"day {number}: it needs “rooms”, each room with a list of its sessions")
        for room_name, items in rooms_of_day.items():
            if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
                raise ImportFailed(f"day {number}, room {room_name!r}: its sessions must be a list of sessions")
            for item in items:
                sessions.append(_frab_json_session(item, room_name, zone))
    rooms = [
        (_text(room.get("name")), room.get("capacity") if isinstance(room.get("capacity"), int) else None)
        for room in _listed(conference.get("rooms"))
        if _text(room.get("name"))
    ]
    tracks = [
        (_text(track.get("name")), _text(track.get("color")))
        for track in _listed(conference.get("tracks"))
        if _text(track.get("name"))
    ]
    bounds = [(day.get("date"), day.get("day_start"), day.get("day_end")) for day in days]
    return _schedule(
        _line(conference.get("title")),
        zone_name,
        conference,
        sessions,
        rooms,
        tracks,
        named=bool(named),
        day_change=_file_day_change(bounds, zone),
    )


def _file_day_change(bounds: list[tuple[Any, Any, Any]], zone: ZoneInfo) -> time | None:
    """Where a frab file's days change, from each day's date, start and end; None when the file does not say.

    A day that ends after midnight (frab's camp days run 09:00 to 04:00, a festival's to 06:00) ends there; a
    file whose days all end by midnight but one starts in the small hours changes days at midnight. A day end
    given as the minute before (05:59, as some exporters write it) counts as the hour it leads to.
    """
    ends, early_start = [], False
    for raw_date, raw_start, raw_end in bounds:
        try:
            day = date.fromisoformat(_text(raw_date)[:10])
            start = _wall_clock(_moment(raw_start, zone, "day"), zone)
            end = _wall_clock(_moment(raw_end, zone, "day"), zone)
        except (ImportFailed, ValueError):
            continue  # a day without readable bounds says nothing; its sessions carry their own times
        end = end.replace(second=0, microsecond=0) + timedelta(minutes=1 if end.minute == 59 or end.second else 0)
        after_midnight = end - datetime.combine(day + timedelta(days=1), time())
        if timedelta(0) < after_midnight and end.time() < LATEST_DAY_CHANGE:
            ends.append(end.time())
        early_start = early_start or (start.date() == day and start.time() < DAY_CHANGE)
    if ends:
        return max(ends)
    return time(0, 0) if early_start else None


def _wall_clock(moment: datetime, zone: ZoneInfo) -> datetime:
    """The local time a file means: as written when its offset is one the zone has then (a day change of 02:30
    on the night the clocks skip that hour is still 02:30), else the instant read on the zone's clock."""
    written = moment.replace(tzinfo=None)
    offsets = {written.replace(tzinfo=zone, fold=fold).utcoffset() for fold in (0, 1)}
    return written if moment.utcoffset() in offsets else moment.astimezone(zone).replace(tzinfo=None)


def _frab_json_session(item: dict[str, Any], room_name: str, zone: ZoneInfo) -> ImportedSession:
    title = _line(item.get("title"))
    label = _session_label(title)
    if not title:
        raise ImportFailed(f"{label} (guid {_text(item.get('guid'))!r}): title is missing")
    starts = _moment(item.get("date"), zone, label)
    people = item.get("persons") or []
    if not isinstance(people, list) or not all(isinstance(person, dict) for person in people):
        raise ImportFailed(f"{label}: “persons” must be a list of people, each with a name")
    persons = [
        ImportedPerson(_text(p.get("public_name") or p.get("name")), _text(p.get("biography")))
        for p in people
        if _text(p.get("public_name") or p.get("name"))
    ]
    return ImportedSession(
        guid=_guid(item.get("guid"), item.get("id"), title),
        title=title,
        starts_at=starts,
        ends_at=starts + _duration(item.get("duration"), label),
        room=_text(item.get("room")) or room_name,
        track=_text(item.get("track")),
        kind=_kind(item.get("type")),
        subtitle=_line(item.get("subtitle")),
        abstract=_text(item.get("abstract")),
        description=_text(item.get("description")),
        language=_text(item.get("language"))[:16] or "en",
        persons=persons,
    )


def _read_frab_xml(data: bytes) -> ImportedSchedule:
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        raise ImportFailed(f"file: not well-formed XML ({error})") from None
    conference = root.find("conference")
    if root.tag != "schedule" or conference is None:
        raise ImportFailed("file: not a frab schedule XML (no <schedule><conference>)")
    named = _text(conference.findtext("time_zone_name"))
    zone_name, zone = _zone(named)
    sessions = []
    for element in root.iter("event"):
        title = _line(element.findtext("title"))
        label = _session_label(title)
        if not title:
            raise ImportFailed(f"{label} (guid {element.get('guid')!r}): title is missing")
        starts = _moment(element.findtext("date"), zone, label)
        sessions.append(
            ImportedSession(
                guid=_guid(element.get("guid"), element.get("id"), title),
                title=title,
                starts_at=starts,
                ends_at=starts + _duration(element.findtext("duration"), label),
                room=_text(element.findtext("room")),
                track=_text(element.findtext("track")),
                kind=_kind(element.findtext("type")),
                subtitle=_line(element.findtext("subtitle")),
                abstract=_text(element.findtext("abstract")),
                description=_text(element.findtext("description")),
                language=_text(element.findtext("language"))[:16] or "en",
                persons=[ImportedPerson(_text(p.text)) for p in element.iter("person") if _text(p.text)],
            )
        )
    meta = {"start": conference.findtext("start"), "end": conference.findtext("end")}
    tracks = [(_text(t.get("name")), _text(t.get("color"))) for t in conference.iter("track") if _text(t.get("name"))]
    bounds = [(day.get("date"), day.get("start"), day.get("end")) for day in root.iter("day")]
    return _schedule(
        _line(conference.findtext("title")),
        zone_name,
        meta,
        sessions,
        [],
        tracks,
        named=bool(named),
        day_change=_file_day_change(bounds, zone),
    )


def _read_ical(data: bytes) -> ImportedSchedule:
    try:
        calendar = Calendar.from_ical(data)
    except ValueError as error:
        raise ImportFailed(f"file: not a readable iCalendar file ({error})") from None
    zones = [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")]
    # The calendar's own name for its zone, else a VTIMEZONE, else the TZID its first event names (RFC 5545 lets a
    # TZID stand alone when it is a zone every reader knows, as IANA names are).
    tzids = [str(event["DTSTART"].params.get("TZID", "")) for event in calendar.walk("VEVENT") if event.get("DTSTART")]
    named = _text(calendar.get("X-WR-TIMEZONE")) or next((z for z in zones + tzids if valid_timezone(z)), "")
    zone_name, zone = _zone(named)
    sessions = []
    for event in calendar.walk("VEVENT"):
        title = _line(event.get("SUMMARY"))
        label = f"event {title!r}" if title else "an event without a SUMMARY"
        if not title:
            raise ImportFailed(f"{label} (UID {_text(event.get('UID'))!r}): SUMMARY is missing")
        starts = _decoded(event, "DTSTART")
        if not isinstance(starts, datetime):
            raise ImportFailed(f"{label}: DTSTART is missing or has no time of day")
        starts = starts.replace(tzinfo=zone) if starts.tzinfo is None else starts
        if event.get("DTEND") is not None:
            ends = _decoded(event, "DTEND")
            if not isinstance(ends, datetime):  # RFC 5545 3.6.1: DTEND has the value type of DTSTART
                raise ImportFailed(f"{label}: DTEND is a date without a time of day, but DTSTART has one")
            ends = ends.replace(tzinfo=zone) if ends.tzinfo is None else ends
        elif event.get("DURATION") is not None:
            try:
                ends = starts + _decoded(event, "DURATION")
            except (OverflowError, TypeError):
                raise ImportFailed(f"{label}: its DURATION ends past any date a calendar can hold") from None
        else:  # RFC 5545 3.6.1: a date-time DTSTART alone is a moment, such as a deadline
            ends = starts
        categories = event.get("CATEGORIES")
        tags = [str(c) for c in (categories.cats if categories is not None and hasattr(categories, "cats") else [])]
        uid = _text(event.get("UID"))
        sessions.append(
            ImportedSession(
                guid=_guid(uid.split("@", 1)[0], uid, title),
                title=title,
                starts_at=starts,
                ends_at=ends,
                room=_line(event.get("LOCATION"))[:100],  # whole: "Room 1, Building B" is one place
                status="cancelled" if _text(event.get("STATUS")).upper() == "CANCELLED" else "confirmed",
                abstract=_text(event.get("DESCRIPTION")),
                tags=[tag for tag in tags if tag][:20],
            )
        )
    title = _line(calendar.get("X-WR-CALNAME")) or _text(calendar.get("NAME")) or "Imported programme"
    return _schedule(title, zone_name, {}, sessions, [], [], named=bool(named))


def _schedule(
    title: str,
    zone_name: str,
    meta: dict[str, Any],
    sessions: list[ImportedSession],
    rooms: list[tuple[str, int | None]],
    tracks: list[tuple[str, str]],
    *,
    named: bool = True,
    day_change: time | None = None,
) -> ImportedSchedule:
    if not sessions:  # every reader ends here, so an empty file is refused the same way in all formats
        raise ImportFailed("file: it contains no sessions")
    for session in sessions:
        if problem := year_problem(session.starts_at) or year_problem(session.ends_at):
            raise ImportFailed(f"{_session_label(session.title)} (guid {session.guid}): {problem}")
    zone = ZoneInfo(zone_name)
    days = [conference_day_of(s.starts_at, zone, day_change or DAY_CHANGE) for s in sessions]
    start, end = _date(meta.get("start")) or min(days), _date(meta.get("end")) or max(days)
    return ImportedSchedule(
        title or "Imported programme",
        zone_name,
        min(start, min(days)),
        max(end, start),
        rooms,
        tracks,
        sessions,
        zone_named=named,
        day_change=day_change,
    )


def _date(raw: Any) -> date | None:
    try:
        return date.fromisoformat(_text(raw)[:10]) if raw else None
    except ValueError:
        return None


# Merging ---------------------------------------------------------------------------------------


class _DryRun(Exception):
    """Raised inside the transaction to undo everything a dry run did."""


async def import_schedule(
    event_slug: str,
    schedule: ImportedSchedule,
    *,
    organiser_id: int | None = None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    time_zone: str | None = None,
) -> ImportReport:
    """Merge ``schedule`` into the event (created from the file when missing) in one transaction.

    ``time_zone`` names the zone of an event created from a file that gives only UTC offsets: its times are
    exact instants either way, but which clock attendees read them on is never guessed (it was silently UTC).
    """
    report = ImportReport()
    if time_zone is not None and not valid_timezone(time_zone):
        raise ImportFailed(f"time zone: {time_zone!r} is not an IANA time zone name such as Europe/Berlin")
    try:
        async with Event._meta.db.transaction():
            await _merge(event_slug, schedule, organiser_id, report, progress, time_zone)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report


async def _merge(
    event_slug: str,
    schedule: ImportedSchedule,
    organiser_id: int | None,
    report: ImportReport,
    progress: Callable[[int, int], None] | None,
    time_zone: str | None = None,
) -> None:
    event = await Event.select(Event.id, Event.timezone, Event.day_change).where(Event.slug == event_slug).first()
    zone = time_zone or (schedule.timezone if schedule.zone_named else None)
    if event is None and zone is None:
        raise ImportFailed(
            "file: its times carry UTC offsets but it names no time zone; say which zone the event is "
            "in (hallway import-schedule --time-zone Europe/Berlin …)"
        )
    if event is not None and not schedule.zone_named:
        report.notes.append(
            f"the file names no time zone: its times are kept as exact instants and shown in the "
            f"event's zone, {event['timezone']}"
        )
    if event is None:
        data = EventInput(
            slug=event_slug,
            title=schedule.title[:200],
            timezone=zone or schedule.timezone,
            start_date=schedule.start_date,
            end_date=schedule.end_date,
            day_change=schedule.day_change.isoformat("minutes") if schedule.day_change else None,
        )
        errors = check_event(data)
        if errors:
            raise ImportFailed("; ".join(f"event {name}: {message}" for name, message in errors.items()))
        event_id = await create_event(data, organiser_id)
        report.event_created = True
        if schedule.day_change:
            report.notes.append(f"each day ends at {schedule.day_change:%H:%M}, as the file says")
    else:
        event_id = event["id"]
        await _follow_day_change(event_id, time_of_day(event["day_change"]), schedule.day_change, report)
    rooms = await _ensure_rooms(
        event_id,
        [name for name, _ in schedule.rooms] + [s.room for s in schedule.sessions if s.room],
        {name[:100].strip(): cap for name, cap in schedule.rooms if cap},
        report.rooms_added,
    )
    colours = {name[:100].strip(): colour for name, colour in schedule.tracks if COLOUR.match(colour)}
    tracks = await _ensure_tracks(
        event_id,
        [name for name, _ in schedule.tracks] + [s.track for s in schedule.sessions if s.track],
        colours,
        report.tracks_added,
    )
    people = {
        row["name"]: row["id"]
        for row in await Presenter.select(Presenter.id, Presenter.name).where(Presenter.event == event_id)
    }
    for number, item in enumerate(schedule.sessions, start=1):
        await _merge_session(event_id, item, rooms, tracks, people, report)
        if progress:
            progress(number, len(schedule.sessions))


async def _follow_day_change(event_id: int, current: time, from_file: time | None, report: ImportReport) -> None:
    """The file's own day boundaries win: its 04:30 concert stays on the night it was listed under."""
    if from_file is None or from_file == current:
        return
    await set_day_change(event_id, from_file.isoformat("minutes"))
    report.notes.append(f"each day now ends at {from_file:%H:%M}, as the file says (it ended at {current:%H:%M})")


async def _ensure_rooms(
    event_id: int, names: list[str], capacities: dict[str, int], added: list[str]
) -> dict[str, int]:
    """Every room the file names, added through the organisers' own door (``editing.save_room``)."""
    known = {row["name"]: row["id"] for row in await Room.select(Room.id, Room.name).where(Room.event == event_id)}
    for name in _new_names(names, known):
        capacity = capacities.get(name)
        room = RoomInput(name, capacity=capacity if capacity and 0 < capacity <= 100_000 else None, position=len(known))
        known[name] = await save_room(event_id, room)
        added.append(name)
    return known


async def _ensure_tracks(event_id: int, names: list[str], colours: dict[str, str], added: list[str]) -> dict[str, int]:
    """Every track the file names, added through ``editing.save_track`` (a colour it cannot use is left out)."""
    known = {row["name"]: row["id"] for row in await Track.select(Track.id, Track.name).where(Track.event == event_id)}
    for name in _new_names(names, known):
        known[name] = await (
            save_track(event_id, name, colours[name]) if name in colours else save_track(event_id, name)
        )
        added.append(name)
    return known


def _new_names(names: list[str], known: dict[str, int]) -> list[str]:
    """The names not yet known, once each, cut to what a room or track name may be."""
    return [name for name in dict.fromkeys(name[:100].strip() for name in names) if name and name not in known]


async def _merge_session(
    event_id: int,
    item: ImportedSession,
    rooms: dict[str, int],
    tracks: dict[str, int],
    people: dict[str, int],
    report: ImportReport,
) -> None:
    label = f"session {item.title!r} (guid {item.guid})"
    if item.ends_at < item.starts_at:
        raise ImportFailed(f"{label}: it ends before it starts")
    # Lenient where a file may be longer or looser than the form allows; every rule else is editing's.
    tags = sorted({tag for tag in item.tags if TAG.match(tag)})[:20]
    values: dict[str, Any] = {
        "title": item.title[:300],
        "subtitle": item.subtitle[:300],
        "abstract": item.abstract[:TEXT_MAX],
        "description": item.description[:TEXT_MAX],
        "kind": item.kind,
        "status": item.status,
        "starts_at": item.starts_at.astimezone(timezone.utc),
        "ends_at": item.ends_at.astimezone(timezone.utc),
        "room": rooms.get(item.room[:100].strip()),
        "track": tracks.get(item.track[:100].strip()),
        "language": item.language[:16] or "en",
        "tags": tags,
    }
    presenter_ids = []
    for person in item.persons:
        if person.name not in people:
            people[person.name] = await save_presenter(event_id, person.name[:200], bio=person.bio[:TEXT_MAX])
            report.presenters_added.append(person.name)
        presenter_ids.append(people[person.name])
    presenter_ids = list(dict.fromkeys(presenter_ids))
    data = SessionInput(
        title=values["title"],
        starts_at=item.starts_at,
        ends_at=item.ends_at,
        room=item.room[:100].strip() if values["room"] else "",
        track=item.track[:100].strip() if values["track"] else "",
        kind=item.kind,
        status=item.status,
        subtitle=values["subtitle"],
        abstract=values["abstract"],
        description=values["description"],
        language=values["language"],
        tags=tags,
        presenter_ids=presenter_ids,
    )
    existing = await Session.select().where(Session.guid == item.guid).first()
    if existing is not None and existing["event"] != event_id:
        raise ImportFailed(f"{label}: this guid already belongs to a session of another event")
    if existing is None:
        await _save(event_id, data, label, new_guid=item.guid)
        report.created.append(item.title)
        return
    current_presenters = [
        row["presenter"]
        for row in await SessionPresenter.select(SessionPresenter.presenter)
        .where(SessionPresenter.session == existing["id"])
        .order_by(SessionPresenter.position)
    ]
    changed = _changed_fields(existing, values) + (["presenters"] if current_presenters != presenter_ids else [])
    if not changed:
        report.unchanged += 1
        return
    await _save(event_id, data, label, guid=str(existing["guid"]))
    report.updated.append(f"{item.title} ({', '.join(changed)})")


async def _save(event_id: int, data: SessionInput, label: str, **which: Any) -> None:
    """Through the one door for sessions; what it refuses is said in the import's words."""
    try:
        await save_session(event_id, data, **which)
    except Invalid as error:
        raise ImportFailed(
            f"{label}: " + "; ".join(f"{field}: {message}" for field, message in error.errors.items())
        ) from None


FIELD_WORDS = {"starts_at": "start", "ends_at": "end", "kind": "type", "tags": "tags"}


def _changed_fields(row: dict[str, Any], values: dict[str, Any]) -> list[str]:
    """The fields of a stored session that the imported values would change, in an organiser's words."""
    changed = []
    for name, value in values.items():
        stored = row[name]
        if isinstance(stored, datetime):
            stored = stored.astimezone(timezone.utc) if stored.tzinfo else stored.replace(tzinfo=timezone.utc)
        if name == "tags":
            stored = sorted(stored or [])
        if stored != value:
            changed.append(FIELD_WORDS.get(name, name))
    return changed
