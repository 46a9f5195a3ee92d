"""An event's programme as plain values: what pages, exports and calendars are made from.

A programme is read from a snapshot (the JSON kept in a schedule release, or
built from the live tables for organisers), so the public always sees a
published release and every format is drawn from the same data.

The published shape is one set of msgspec structs: the API answers with them (and documents them),
releases are written and read with them (:func:`programme_json`, :func:`programme_from_json`), and no other code
spells a session's fields again.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Iterable
from zoneinfo import ZoneInfo

import msgspec
from msgspec.structs import replace

# Sessions that start before this local hour belong to the previous conference
# day, as in frab's day_start/day_end: a 01:00 party is part of Tuesday night.
# Each event keeps its own (a festival's days may end at 06:00); this is the default.
DAY_CHANGE = time(4, 0)
DAY_CHANGE_TEXT = DAY_CHANGE.isoformat("minutes")  # as the API, the forms and the snapshots write it


def conference_day_of(moment: datetime, zone: ZoneInfo, day_change: time = DAY_CHANGE) -> date:
    """The conference day a moment falls on: its local date, less the hours before the day change.

    The one place this rule lives: sessions on pages and in exports, and the dates an imported file spans.
    """
    local = moment.astimezone(zone)  # wall-clock arithmetic below: Python ignores the offset
    return (local - timedelta(hours=day_change.hour, minutes=day_change.minute)).date()


def time_of_day(value: time | str) -> time:
    """A stored time of day: SQLite hands a Time column back as text, PostgreSQL as a time."""
    return value if isinstance(value, time) else time.fromisoformat(value)


class ProgrammeEvent(msgspec.Struct, frozen=True):
    slug: str
    title: str
    description: str
    timezone: str
    start_date: date
    end_date: date
    venue: str
    mode: str
    visibility: str
    day_change: str = DAY_CHANGE_TEXT  # HH:MM, as the API and the exports write it

    @property
    def day_changes_at(self) -> time:
        return time.fromisoformat(self.day_change)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def days(self) -> list[date]:
        return [self.start_date + timedelta(days=n) for n in range((self.end_date - self.start_date).days + 1)]


class ProgrammeRoom(msgspec.Struct, frozen=True):
    guid: str
    name: str
    kind: str
    capacity: int | None
    location: str
    stream_url: str
    join_url: str
    description: str
    position: int


class ProgrammeTrack(msgspec.Struct, frozen=True):
    name: str
    colour: str


class ProgrammePerson(msgspec.Struct, frozen=True):
    id: int
    guid: str
    name: str
    affiliation: str
    bio: str
    user_id: int | None


class ProgrammeSession(msgspec.Struct, frozen=True):
    id: int
    guid: str
    slug: str
    title: str
    subtitle: str
    abstract: str
    description: str
    kind: str
    track: str
    room: str
    starts_at: datetime
    ends_at: datetime
    language: str
    status: str
    tags: tuple[str, ...]
    presenters: tuple[ProgrammePerson, ...]
    sequence: int = 0
    last_modified: datetime | None = None

    @property
    def duration(self) -> timedelta:
        return self.ends_at - self.starts_at

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"

    def local_start(self, zone: ZoneInfo) -> datetime:
        return self.starts_at.astimezone(zone)

    def local_end(self, zone: ZoneInfo) -> datetime:
        return self.ends_at.astimezone(zone)

    def conference_day(self, zone: ZoneInfo, day_change: time = DAY_CHANGE) -> date:
        """The conference day the session is listed under."""
        return conference_day_of(self.starts_at, zone, day_change)


class Programme(msgspec.Struct, frozen=True):
    event: ProgrammeEvent
    rooms: tuple[ProgrammeRoom, ...]
    tracks: tuple[ProgrammeTrack, ...]
    sessions: tuple[ProgrammeSession, ...]
    version: int | None = None
    published_at: datetime | None = None

    def room(self, name: str) -> ProgrammeRoom | None:
        return next((room for room in self.rooms if room.name == name), None)

    def track_colour(self, name: str) -> str:
        return next((track.colour for track in self.tracks if track.name == name), "")

    def session(self, guid_or_slug: str) -> ProgrammeSession | None:
        return next((s for s in self.sessions if guid_or_slug in (s.guid, s.slug)), None)

    def days(self) -> list[date]:
        """Every conference day of the event, plus any day a session falls on outside it."""
        return sorted(set(self.event.days) | {self.day_of(s) for s in self.sessions})

    def day_of(self, item: ProgrammeSession) -> date:
        """The conference day ``item`` belongs to, by this event's own day change."""
        return item.conference_day(self.event.zone, self.event.day_changes_at)

    def by_day(self, sessions: Iterable[ProgrammeSession] | None = None) -> list[tuple[date, list[ProgrammeSession]]]:
        grouped: dict[date, list[ProgrammeSession]] = defaultdict(list)
        for item in self.sessions if sessions is None else sessions:
            grouped[self.day_of(item)].append(item)
        return [(day, grouped[day]) for day in self.days() if day in grouped]

    def without_private_links(self) -> "Programme":
        """The programme as the public may see it: members-only join links removed."""
        return replace(self, rooms=tuple(replace(room, join_url="") for room in self.rooms))


