"""Schedule releases: freeze the programme as a numbered, immutable version with a changelog.

The public only ever sees releases. Publishing compares the new snapshot with
the previous one session by session (by guid): what was added, cancelled,
moved or renamed. A session that was published and has since been deleted or
put back to draft is carried into the new release as cancelled, so nobody's
calendar entry silently vanishes.
"""

from __future__ import annotations

from server.i18n import _
import json
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from msgspec.structs import replace

from events.programme import (
    Programme,
    ProgrammeEvent,
    ProgrammePerson,
    ProgrammeRoom,
    ProgrammeSession,
    ProgrammeTrack,
    programme_from_json,
    programme_json,
    time_of_day,
)
from events.tables import (
    Event,
    Room,
    ScheduleRelease,
    Session,
    SessionPresenter,
    SessionStatus,
    Track,
)
from server.changes import Change, announce, transaction
from server.validation import is_row_id

# A change to any of these is one a calendar must pick up (SEQUENCE, LAST-MODIFIED).
SCHEDULING_FIELDS = ("starts_at", "ends_at", "room", "title", "status")
_CACHE_SIZE = 64
# Releases never change, so their parsed form is kept; the key includes the
# publication time because SQLite may reuse the id of a deleted row.
_programme_cache: OrderedDict[tuple[int, str], Programme] = OrderedDict()


def forget_parsed_releases() -> None:
    _programme_cache.clear()


class NothingToPublish(ValueError):
    """The programme is the same as the latest release."""


@dataclass(frozen=True)
class ReleaseSummary:
    version: int
    comment: str
    published_at: datetime
    changelog: list[dict[str, Any]]


def presenter_guid(presenter_id: int) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"hallway:presenter:{presenter_id}"))


async def build_snapshot(event_id: int, *, include_drafts: bool = False) -> Programme:
    """The programme as it stands in the tables now, in release form (drafts only when asked)."""
    event = await Event.select().where(Event.id == event_id).first()
    if event is None:
        raise LookupError(f"there is no event {event_id}")  # callers pass the id of an event they looked up
    rooms = await Room.select().where(Room.event == event_id).order_by(Room.position).order_by(Room.id)
    tracks = await Track.select().where(Track.event == event_id).order_by(Track.name)
    sessions = (
        await Session.select(*Session.all_columns(), Session.room.name, Session.track.name)
        .where(Session.event == event_id)
        .order_by(Session.starts_at)
    )
    if not include_drafts:
        sessions = [row for row in sessions if row["status"] != SessionStatus.draft]
    people = await _presenters_by_session([row["id"] for row in sessions])
    return Programme(
        event=ProgrammeEvent(
            slug=event["slug"],
            title=event["title"],
            description=event["description"],
            timezone=event["timezone"],
            start_date=event["start_date"],
            end_date=event["end_date"],
            venue=event["venue"],
            mode=event["mode"],
            visibility=event["visibility"],
            day_change=time_of_day(event["day_change"]).isoformat("minutes"),
        ),
        rooms=tuple(
            ProgrammeRoom(
                guid=str(room["guid"]),
                name=room["name"],
                kind=room["kind"],
                capacity=room["capacity"],
                location=room["location"],
                stream_url=room["stream_url"],
                join_url=room["join_url"],
                description=room["description"],
                position=room["position"],
            )
            for room in rooms
        ),
        tracks=tuple(ProgrammeTrack(name=track["name"], colour=track["colour"]) for track in tracks),
        sessions=tuple(
            ProgrammeSession(
                id=row["id"],
                guid=str(row["guid"]),
                slug=row["slug"],
                title=row["title"],
                subtitle=row["subtitle"],
                abstract=row["abstract"],
                description=row["description"],
                kind=row["kind"],
                track=row["track.name"] or "",
                room=row["room.name"] or "",
                starts_at=_utc(row["starts_at"]),
                ends_at=_utc(row["ends_at"]),
                language=row["language"],
                status=row["status"],
                tags=tuple(row["tags"] or ()),
                presenters=people.get(row["id"], ()),
            )
            for row in sessions
        ),
    )


async def _presenters_by_session(session_ids: list[int]) -> dict[int, tuple[ProgrammePerson, ...]]:
    if not session_ids:
        return {}
    links = (
        await SessionPresenter.select(
            SessionPresenter.session,
            SessionPresenter.presenter.id,
            SessionPresenter.presenter.name,
            SessionPresenter.presenter.affiliation,
            SessionPresenter.presenter.bio,
            SessionPresenter.presenter.user,
        )
        .where(SessionPresenter.session.is_in(session_ids))
        .order_by(SessionPresenter.position)
    )
    people: dict[int, list[ProgrammePerson]] = {}
    for link in links:
        people.setdefault(link["session"], []).append(
            ProgrammePerson(
                id=link["presenter.id"],
                guid=presenter_guid(link["presenter.id"]),
                name=link["presenter.name"],
                affiliation=link["presenter.affiliation"],
                bio=link["presenter.bio"],
                user_id=link["presenter.user"],
            )
        )
    return {session: tuple(presenters) for session, presenters in people.items()}


