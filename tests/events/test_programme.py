"""The demo conference and reading the programme, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest

from events.demo import DEMO_SLUG, load_demo
from events.programme import count_events, get_visible_event, list_public_events, programme_by_day
from events.tables import Event, Room, RoomKind, Visibility

pytestmark = pytest.mark.usefixtures("db")

FIRST_DAY = date(2026, 3, 9)


async def test_the_demo_is_a_two_day_conference_with_a_virtual_stage() -> None:
    assert await load_demo(today=FIRST_DAY)

    event = await get_visible_event(DEMO_SLUG)
    days = await programme_by_day(DEMO_SLUG)
    sessions = [item for day in days for item in day.sessions]
    assert (event.start_date, event.end_date, event.timezone) == (FIRST_DAY, date(2026, 3, 10), "America/Chicago")
    assert [day.day for day in days] == [FIRST_DAY, date(2026, 3, 10)]
    assert len([item for item in sessions if item.kind not in {"break", "networking"}]) >= 15
    assert await Room.exists().where(Room.kind == RoomKind.virtual)
    assert all(item.presenters and item.abstract for item in sessions if item.kind in {"talk", "keynote", "panel"})


async def test_loading_the_demo_twice_keeps_one_copy() -> None:
    assert await load_demo(today=FIRST_DAY)
    assert not await load_demo(today=FIRST_DAY)

    assert await count_events() == 1


async def test_sessions_show_in_the_event_time_zone_in_time_order() -> None:
    await load_demo(today=FIRST_DAY)

    first = (await programme_by_day(DEMO_SLUG))[0].sessions
    assert first[0].title == "Opening: Sharing Is the Job"
    assert first[0].starts_at.strftime("%H:%M %Z") == "09:00 CDT"
    assert [item.starts_at for item in first] == sorted(item.starts_at for item in first)


async def test_private_events_are_not_listed_or_opened_and_unlisted_ones_open_by_link() -> None:
    await load_demo(today=FIRST_DAY)
    for slug, visibility in (("board-retreat", Visibility.private), ("pilot-webinar", Visibility.unlisted)):
        await Event(slug=slug, title=slug, start_date=FIRST_DAY, end_date=FIRST_DAY, visibility=visibility).save()

    assert [event.slug for event in await list_public_events()] == [DEMO_SLUG]
    assert await get_visible_event("board-retreat") is None
    assert (await get_visible_event("pilot-webinar")).slug == "pilot-webinar"
