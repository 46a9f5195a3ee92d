"""The programme in the frab/c3voc schedule formats (XML and JSON) read by schedule apps.

Written to validate strictly against the c3voc schemas: durations as HH:MM,
day boundaries and dates with UTC offsets, stable guids, the generator first.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from xml.etree import ElementTree as ET

from events.programme import Programme, ProgrammeRoom, ProgrammeSession
from server.validation import xml_safe_bytes

GENERATOR = {"name": "hallway", "version": "0.1.0"}
ROOM_TYPES = {"physical": "lecturehall", "virtual": "online", "hybrid": "stage"}
TIMESLOT = "00:05"


def acronym(slug: str) -> str:
    """The event slug in the shape frab acronyms take: no hyphens, at least four characters."""
    return slug.replace("-", "_").ljust(4, "_")


def hh_mm(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def session_url(base_url: str, event_slug: str, item: ProgrammeSession) -> str:
    return f"{base_url}/events/{event_slug}/sessions/{item.slug}/"


def _frab_slug(event_slug: str, item: ProgrammeSession) -> str:
    return f"{acronym(event_slug)}-{item.id}-{item.slug or 'session'}"


def _day_bounds(programme: Programme, day: Any) -> tuple[datetime, datetime]:
    """A conference day runs from the event's day change to the next one (frab's day_start/day_end).

    The end is the next day change itself, not the minute before: a reader then finds the change exactly,
    even one not on the hour (04:30).
    """
    zone, change = programme.event.zone, programme.event.day_changes_at
    return datetime.combine(day, change, zone), datetime.combine(day + timedelta(days=1), change, zone)


def _rooms_in_order(programme: Programme, sessions: list[ProgrammeSession]) -> list[str]:
    used = {item.room or "Unassigned" for item in sessions}
    ordered = [room.name for room in sorted(programme.rooms, key=lambda r: r.position) if room.name in used]
    return ordered + sorted(used - set(ordered))


def _event_fields(programme: Programme, item: ProgrammeSession, base_url: str) -> dict[str, Any]:
    zone = programme.event.zone
    start = item.local_start(zone)
    return {
        "guid": item.guid,
        "id": item.id,
        "date": start.isoformat(),
        "start": start.strftime("%H:%M"),
        "duration": hh_mm(item.duration),
        "room": item.room or "Unassigned",
        "slug": _frab_slug(programme.event.slug, item),
        "url": session_url(base_url, programme.event.slug, item),
        "title": item.title + (" (cancelled)" if item.cancelled else ""),
        "subtitle": item.subtitle,
        "track": item.track or None,
        "type": item.kind,
        "language": item.language,
        "abstract": item.abstract,
        "description": item.description,
        "recording_license": "",
        "do_not_record": False,
        "persons": [
            {"id": person.id, "guid": person.guid, "public_name": person.name, "biography": person.bio}
            for person in item.presenters
        ],
        "links": [],
        "attachments": [],
    }


def _room_json(programme: Programme, room: ProgrammeRoom, base_url: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": room.name,
        "guid": room.guid,
        "type": ROOM_TYPES.get(room.kind, "other"),
        "description": room.description or None,
        "capacity": room.capacity,
    }
    if room.stream_url:
        data["url"] = room.stream_url
    return data


def frab_json(programme: Programme, base_url: str) -> dict[str, Any]:
    event = programme.event
    days = []
    for index, (day, sessions) in enumerate(_all_days(programme), start=1):
        start, end = _day_bounds(programme, day)
        rooms = {
            name: [_event_fields(programme, s, base_url) for s in sessions if (s.room or "Unassigned") == name]
            for name in _rooms_in_order(programme, sessions)
        }
        days.append(
            {
                "index": index,
                "date": day.isoformat(),
                "day_start": start.isoformat(),
                "day_end": end.isoformat(),
                "rooms": rooms,
            }
        )
    conference = {
        "acronym": acronym(event.slug),
        "title": event.title,
        "description": event.description,
        "start": event.start_date.isoformat(),
        "end": event.end_date.isoformat(),
        "daysCount": len(days),
        "timeslot_duration": TIMESLOT,
        "time_zone_name": event.timezone,
        "url": f"{base_url}/events/{event.slug}/",
        "tracks": [{"name": track.name, "color": track.colour} for track in programme.tracks],
        "rooms": [_room_json(programme, room, base_url) for room in programme.rooms],
        "days": days,
    }
    return {
        "generator": GENERATOR,
        "$schema": "https://c3voc.de/schedule/schema.json",
        "schedule": {"version": str(programme.version or 0), "base_url": f"{base_url}/", "conference": conference},
    }


def _all_days(programme: Programme) -> list[tuple[Any, list[ProgrammeSession]]]:
    """Every day of the event, with its sessions (an empty day is still a day in frab files)."""
    grouped = dict(programme.by_day())
    return [(day, sorted(grouped.get(day, []), key=lambda s: s.starts_at)) for day in programme.days()]


def frab_xml(programme: Programme, base_url: str) -> bytes:
    event = programme.event
    root = ET.Element("schedule")
    ET.SubElement(root, "generator", GENERATOR)
    ET.SubElement(root, "url").text = f"{base_url}/events/{event.slug}/schedule.xml"
    ET.SubElement(root, "version").text = str(programme.version or 0)
    conference = ET.SubElement(root, "conference")
    for name, value in (
        ("title", event.title),
        ("acronym", acronym(event.slug)),
        ("start", event.start_date.isoformat()),
        ("end", event.end_date.isoformat()),
        ("days", str(len(programme.days()))),
        ("timeslot_duration", TIMESLOT),
        ("base_url", f"{base_url}/"),
        ("url", f"{base_url}/events/{event.slug}/"),
        ("time_zone_name", event.timezone),
    ):
        ET.SubElement(conference, name).text = value
    for track in programme.tracks:
        ET.SubElement(conference, "track", {"name": track.name, "color": track.colour})
    guids = {room.name: room.guid for room in programme.rooms}
    for index, (day, sessions) in enumerate(_all_days(programme), start=1):
        start, end = _day_bounds(programme, day)
        day_element = ET.SubElement(
            root,
            "day",
            {"index": str(index), "date": day.isoformat(), "start": start.isoformat(), "end": end.isoformat()},
        )
        for room_name in _rooms_in_order(programme, sessions):
            attributes = {"name": room_name}
            if room_name in guids:
                attributes["guid"] = guids[room_name]
            room_element = ET.SubElement(day_element, "room", attributes)
            for item in (s for s in sessions if (s.room or "Unassigned") == room_name):
                _event_xml(room_element, _event_fields(programme, item, base_url))
    ET.indent(root)
    return xml_safe_bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def _event_xml(parent: ET.Element, fields: dict[str, Any]) -> None:
    element = ET.SubElement(parent, "event", {"id": str(fields["id"]), "guid": fields["guid"]})
    for name in (
        "date",
        "start",
        "duration",
        "room",
        "slug",
        "url",
        "title",
        "subtitle",
        "track",
        "type",
        "language",
        "abstract",
        "description",
    ):
        ET.SubElement(element, name).text = fields[name] or ""
    recording = ET.SubElement(element, "recording")
    ET.SubElement(recording, "license").text = ""
    ET.SubElement(recording, "optout").text = "false"
    persons = ET.SubElement(element, "persons")
    for person in fields["persons"]:
        ET.SubElement(persons, "person", {"id": str(person["id"]), "guid": person["guid"]}).text = person["public_name"]
    ET.SubElement(element, "links")
    ET.SubElement(element, "attachments")