def carry_forward(previous: Programme | None, current: Programme, now: datetime) -> Programme:
    """Give every session its SEQUENCE and LAST-MODIFIED, and keep vanished ones as cancelled."""
    before = {item.guid: item for item in previous.sessions} if previous else {}
    sessions = []
    for item in current.sessions:
        old = before.get(item.guid)
        if old is None:
            sessions.append(replace(item, sequence=0, last_modified=now))
        elif any(getattr(old, name) != getattr(item, name) for name in SCHEDULING_FIELDS):
            sessions.append(replace(item, sequence=old.sequence + 1, last_modified=now))
        else:
            sessions.append(replace(item, sequence=old.sequence, last_modified=old.last_modified))
    present = {item.guid for item in current.sessions}
    for guid, old in before.items():
        if guid in present:
            continue
        if old.status == SessionStatus.cancelled:
            sessions.append(old)
        else:
            sessions.append(replace(old, status="cancelled", sequence=old.sequence + 1, last_modified=now))
    sessions.sort(key=lambda item: (item.starts_at, item.room, item.title))
    return replace(current, sessions=tuple(sessions))


def _place(item: ProgrammeSession) -> dict[str, str]:
    return {"starts_at": item.starts_at.isoformat(), "ends_at": item.ends_at.isoformat(), "room": item.room}


def changelog(previous: Programme | None, current: Programme) -> list[dict[str, Any]]:
    """What changed for attendees between two snapshots, one entry per change."""
    before = {item.guid: item for item in previous.sessions} if previous else {}
    entries: list[dict[str, Any]] = []
    for item in current.sessions:
        old = before.get(item.guid)
        base = {"guid": item.guid, "title": item.title}
        if old is None:
            entries.append({**base, "change": "added", "starts_at": item.starts_at.isoformat(), "room": item.room})
            continue
        if old.status != item.status:
            change = "cancelled" if item.status == SessionStatus.cancelled else "reinstated"
            entries.append({**base, "change": change})
        if (old.starts_at, old.ends_at, old.room) != (item.starts_at, item.ends_at, item.room):
            entries.append({**base, "change": "moved", "from": _place(old), "to": _place(item)})
        if old.title != item.title:
            entries.append({**base, "change": "renamed", "from": old.title, "to": item.title})
        details = [label for name, label in SESSION_DETAILS.items() if getattr(old, name) != getattr(item, name)]
        if details:
            entries.append({**base, "change": "updated", "fields": details})
    if previous is not None:
        entries += _event_changes(previous, current)
    return entries


# What else a session carries, in the words the changes page uses.
SESSION_DETAILS = {
    "subtitle": "subtitle",
    "abstract": "abstract",
    "description": "description",
    "kind": "kind",
    "track": "track",
    "language": "language",
    "tags": "tags",
    "presenters": "presenters",
}
EVENT_DETAILS = {
    "title": "title",
    "description": "description",
    "timezone": "time zone",
    "start_date": "dates",
    "end_date": "dates",
    "venue": "venue",
    "mode": "mode",
    "day_change": "day change",
}


def _event_changes(previous: Programme, current: Programme) -> list[dict[str, Any]]:
    """Changes beyond the sessions: the event's own details, its rooms and its tracks, each named."""
    entries: list[dict[str, Any]] = []
    event_fields = sorted(
        {
            label
            for name, label in EVENT_DETAILS.items()
            if getattr(previous.event, name) != getattr(current.event, name)
        }
    )
    if event_fields:
        entries.append({"guid": "", "title": current.event.title, "change": "event", "fields": event_fields})
    kinds: dict[str, tuple[tuple[ProgrammeRoom | ProgrammeTrack, ...], tuple[ProgrammeRoom | ProgrammeTrack, ...]]]
    kinds = {"rooms": (previous.rooms, current.rooms), "tracks": (previous.tracks, current.tracks)}
    for kind, (earlier, later) in kinds.items():
        before = {item.name: item for item in earlier}
        after = {item.name: item for item in later}
        added, removed = sorted(after.keys() - before.keys()), sorted(before.keys() - after.keys())
        changed = sorted(name for name in after.keys() & before.keys() if after[name] != before[name])
        if added or removed or changed:
            entries.append(
                {"guid": "", "title": kind, "change": kind, "added": added, "removed": removed, "changed": changed}
            )
    return entries


