"""Small builders for programmes in tests, through the same functions organisers use."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from events import editing
from events.editing import EventInput, RoomInput, SessionInput
from server import accounts

ZONE = "Europe/Berlin"


async def make_account(
    email: str = "ada@library.org", name: str = "Ada Okafor", *, admin: bool = False, confirmed: bool = True
) -> int:
    """Someone settled in: their address is confirmed unless a test is about that."""
    return await accounts.create_account(email, "long enough pass", name, admin=admin, confirmed=confirmed)


async def make_event(
    slug: str = "ill-days",
    *,
    organiser_id: int | None = None,
    visibility: str = "public",
    start: date = date(2027, 3, 27),
    days: int = 2,
    zone: str = ZONE,
    rooms: tuple[str, ...] = ("Main Hall", "Room B"),
) -> int:
    event_id = await editing.create_event(
        EventInput(
            slug=slug,
            title=slug.replace("-", " ").title(),
            timezone=zone,
            start_date=start,
            end_date=start + timedelta(days=days - 1),
            visibility=visibility,
        ),
        organiser_id,
    )
    for position, name in enumerate(rooms):
        await editing.save_room(event_id, RoomInput(name=name, position=position))
    return event_id


def local(day: date, hour: int, minute: int = 0, zone: str = ZONE) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(zone))


async def make_session(
    event_id: int, title: str, starts: datetime, minutes: int = 45, room: str = "Main Hall", **fields: object
) -> str:
    return await editing.save_session(
        event_id,
        SessionInput(title=title, starts_at=starts, ends_at=starts + timedelta(minutes=minutes), room=room, **fields),
    )
