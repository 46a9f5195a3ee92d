"""Reading the programme: which events a visitor may see and what is on when.

Plain async functions returning plain values, so pages, the API, feeds and the
CLI share one notion of "visible" and one way of turning UTC into local time.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from events.tables import Event, Session, SessionPresenter, SessionStatus, Visibility


@dataclass(frozen=True)
class EventSummary:
    slug: str
    title: str
    description: str
    timezone: str
    start_date: date
    end_date: date
    venue: str
    mode: str


@dataclass(frozen=True)
class ScheduledSession:
    guid: str
    slug: str
    title: str
    abstract: str
    kind: str
    status: str
    starts_at: datetime
    ends_at: datetime
    room: str
    track: str
    track_colour: str
    presenters: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ProgrammeDay:
    day: date
    sessions: list[ScheduledSession]


_SUMMARY_COLUMNS = (
    Event.slug,
    Event.title,
    Event.description,
    Event.timezone,
    Event.start_date,
    Event.end_date,
    Event.venue,
    Event.mode,
)


async def list_public_events() -> list[EventSummary]:
    """Events anyone may find on the home page (unlisted ones are reachable by link only)."""
    rows = (
        await Event.select(*_SUMMARY_COLUMNS)
        .where(Event.visibility == Visibility.public)
        .order_by(Event.start_date, ascending=False)
    )
    return [EventSummary(**row) for row in rows]


async def get_visible_event(slug: str) -> EventSummary | None:
    """An event a visitor may open by its link. Private events wait for event membership."""
    row = (
        await Event.select(*_SUMMARY_COLUMNS)
        .where((Event.slug == slug) & (Event.visibility != Visibility.private))
        .first()
    )
    return EventSummary(**row) if row else None


async def programme_by_day(slug: str) -> list[ProgrammeDay]:
    """The event's non-draft sessions, in local time, grouped by local day, in time then room order."""
    event = await Event.select(Event.id, Event.timezone).where(Event.slug == slug).first()
    if event is None:
        return []
    zone = ZoneInfo(event["timezone"])
    rows = (
        await Session.select(
            Session.id,
            Session.guid,
            Session.slug,
            Session.title,
            Session.abstract,
            Session.kind,
            Session.status,
            Session.starts_at,
            Session.ends_at,
            Session.room.name,
            Session.room.position,
            Session.track.name,
            Session.track.colour,
        )
        .where((Session.event == event["id"]) & (Session.status != SessionStatus.draft))
        .order_by(Session.starts_at)
    )
    names = await _presenter_names([row["id"] for row in rows])
    rows.sort(key=lambda row: (row["starts_at"], row["room.position"] or 0))
    days: dict[date, list[ScheduledSession]] = defaultdict(list)
    for row in rows:
        starts = row["starts_at"].astimezone(zone)
        days[starts.date()].append(
            ScheduledSession(
                guid=str(row["guid"]),
                slug=row["slug"],
                title=row["title"],
                abstract=row["abstract"],
                kind=row["kind"],
                status=row["status"],
                starts_at=starts,
                ends_at=row["ends_at"].astimezone(zone),
                room=row["room.name"] or "",
                track=row["track.name"] or "",
                track_colour=row["track.colour"] or "",
                presenters=names.get(row["id"], []),
            )
        )
    return [ProgrammeDay(day=day, sessions=sessions) for day, sessions in sorted(days.items())]


async def _presenter_names(session_ids: list[int]) -> dict[int, list[str]]:
    if not session_ids:
        return {}
    links = (
        await SessionPresenter.select(SessionPresenter.session, SessionPresenter.presenter.name)
        .where(SessionPresenter.session.is_in(session_ids))
        .order_by(SessionPresenter.position)
    )
    names: dict[int, list[str]] = defaultdict(list)
    for link in links:
        names[link["session"]].append(link["presenter.name"])
    return names


async def count_events() -> int:
    return await Event.count()


