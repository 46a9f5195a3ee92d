"""Which events a visitor can find: the home page's list."""

from __future__ import annotations

import uuid
from typing import Any
from dataclasses import dataclass

from events.programme import ProgrammeEvent, time_of_day
from events.tables import Event, Session, SessionPresenter, Visibility


_COLUMNS = (
    Event.slug,
    Event.title,
    Event.description,
    Event.timezone,
    Event.start_date,
    Event.end_date,
    Event.venue,
    Event.mode,
    Event.visibility,
    Event.day_change,
)


async def list_public_events() -> list[ProgrammeEvent]:
    """Events anyone may find (unlisted ones are reachable by link only; private ones by members only)."""
    rows = (
        await Event.select(*_COLUMNS)
        .where(Event.visibility == Visibility.public)
        .order_by(Event.start_date, ascending=False)
    )
    return [_event(row) for row in rows]


async def list_events_by_slug(slugs: list[str]) -> list[ProgrammeEvent]:
    if not slugs:
        return []
    rows = await Event.select(*_COLUMNS).where(Event.slug.is_in(slugs)).order_by(Event.start_date, ascending=False)
    return [_event(row) for row in rows]


async def event_summary(event_id: int) -> ProgrammeEvent:
    row = await Event.select(*_COLUMNS).where(Event.id == event_id).first()
    if row is None:
        raise LookupError(f"there is no event {event_id}")  # callers pass the id of an event they looked up
    return _event(row)


def _event(row: dict[str, Any]) -> ProgrammeEvent:
    return ProgrammeEvent(**{**row, "day_change": time_of_day(row["day_change"]).isoformat("minutes")})


async def count_events() -> int:
    return int(await Event.count())


@dataclass(frozen=True)
class PresentedSession:
    event_slug: str
    event_title: str
    guid: str
    slug: str
    title: str


async def presented_sessions(user_id: int) -> list[PresentedSession]:
    """Every session, in every event, that this account presents."""
    rows = await SessionPresenter.select(
        SessionPresenter.session.guid,
        SessionPresenter.session.slug,
        SessionPresenter.session.title,
        SessionPresenter.session._.event._.slug,
        SessionPresenter.session._.event._.title,
    ).where(SessionPresenter.presenter.user == user_id)
    return [
        PresentedSession(
            row["session.event.slug"],
            row["session.event.title"],
            str(row["session.guid"]),
            row["session.slug"],
            row["session.title"],
        )
        for row in rows
    ]


async def presenting_accounts(session_guid: str) -> frozenset[int]:
    """The accounts that present a session now, from the live programme (published or not).

    Who may act on a session (answer, moderate, run polls, use the projector) comes from here; the
    published release decides only what the public sees. A presenter linked after publication is
    a presenter at once.
    """
    try:
        guid = uuid.UUID(session_guid)
    except ValueError:
        return frozenset()
    rows = await SessionPresenter.select(SessionPresenter.presenter.user).where(
        (SessionPresenter.session.guid == guid) & SessionPresenter.presenter.user.is_not_null()
    )
    return frozenset(row["presenter.user"] for row in rows)


async def session_event_id(session_guid: str) -> int | None:
    """The event a session (by guid) belongs to, published or not."""
    try:
        guid = uuid.UUID(session_guid)
    except ValueError:
        return None
    row = await Session.select(Session.event).where(Session.guid == guid).first()
    return row["event"] if row else None