def _comparable(snapshot: Programme) -> Programme:
    """A snapshot without what publishing stamps on it, so two can say whether anything changed."""
    sessions = sorted(
        (replace(item, sequence=0, last_modified=None) for item in snapshot.sessions), key=lambda item: item.guid
    )
    return replace(snapshot, sessions=tuple(sessions), version=None, published_at=None)


@dataclass(frozen=True)
class ReleasePublished(Change):
    """A new version of an event's programme is public (people who starred a moved session are told)."""

    event_id: int
    version: int


async def release_changes(event_id: int, version: int) -> tuple[Programme, list[dict[str, Any]]] | None:
    """``(snapshot, changelog)`` of one release, as stored; None if there is no such release."""
    row = (
        await ScheduleRelease.select(ScheduleRelease.snapshot, ScheduleRelease.changelog)
        .where((ScheduleRelease.event == event_id) & (ScheduleRelease.version == version))
        .first()
    )
    return (programme_from_json(row["snapshot"]), json.loads(row["changelog"])) if row else None


async def publish_release(
    event_id: int, comment: str = "", published_by: int | None = None, now: datetime | None = None
) -> ReleaseSummary:
    """Freeze the current programme as the next version; raise NothingToPublish when unchanged."""
    now = now or datetime.now(timezone.utc)
    async with transaction(ScheduleRelease):
        latest = await _latest_row(event_id)
        previous = programme_from_json(latest["snapshot"]) if latest else None
        snapshot = carry_forward(previous, await build_snapshot(event_id), now)
        if previous is None and not snapshot.sessions:
            raise NothingToPublish(_("There is nothing to publish yet: add a session (not a draft) first."))
        if latest is not None and previous is not None and _comparable(previous) == _comparable(snapshot):
            raise NothingToPublish(f"Nothing has changed since version {latest['version']}.")
        entries = changelog(previous, snapshot)
        version = (latest["version"] if latest else 0) + 1
        await ScheduleRelease(
            event=event_id,
            version=version,
            comment=comment.strip(),
            published_at=now,
            published_by=published_by,
            snapshot=programme_json(snapshot),
            changelog=json.dumps(entries),
        ).save()
        await announce(ReleasePublished(event_id, version))  # heard once it is committed
    return ReleaseSummary(version=version, comment=comment.strip(), published_at=now, changelog=entries)


async def _latest_row(event_id: int) -> dict[str, Any] | None:
    return (
        await ScheduleRelease.select()
        .where(ScheduleRelease.event == event_id)
        .order_by(ScheduleRelease.version, ascending=False)
        .first()
    )


async def published_programme(event_id: int, version: int | None = None) -> Programme | None:
    """The latest release (or the given version) as a :class:`Programme`; ``None`` before the first."""
    if version is not None and not is_row_id(version):
        return None  # versions count from 1; a number no database column can hold is simply not one of them
    query = ScheduleRelease.select(ScheduleRelease.id, ScheduleRelease.version, ScheduleRelease.published_at).where(
        ScheduleRelease.event == event_id
    )
    if version is not None:
        query = query.where(ScheduleRelease.version == version)
    row = await query.order_by(ScheduleRelease.version, ascending=False).first()
    if row is None:
        return None
    key = (row["id"], _utc(row["published_at"]).isoformat())
    cached = _programme_cache.get(key)
    if cached is None:
        stored = await ScheduleRelease.select(ScheduleRelease.snapshot).where(ScheduleRelease.id == row["id"]).first()
        if stored is None:  # deleted with its event a moment ago
            return None
        cached = programme_from_json(stored["snapshot"], row["version"], _utc(row["published_at"]))
        _programme_cache[key] = cached
        if len(_programme_cache) > _CACHE_SIZE:
            _programme_cache.popitem(last=False)
    _programme_cache.move_to_end(key)
    return cached


async def working_programme(event_id: int) -> Programme:
    """Everything organisers are working on, drafts included, as it stands now."""
    return await build_snapshot(event_id, include_drafts=True)


async def pending_changes(event_id: int) -> list[dict[str, Any]]:
    """The changelog the next release would have."""
    latest = await _latest_row(event_id)
    previous = programme_from_json(latest["snapshot"]) if latest else None
    current = carry_forward(previous, await build_snapshot(event_id), datetime.now(timezone.utc))
    return changelog(previous, current)


async def list_releases(event_id: int) -> list[ReleaseSummary]:
    rows = (
        await ScheduleRelease.select(
            ScheduleRelease.version, ScheduleRelease.comment, ScheduleRelease.published_at, ScheduleRelease.changelog
        )
        .where(ScheduleRelease.event == event_id)
        .order_by(ScheduleRelease.version, ascending=False)
    )
    return [
        ReleaseSummary(row["version"], row["comment"], _utc(row["published_at"]), json.loads(row["changelog"]))
        for row in rows
    ]


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc) if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
