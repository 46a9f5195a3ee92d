"""iCalendar feeds of a programme (RFC 5545, RFC 7986), built with the ``icalendar`` library.

Calendar programs are fussy and silent when they disagree, so every feed:
uses IANA TZIDs with full VTIMEZONE blocks; keeps UIDs stable across releases
(``<guid>@<host>``); raises SEQUENCE and LAST-MODIFIED when a session's time,
room, title or status changes; keeps cancelled sessions as STATUS:CANCELLED;
gives online sessions a CONFERENCE property and repeats the link in the
DESCRIPTION (most programs ignore CONFERENCE); carries no METHOD (it is a
subscription, not an invitation); and strips control characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Iterable

from icalendar import Calendar, Event, vUri

from events.frab_export import session_url
from events.programme import Programme, ProgrammeRoom, ProgrammeSession

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
    return build_calendar([part], base_url=base_url, host=host, name=name, page_url=page,
                          timezone_name=programme.event.timezone)


def build_calendar(parts: Iterable[CalendarPart], *, base_url: str, host: str, name: str, page_url: str,
                   timezone_name: str | None = None) -> bytes:
    """A subscribable calendar of sessions from one or more programmes (a personal agenda spans events)."""
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
    for part in parts:
        stamp = part.programme.published_at or datetime.now(timezone.utc)
        rooms = {room.name: room for room in part.programme.rooms}
        for item in part.sessions:
            calendar.add_component(
                _session_event(part.programme, item, rooms.get(item.room), stamp, base_url, host, part.include_join_links)
            )
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _session_event(
    programme: Programme,
    item: ProgrammeSession,
    room: ProgrammeRoom | None,
    stamp: datetime,
    base_url: str,
    host: str,
    include_join_links: bool,
) -> Event:
    zone = programme.event.zone
    url = session_url(base_url, programme.event.slug, item)
    online = _online_links(room, include_join_links)
    event = Event()
    event.add("uid", f"{item.guid}@{host}")
    event.add("dtstamp", stamp)
    event.add("dtstart", item.local_start(zone))
    event.add("dtend", item.local_end(zone))
    event.add("summary", clean(item.title))
    event.add("description", clean(_description(item, url, online)))
    location = ", ".join(part for part in (item.room, room.location if room else "") if part)
    if location:
        event.add("location", clean(location))
    event.add("url", vUri(url))
    event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
    event.add("sequence", item.sequence)
    if item.last_modified:
        event.add("last-modified", item.last_modified)
    categories = [clean(value) for value in (item.track, item.kind, *item.tags) if value]
    if categories:
        event.add("categories", categories)
    for label, link in online:
        event.add("conference", vUri(link), parameters={"VALUE": "URI", "FEATURE": "AUDIO,VIDEO", "LABEL": label})
    return event


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
