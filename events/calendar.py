"""iCalendar feeds of a programme (RFC 5545, RFC 7986), built with the ``icalendar`` library.

Calendar programs are fussy and silent when they disagree, so every feed:
uses IANA TZIDs with VTIMEZONE blocks that every reader understands alike
(one DTSTART per change, ``events.vtimezone``) and UTC for a local time that
happens twice; keeps UIDs stable across releases
(``<guid>@<host>``); raises SEQUENCE and LAST-MODIFIED when a session's time,
room, title or status changes; keeps cancelled sessions as STATUS:CANCELLED;
gives online sessions a CONFERENCE property and repeats the link in the
DESCRIPTION (most programs ignore CONFERENCE); carries no METHOD (it is a
subscription, not an invitation); and strips control characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Iterable
from zoneinfo import ZoneInfo

from icalendar import Calendar, vCategory, vText, vUri
from icalendar.parser import Parameters

from events.frab_export import session_url
from events.programme import Programme, ProgrammeRoom, ProgrammeSession
from events.vtimezone import is_ambiguous, vtimezone_lines

REFRESH = timedelta(hours=1)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(text: str) -> str:
    """Text as calendars can store it: no control characters (tabs and newlines are kept)."""
    return _CONTROL.sub("", text)


@dataclass(frozen=True)
class CalendarPart:
    """Sessions of one programme for a feed, and whether the reader may see members-only links."""

    programme: Programme
    sessions: tuple[ProgrammeSession, ...]
    include_join_links: bool = False


def programme_calendar(
    programme: Programme,
    sessions: Iterable[ProgrammeSession],
    *,
    base_url: str,
    host: str,
    name: str,
    include_join_links: bool = False,
) -> bytes:
    """A subscribable calendar of one event's ``sessions``."""
    part = CalendarPart(programme, tuple(sessions), include_join_links)
    page = f"{base_url}/events/{programme.event.slug}/schedule/"
    return build_calendar(
        [part], base_url=base_url, host=host, name=name, page_url=page, timezone_name=programme.event.timezone
    )


def build_calendar(
    parts: Iterable[CalendarPart],
    *,
    base_url: str,
    host: str,
    name: str,
    page_url: str,
    timezone_name: str | None = None,
) -> bytes:
    """A subscribable calendar of sessions from one or more programmes (a personal agenda spans events).

    The calendar and its VTIMEZONEs are icalendar components. The events are
    written as content lines with icalendar's value encoders (text escaping,
    categories, parameters) but not its component machinery, which costs
    half a second for a thousand sessions.
    """
    calendar = Calendar()
    calendar.add("prodid", "-//Hallway//Hallway schedule//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", clean(name))
    calendar.add("x-wr-calname", clean(name))
    if timezone_name:
        calendar.add("x-wr-timezone", timezone_name)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    calendar.add("url", vUri(page_url))
    parts = list(parts)
    lines = [line for line in calendar.content_lines() if line]
    end = lines.pop()
    for zone_name, (first, last) in _zone_ranges(parts).items():
        # Transitions for the feed's years only, one per sub-component (see events.vtimezone).
        lines += zone_lines(zone_name, first, last)
    for part in parts:
        stamp = part.programme.published_at or datetime.now(timezone.utc)
        rooms = {room.name: room for room in part.programme.rooms}
        for item in part.sessions:
            lines += _session_lines(
                part.programme, item, rooms.get(item.room), stamp, base_url, host, part.include_join_links
            )
    lines.append(end)
    return b"".join(fold(line) + b"\r\n" for line in lines)


def _zone_ranges(parts: list[CalendarPart]) -> dict[str, tuple[date, date]]:
    ranges: dict[str, tuple[date, date]] = {}
    for part in parts:
        event = part.programme.event
        first, last = ranges.get(event.timezone, (event.start_date, event.end_date))
        days = [item.starts_at.date() for item in part.sessions] + [event.start_date, event.end_date, first, last]
        ranges[event.timezone] = (min(days), max(days))
    return {name: (date(first.year - 1, 1, 1), date(last.year + 1, 12, 31)) for name, (first, last) in ranges.items()}


