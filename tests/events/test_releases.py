"""Publishing numbered releases with a changelog, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest

from events import editing
from events.editing import SessionInput
from events.programme import programme_from_json, programme_json
from events.releases import NothingToPublish, list_releases, pending_changes, publish_release, published_programme
from tests.events.factories import local, make_event, make_session

pytestmark = pytest.mark.usefixtures("db")

DAY = date(2027, 3, 27)


async def test_nothing_is_public_before_the_first_release() -> None:
    event_id = await make_event()
    await make_session(event_id, "Opening", local(DAY, 9))

    assert await published_programme(event_id) is None
    assert [entry["change"] for entry in await pending_changes(event_id)] == ["added"]


async def test_drafts_stay_out_of_releases() -> None:
    event_id = await make_event()
    await make_session(event_id, "Opening", local(DAY, 9))
    await make_session(event_id, "Secret planning", local(DAY, 10), status="draft")

    await publish_release(event_id, "First")

    assert [s.title for s in (await published_programme(event_id)).sessions] == ["Opening"]


async def test_the_changelog_names_added_moved_renamed_cancelled_and_reinstated_sessions() -> None:
    event_id = await make_event()
    opening = await make_session(event_id, "Opening", local(DAY, 9))
    panel = await make_session(event_id, "Lending panel", local(DAY, 10))
    workshop = await make_session(event_id, "Workshop", local(DAY, 11))
    await publish_release(event_id, "First")

    await editing.save_session(
        event_id, SessionInput("Opening and welcome", local(DAY, 9), local(DAY, 9, 45), room="Main Hall"), opening
    )
    await editing.save_session(
        event_id, SessionInput("Lending panel", local(DAY, 14), local(DAY, 14, 45), room="Room B"), panel
    )
    await editing.save_session(
        event_id,
        SessionInput("Workshop", local(DAY, 11), local(DAY, 11, 45), room="Main Hall", status="cancelled"),
        workshop,
    )
    await make_session(event_id, "Closing", local(DAY, 16))
    second = await publish_release(event_id, "Changes")

    changes = {(entry["change"], entry["title"]) for entry in second.changelog}
    assert changes == {
        ("renamed", "Opening and welcome"),
        ("moved", "Lending panel"),
        ("cancelled", "Workshop"),
        ("added", "Closing"),
    }
    moved = next(entry for entry in second.changelog if entry["change"] == "moved")
    assert (moved["from"]["room"], moved["to"]["room"]) == ("Main Hall", "Room B")

    await editing.save_session(
        event_id, SessionInput("Workshop", local(DAY, 11), local(DAY, 11, 45), room="Main Hall"), workshop
    )
    third = await publish_release(event_id)
    assert [(entry["change"], entry["title"]) for entry in third.changelog] == [("reinstated", "Workshop")]


async def test_a_deleted_published_session_stays_visible_as_cancelled() -> None:
    event_id = await make_event()
    guid = await make_session(event_id, "Keynote", local(DAY, 9))
    await publish_release(event_id)

    await editing.delete_session(event_id, guid)
    release = await publish_release(event_id, "Keynote dropped")

    keynote = (await published_programme(event_id)).session(guid)
    assert keynote.cancelled and keynote.title == "Keynote"
    assert [entry["change"] for entry in release.changelog] == ["cancelled"]


async def test_sequence_and_last_modified_move_only_when_scheduling_changes() -> None:
    event_id = await make_event()
    moved = await make_session(event_id, "Moves", local(DAY, 9))
    kept = await make_session(event_id, "Stays", local(DAY, 10))
    await publish_release(event_id)
    first = await published_programme(event_id)

    await editing.save_session(
        event_id, SessionInput("Moves", local(DAY, 15), local(DAY, 15, 45), room="Main Hall"), moved
    )
    await editing.save_session(
        event_id,
        SessionInput("Stays", local(DAY, 10), local(DAY, 10, 45), room="Main Hall", abstract="Now with an abstract"),
        kept,
    )
    await publish_release(event_id)
    second = await published_programme(event_id)

    assert (first.session(moved).sequence, second.session(moved).sequence) == (0, 1)
    assert second.session(moved).last_modified > first.session(moved).last_modified
    assert (second.session(kept).sequence, second.session(kept).last_modified) == (0, first.session(kept).last_modified)


async def test_publishing_an_unchanged_programme_is_refused() -> None:
    event_id = await make_event()
    await make_session(event_id, "Opening", local(DAY, 9))
    await publish_release(event_id)

    with pytest.raises(NothingToPublish, match="Nothing has changed since version 1"):
        await publish_release(event_id)
    assert len(await list_releases(event_id)) == 1


async def test_older_releases_stay_readable_as_they_were() -> None:
    event_id = await make_event()
    guid = await make_session(event_id, "Opening", local(DAY, 9))
    await publish_release(event_id)
    await editing.save_session(
        event_id, SessionInput("Opening", local(DAY, 10), local(DAY, 10, 45), room="Main Hall"), guid
    )
    await publish_release(event_id)

    first, latest = await published_programme(event_id, 1), await published_programme(event_id)

    assert first.session(guid).starts_at + timedelta(hours=1) == latest.session(guid).starts_at
    assert (first.version, latest.version) == (1, 2)
    assert await published_programme(event_id, 3) is None


async def test_an_empty_programme_is_not_published() -> None:
    event_id = await make_event()
    await make_session(event_id, "Secret planning", local(DAY, 10), status="draft")

    with pytest.raises(NothingToPublish, match="nothing to publish yet"):
        await publish_release(event_id)
    assert await list_releases(event_id) == []


async def test_a_release_says_exactly_what_changed_beyond_times_and_titles() -> None:
    from events.editing import EventInput, RoomInput, update_event

    event_id = await make_event()
    guid = await make_session(event_id, "Opening", local(DAY, 9), abstract="Welcome.")
    await publish_release(event_id)
    await editing.save_session(
        event_id,
        SessionInput(
            title="Opening",
            starts_at=local(DAY, 9),
            ends_at=local(DAY, 9) + timedelta(minutes=45),
            room="Main Hall",
            abstract="Welcome, everyone.",
        ),
        guid,
    )
    await update_event(
        event_id,
        EventInput(
            slug="ill-days",
            title="Ill Days",
            timezone="Europe/Berlin",
            start_date=DAY,
            end_date=DAY + timedelta(days=1),
            venue="Town Library",
        ),
    )
    await editing.save_room(event_id, RoomInput(name="Annex"))

    release = await publish_release(event_id)

    assert [(e["change"], e.get("fields")) for e in release.changelog if e["change"] in ("updated", "event")] == [
        ("updated", ["abstract"]),
        ("event", ["venue"]),
    ]
    rooms = next(e for e in release.changelog if e["change"] == "rooms")
    assert (rooms["added"], rooms["removed"], rooms["changed"]) == (["Annex"], [], [])


async def test_a_release_kept_in_the_old_json_form_reads_as_the_same_programme() -> None:
    """Releases written before the snapshot was a struct (ISO text with +00:00, no day change) still read the same."""
    event_id = await make_event()
    await make_session(event_id, "Courier networks", local(DAY, 9))
    await publish_release(event_id)
    programme = await published_programme(event_id)
    assert programme is not None
    old_form = json.loads(programme_json(programme))
    del old_form["event"]["day_change"]
    for item in old_form["sessions"]:
        for name in ("starts_at", "ends_at", "last_modified"):
            item[name] = datetime.fromisoformat(item[name]).isoformat()  # "+00:00", as json.dumps wrote it

    read = programme_from_json(json.dumps(old_form), programme.version, programme.published_at)

    assert read == programme and read.event.day_change == "04:00"
    assert old_form["sessions"][0]["starts_at"].endswith("+00:00")
