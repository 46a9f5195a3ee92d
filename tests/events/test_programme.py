"""The demo conference and reading a published programme, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timezone

from zoneinfo import ZoneInfo

import pytest

from events.access import event_access
from events.catalogue import count_events, list_public_events
from events.demo import CANCELLED_TITLE, DEMO_SLUG, DEMO_ZONE, MOVED_TITLE, demo_first_day, load_demo
from events.programme import SessionFilter, clashes, now_and_next
from events.releases import list_releases, published_programme
from tests.events.factories import local, make_event, make_session

pytestmark = pytest.mark.usefixtures("db")

FIRST_DAY = date(2026, 3, 9)


async def demo_programme():
    await load_demo(today=FIRST_DAY)
    access = await event_access(DEMO_SLUG, None)
    return await published_programme(access.event_id)


async def test_the_demo_is_a_two_day_conference_with_a_virtual_stage() -> None:
    programme = await demo_programme()

    assert (programme.event.start_date, programme.event.end_date) == (FIRST_DAY, date(2026, 3, 10))
    assert programme.event.timezone == "America/Chicago"
    assert [day for day, _ in programme.by_day()] == [FIRST_DAY, date(2026, 3, 10)]
    talks = [s for s in programme.sessions if s.kind not in {"break", "networking"}]
    assert len(talks) >= 15
    assert any(room.kind == "virtual" for room in programme.rooms)
    assert all(s.presenters and s.abstract for s in programme.sessions if s.kind in {"talk", "keynote", "panel"})


async def test_the_demo_has_a_second_release_with_a_move_and_a_cancellation() -> None:
    programme = await demo_programme()
    releases = await list_releases((await event_access(DEMO_SLUG, None)).event_id)

    assert [release.version for release in releases] == [2, 1]
    changes = {(entry["change"], entry["title"]) for entry in releases[0].changelog}
    assert changes == {("moved", MOVED_TITLE), ("cancelled", CANCELLED_TITLE)}
    cancelled = next(s for s in programme.sessions if s.title == CANCELLED_TITLE)
    assert cancelled.cancelled and cancelled.sequence == 1


async def test_the_demo_contradicts_itself_nowhere() -> None:
    """Nobody presents in two rooms at once (the conflict checker organisers see finds nothing)."""
    from events.editing import find_conflicts

    await demo_programme()

    assert [c.message for c in await find_conflicts((await event_access(DEMO_SLUG, None)).event_id)] == []


async def test_loading_the_demo_twice_keeps_one_copy() -> None:
    assert await load_demo(today=FIRST_DAY)
    assert not await load_demo(today=FIRST_DAY)

    assert await count_events() == 1


async def test_sessions_show_in_the_event_time_zone_in_time_order() -> None:
    programme = await demo_programme()

    first_day = programme.by_day()[0][1]
    assert first_day[0].title == "Opening: Sharing Is the Job"
    assert first_day[0].local_start(programme.event.zone).strftime("%H:%M %Z") == "09:00 CDT"
    assert [s.starts_at for s in first_day] == sorted(s.starts_at for s in first_day)


async def test_a_session_after_midnight_belongs_to_the_day_it_started_in() -> None:
    event_id = await make_event()
    await make_session(event_id, "Late-night lending stories", local(date(2027, 3, 28), 1, 30))
    from events.releases import publish_release

    await publish_release(event_id)
    programme = await published_programme(event_id)

    assert [day for day, _ in programme.by_day()] == [date(2027, 3, 27)]


async def test_private_events_are_not_listed_and_unlisted_ones_are_not_either() -> None:
    await load_demo(today=FIRST_DAY)
    await make_event("board-retreat", visibility="private")
    await make_event("pilot-webinar", visibility="unlisted")

    assert [event.slug for event in await list_public_events()] == [DEMO_SLUG]
    assert not (await event_access("board-retreat", None)).can_view
    assert (await event_access("pilot-webinar", None)).can_view


async def test_filters_pick_sessions_by_day_track_room_kind_and_tag() -> None:
    programme = await demo_programme()

    assert {s.room for s in SessionFilter(room="Online Stage").apply(programme)} == {"Online Stage"}
    day_two = SessionFilter(day=date(2026, 3, 10), kind="panel").apply(programme)
    assert [s.title for s in day_two] == ["Consortial Borrowing: Lessons from Shared Catalogues"]
    assert {s.track for s in SessionFilter(track="Copyright & Licensing").apply(programme)} == {"Copyright & Licensing"}


async def test_now_and_next_shows_what_runs_and_what_follows_in_each_room() -> None:
    programme = await demo_programme()
    during_keynote = datetime(2026, 3, 9, 15, 0, tzinfo=timezone.utc)  # 10:00 in Chicago

    live, following = now_and_next(programme, during_keynote)

    assert [s.title for s in live] == ["Fifty Years after CONTU: Copyright Guidelines in a Licensed World"]
    assert following[0].title == "Coffee break"
    assert all(not s.cancelled for s in following)


async def test_overlapping_sessions_clash_and_cancelled_ones_do_not() -> None:
    programme = await demo_programme()
    at_eleven = [
        s for s in programme.sessions if s.local_start(programme.event.zone).strftime("%d %H:%M") == "09 11:00"
    ]
    cancelled = next(s for s in programme.sessions if s.cancelled)

    assert clashes(at_eleven) == {s.guid for s in at_eleven}
    assert clashes([cancelled, at_eleven[0]]) == set()


async def test_overlapping_sessions_in_one_room_sit_side_by_side_and_cancelled_ones_never_cover_confirmed() -> None:
    from zoneinfo import ZoneInfo

    from events.programme import schedule_grid
    from events.releases import publish_release

    event_id = await make_event()
    await make_session(event_id, "Cancelled talk", local(date(2027, 3, 27), 9, 30), status="cancelled")
    await make_session(event_id, "Keynote", local(date(2027, 3, 27), 9), minutes=90)
    await make_session(event_id, "Panel", local(date(2027, 3, 27), 9, 45), minutes=30)
    await make_session(event_id, "After", local(date(2027, 3, 27), 11))
    await make_session(event_id, "Elsewhere", local(date(2027, 3, 27), 9), room="Room B")
    await publish_release(event_id)
    programme = await published_programme(event_id)

    [day] = schedule_grid(programme, programme.sessions, ZoneInfo("Europe/Berlin"))

    column = {cell.session.title: cell.column for cell in day.cells}
    rooms = {room.name: (room.column, room.span) for room in day.rooms}
    assert rooms == {"Main Hall": (2, 3), "Room B": (5, 1)}
    assert column["Keynote"] == column["After"] == 2  # confirmed first, in the room's first lane
    assert column["Panel"] == 3 and column["Cancelled talk"] == 4 and column["Elsewhere"] == 5
    for first in day.cells:  # no two cells share a column at the same time
        for second in day.cells:
            if first is not second and first.column == second.column:
                assert first.row_end <= second.row_start or second.row_end <= first.row_start


async def test_a_cancelled_session_that_overlaps_nothing_keeps_the_rooms_single_lane() -> None:
    from zoneinfo import ZoneInfo

    from events.programme import schedule_grid
    from events.releases import publish_release

    event_id = await make_event()
    await make_session(event_id, "Morning", local(date(2027, 3, 27), 9))
    await make_session(event_id, "Cancelled at noon", local(date(2027, 3, 27), 12), status="cancelled")
    await make_session(event_id, "Evening", local(date(2027, 3, 27), 17))
    await publish_release(event_id)
    programme = await published_programme(event_id)

    [day] = schedule_grid(programme, programme.sessions, ZoneInfo("Europe/Berlin"))

    assert [(room.name, room.span) for room in day.rooms] == [("Main Hall", 1)]
    assert {cell.column for cell in day.cells} == {2}


def test_the_demo_is_always_under_way() -> None:
    """Loaded before ten in the morning in its zone, the demo began the day before: its insights have a morning."""
    zone = ZoneInfo(DEMO_ZONE)
    assert demo_first_day(datetime(2027, 3, 9, 0, 15, tzinfo=zone)) == date(2027, 3, 8)
    assert demo_first_day(datetime(2027, 3, 9, 9, 59, tzinfo=zone)) == date(2027, 3, 8)
    assert demo_first_day(datetime(2027, 3, 9, 10, 0, tzinfo=zone)) == date(2027, 3, 9)
    assert demo_first_day(datetime(2027, 3, 9, 23, 59, tzinfo=zone)) == date(2027, 3, 9)