def fold(line: str) -> bytes:
    """One content line folded at 75 octets (RFC 5545 3.1), never inside a UTF-8 character or an escape.

    icalendar folds character by character; this does the same cut with byte
    slices, which matters when a feed has thousands of lines.
    """
    data = line.encode("utf-8")
    if len(data) <= 75:
        return data
    pieces, start, room = [], 0, 75
    while len(data) - start > room:
        end = start + room
        while (data[end] & 0xC0) == 0x80:  # a UTF-8 continuation byte: step back to the character's start
            end -= 1
        if data[end - 1] in b"\\^" and end - 1 > start:  # keep an escape with what it escapes
            end -= 1
        pieces.append(data[start:end])
        start, room = end, 74  # continuation lines begin with a space
    pieces.append(data[start:])
    return b"\r\n ".join(pieces)


def _text(value: str) -> str:
    return vText(clean(value)).to_ical().decode()


def _utc(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _local(moment: datetime, zone_name: str) -> str:
    """Local time with its zone; in UTC when that wall-clock time happens twice (the autumn repeated hour)."""
    if is_ambiguous(moment, ZoneInfo(zone_name)):
        return ":" + _utc(moment)
    return f";TZID={zone_name}:" + moment.strftime("%Y%m%dT%H%M%S")


@lru_cache(maxsize=256)
def zone_lines(zone_name: str, first: date, last: date) -> tuple[str, ...]:
    return tuple(vtimezone_lines(zone_name, first, last))


def _session_lines(
    programme: Programme,
    item: ProgrammeSession,
    room: ProgrammeRoom | None,
    stamp: datetime,
    base_url: str,
    host: str,
    include_join_links: bool,
) -> list[str]:
    zone = programme.event.zone
    url = session_url(base_url, programme.event.slug, item)
    online = _online_links(room, include_join_links)
    lines = [
        "BEGIN:VEVENT",
        "UID:" + _text(f"{item.guid}@{host}"),
        "DTSTAMP:" + _utc(stamp),
        "DTSTART" + _local(item.local_start(zone), programme.event.timezone),
        # A moment (a deadline) has no DTEND: RFC 5545 wants DTEND later than DTSTART, and DTSTART alone lasts no time.
        *(["DTEND" + _local(item.local_end(zone), programme.event.timezone)] if item.ends_at > item.starts_at else []),
        "SUMMARY:" + _text(item.title),
        "DESCRIPTION:" + _text(_description(item, url, online)),
    ]
    location = ", ".join(part for part in (item.room, room.location if room else "") if part)
    if location:
        lines.append("LOCATION:" + _text(location))
    lines += [
        "URL:" + clean(url),
        "STATUS:" + ("CANCELLED" if item.cancelled else "CONFIRMED"),
        f"SEQUENCE:{item.sequence}",
    ]
    if item.last_modified:
        lines.append("LAST-MODIFIED:" + _utc(item.last_modified))
    categories = [clean(value) for value in (item.track, item.kind, *item.tags) if value]
    if categories:
        lines.append("CATEGORIES:" + vCategory(categories).to_ical().decode())
    for label, link in online:
        parameters = Parameters({"FEATURE": ["AUDIO", "VIDEO"], "LABEL": label, "VALUE": "URI"}).to_ical().decode()
        lines.append(f"CONFERENCE;{parameters}:{clean(link)}")
    lines.append("END:VEVENT")
    return lines


def _online_links(room: ProgrammeRoom | None, include_join_links: bool) -> list[tuple[str, str]]:
    if room is None:
        return []
    links = []
    if room.stream_url:
        links.append(("Watch the stream", room.stream_url))
    if include_join_links and room.join_url:
        links.append(("Join the session", room.join_url))
    return links


def _description(item: ProgrammeSession, url: str, online: list[tuple[str, str]]) -> str:
    parts = []
    if item.cancelled:
        parts.append("CANCELLED")
    if item.presenters:
        parts.append("With " + ", ".join(person.name for person in item.presenters))
    if item.abstract:
        parts.append(item.abstract)
    parts.extend(f"{label}: {link}" for label, link in online)
    parts.append(f"Details: {url}")
    return "\n\n".join(parts)
