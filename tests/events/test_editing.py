"""Organisers' edits: checked field by field, and conflicts pointed out."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from events import editing
from events.access import event_access
from events.catalogue import event_summary
from events.editing import EventInput, RoomInput, SessionInput
from server.problems import Invalid
from tests.events.factories import local, make_account, make_event, make_session

pytestmark = pytest.mark.usefixtures("db")

DAY = date(2027, 3, 27)


async def test_the_creator_of_an_event_is_its_organiser() -> None:
    ada = await make_account()
    await make_event(organiser_id=ada)
    from server.accounts import get_account

    access = await event_access("ill-days", await get_account(ada))
    assert access.can_organise and access.roles == {"organiser"}
    assert not (await event_access("ill-days", None)).can_organise


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"slug": "Bad Slug!"}, "slug"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"timezone": "GMT+2"}, "timezone"),
        ({"end_date": date(2027, 3, 1)}, "end_date"),
        ({"title": ""}, "title"),
        ({"visibility": "secret"}, "visibility"),
    ],
)
async def test_bad_event_details_are_refused_by_field(changes: dict, field: str) -> None:
    data = EventInput(slug="ill-days", title="ILL Days", timezone="Europe/Berlin", start_date=DAY, end_date=DAY)
    for name, value in changes.items():
        setattr(data, name, value)

    with pytest.raises(Invalid) as raised:
        await editing.create_event(data, None)
    assert field in raised.value.errors


async def test_two_events_cannot_share_an_address() -> None:
    await make_event()

    with pytest.raises(Invalid) as raised:
        await make_event()
    assert raised.value.errors["slug"] == "This address is not available; choose another."


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"room": "Nowhere"}, "room"),
        ({"ends_at": local(DAY, 8)}, "ends_at"),
        ({"kind": "party"}, "kind"),
        ({"tags": ["<script>"]}, "tags"),
        ({"presenter_ids": [999999]}, "presenters"),
        ({"title": "Line\r\nbreak"}, "title"),
        ({"title": "NUL\x00"}, "title"),
        ({"abstract": "Bell \x07 and escape \x1b"}, "abstract"),
        (
            {
                "starts_at": datetime(9999, 12, 31, 9, tzinfo=timezone.utc),
                "ends_at": datetime(9999, 12, 31, 10, tzinfo=timezone.utc),
            },
            "starts_at",
        ),
        (
            {
                "starts_at": datetime(1, 1, 1, 9, tzinfo=timezone.utc),
                "ends_at": datetime(1, 1, 1, 10, tzinfo=timezone.utc),
            },
            "starts_at",
        ),
    ],
)
async def test_bad_session_details_are_refused_by_field(changes: dict, field: str) -> None:
    event_id = await make_event()
    data = SessionInput(title="Talk", starts_at=local(DAY, 9), ends_at=local(DAY, 10), room="Main Hall")
    for name, value in changes.items():
        setattr(data, name, value)

    with pytest.raises(Invalid) as raised:
        await editing.save_session(event_id, data)
    assert field in raised.value.errors


async def test_a_room_with_a_non_web_link_is_refused() -> None:
    event_id = await make_event()

    with pytest.raises(Invalid) as raised:
        await editing.save_room(event_id, RoomInput(name="Stage", stream_url="javascript:alert(1)"))
    assert "stream_url" in raised.value.errors


async def test_conflicts_name_double_booked_rooms_busy_presenters_and_sessions_outside_the_dates() -> None:
    event_id = await make_event()
    ada = await editing.save_presenter(event_id, "Ada Okafor")
    await make_session(event_id, "First", local(DAY, 9), presenter_ids=[ada])
    await make_session(event_id, "Second", local(DAY, 9, 30))
    await make_session(event_id, "Elsewhere", local(DAY, 9, 15), room="Room B", presenter_ids=[ada])
    await make_session(event_id, "Far too late", local(date(2027, 4, 2), 9), room="Room B")
    await make_session(event_id, "Called off", local(DAY, 9), status="cancelled")
    await make_session(event_id, "Registration closes", local(DAY, 9, 15), minutes=0)  # a moment: no one's time

    messages = sorted(conflict.message for conflict in await editing.find_conflicts(event_id))

    assert messages == [
        "Ada Okafor is in two places: “First” and “Elsewhere”.",
        "Main Hall is double-booked: “First” and “Second”.",
        "“Far too late” is outside the event's dates.",
    ]


async def test_sessions_get_readable_unique_slugs() -> None:
    event_id = await make_event()
    await make_session(event_id, "Fair Use: A Primer", local(DAY, 9))
    await make_session(event_id, "Fair Use: A Primer", local(DAY, 11))

    from events.releases import build_snapshot

    slugs = sorted(item.slug for item in (await build_snapshot(event_id)).sessions)
    assert slugs == ["fair-use-a-primer", "fair-use-a-primer-2"]


async def test_an_import_moves_the_day_change_only_by_the_forms_rule() -> None:
    event_id = await make_event()

    await editing.set_day_change(event_id, "06:00")
    for bad in ("13:00", "6:00", "06:00\n"):
        with pytest.raises(Invalid):
            await editing.set_day_change(event_id, bad)

    assert (await event_summary(event_id)).day_change == "06:00"