@dataclass(frozen=True)
class SessionFilter:
    """The filters of the schedule views; calendar exports honour the same ones."""

    day: date | None = None
    track: str | None = None
    room: str | None = None
    kind: str | None = None
    tag: str | None = None
    guids: frozenset[str] | None = field(default=None)

    def apply(self, programme: Programme) -> list[ProgrammeSession]:
        return [
            item
            for item in programme.sessions
            if (self.day is None or programme.day_of(item) == self.day)
            and (self.track is None or item.track == self.track)
            and (self.room is None or item.room == self.room)
            and (self.kind is None or item.kind == self.kind)
            and (self.tag is None or self.tag in item.tags)
            and (self.guids is None or item.guid in self.guids)
        ]

    @property
    def active(self) -> bool:
        return any(value is not None for value in (self.day, self.track, self.room, self.kind, self.tag))


def now_and_next(
    programme: Programme, now: datetime, *, upcoming: int = 1
) -> tuple[list[ProgrammeSession], list[ProgrammeSession]]:
    """Sessions running at ``now``, and per room the next ``upcoming`` ones after it (cancelled left out)."""
    live = [s for s in programme.sessions if not s.cancelled and s.starts_at <= now < s.ends_at]
    later: dict[str, list[ProgrammeSession]] = defaultdict(list)
    for item in sorted(programme.sessions, key=lambda s: s.starts_at):
        if not item.cancelled and item.starts_at > now and len(later[item.room]) < upcoming:
            later[item.room].append(item)
    following = sorted((s for items in later.values() for s in items), key=lambda s: (s.starts_at, s.room))
    return live, following


def clashes(sessions: Iterable[ProgrammeSession]) -> set[str]:
    """Guids of sessions that overlap another one in the same list (cancelled ones and moments never clash)."""
    ordered = sorted((s for s in sessions if not s.cancelled and s.ends_at > s.starts_at), key=lambda s: s.starts_at)
    clashing: set[str] = set()
    latest_end: ProgrammeSession | None = None
    for item in ordered:
        if latest_end is not None and item.starts_at < latest_end.ends_at:
            clashing.update({item.guid, latest_end.guid})
        if latest_end is None or item.ends_at > latest_end.ends_at:
            latest_end = item
    return clashing


def programme_json(programme: Programme) -> str:
    """A programme as a release keeps it (without its version and publication time, which the release row holds)."""
    return msgspec.json.encode(replace(programme, version=None, published_at=None)).decode()


def programme_from_json(
    text: str | bytes, version: int | None = None, published_at: datetime | None = None
) -> Programme:
    """The programme a release keeps, read by the same structs that wrote it (older releases: fields they
    predate take their defaults)."""
    return replace(msgspec.json.decode(text, type=Programme), version=version, published_at=published_at)


GRID_MINUTES = 5


@dataclass(frozen=True)
class GridCell:
    session: ProgrammeSession
    column: int
    row_start: int
    row_end: int


@dataclass(frozen=True)
class GridRoom:
    name: str
    column: int  # the grid column of its first lane
    span: int  # how many lanes: sessions that overlap in the room sit side by side


@dataclass(frozen=True)
class GridDay:
    day: date
    rooms: list[GridRoom]
    cells: list[GridCell]
    hours: list[tuple[str, int]]
    rows: int

    @property
    def columns(self) -> int:
        return sum(room.span for room in self.rooms)


def _lanes(items: list[ProgrammeSession]) -> dict[str, int]:
    """A lane (0, 1, ...) for each session of one room, so that no two that overlap share one.

    Confirmed sessions are placed first, so a cancelled session never covers a confirmed one:
    it goes beside it. Each session takes the first lane free for its whole time.
    """
    taken: list[list[tuple[datetime, datetime]]] = []  # per lane, the times already placed in it
    lanes = {}
    for item in sorted(items, key=lambda i: (i.cancelled, i.starts_at, i.ends_at, i.guid)):
        ends = max(item.ends_at, item.starts_at + timedelta(minutes=GRID_MINUTES))  # a deadline still takes a row
        lane = next(
            (n for n, spans in enumerate(taken) if all(end <= item.starts_at or ends <= start for start, end in spans)),
            len(taken),
        )
        if lane == len(taken):
            taken.append([])
        taken[lane].append((item.starts_at, ends))
        lanes[item.guid] = lane
    return lanes


def schedule_grid(programme: Programme, sessions: Iterable[ProgrammeSession], zone: ZoneInfo) -> list[GridDay]:
    """Place sessions on a day-by-room grid of 5-minute rows, in the viewer's zone; overlaps sit side by side."""
    room_order = [room.name for room in sorted(programme.rooms, key=lambda r: r.position)]
    days = []
    for day, items in programme.by_day(sessions):
        used = {item.room or "" for item in items}
        names = [name for name in room_order if name in used] + sorted(used - set(room_order))
        first = min(item.starts_at for item in items).astimezone(zone)
        origin = first.replace(minute=0, second=0, microsecond=0)

        def row(moment: datetime) -> int:
            return int((moment - origin).total_seconds() // 60 // GRID_MINUTES) + 2

        lanes: dict[str, int] = {}
        rooms, column = [], 2
        for name in names:
            room_lanes = _lanes([item for item in items if (item.room or "") == name])
            lanes.update(room_lanes)
            span = max(room_lanes.values()) + 1
            rooms.append(GridRoom(name, column, span))
            column += span
        start_of = {room.name: room.column for room in rooms}
        cells = [
            GridCell(
                item,
                start_of[item.room or ""] + lanes[item.guid],
                row(item.starts_at),
                max(row(item.ends_at), row(item.starts_at) + 1),
            )
            for item in items
        ]
        last_row = max(cell.row_end for cell in cells)
        hours = []
        moment = origin
        while row(moment) < last_row:
            hours.append((moment.strftime("%H:%M"), row(moment)))
            moment += timedelta(hours=1)
        days.append(GridDay(day, rooms, cells, hours, last_row))
    return days
