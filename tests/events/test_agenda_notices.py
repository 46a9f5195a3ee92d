"""A release that moves or cancels a starred session tells whoever starred it: in the app, and by email if they chose."""

from __future__ import annotations

from datetime import date, timedelta
from email.header import decode_header, make_header
from typing import Iterator

import pytest

from events import editing
from events.access import add_member, remove_member
from events.agenda import star
from events.agenda_notices import JOB_KIND
from events.editing import SessionInput
from events.releases import publish_release
from events.tables import MemberRole
from server import jobs, notifications
from server.mail import deliver_due
from tests.events.factories import local, make_account, make_event, make_session

pytestmark = pytest.mark.usefixtures("db")
DAY = date(2027, 3, 27)


@pytest.fixture
def mail_on() -> Iterator[None]:
    notifications.email_notifications(
        "https://hallway.example.org", "a-secret-key-that-is-long-enough-0123", enabled=True
    )
    yield
    notifications.email_notifications("", "", enabled=False)


async def test_people_hear_that_their_starred_session_moved_or_was_cancelled(smtp, wired: None, mail_on: None) -> None:
    server, inbox, _ = smtp
    event_id = await make_event()
    moving = await make_session(event_id, "Fair use at the desk", local(DAY, 10))
    dropped = await make_session(event_id, "Courier contracts", local(DAY, 11))
    steady = await make_session(event_id, "Lending abroad", local(DAY, 12))
    ada, ben = await make_account("ada@library.org", "Ada"), await make_account("ben@library.org", "Ben")
    await publish_release(event_id)
    for guid in (moving, dropped):
        await star(ada, event_id, guid)
    await star(ben, event_id, steady)

    await editing.save_session(
        event_id,
        SessionInput(
            title="Fair use at the desk",
            starts_at=local(DAY + timedelta(days=1), 14),
            ends_at=local(DAY + timedelta(days=1), 14, 45),
            room="Room B",
        ),
        moving,
    )
    await editing.delete_session(event_id, dropped)  # published, so it stays as cancelled
    await publish_release(event_id)
    finished = await jobs.run_pending()
    await deliver_due(server)

    assert [(job.kind, job.status) for job in finished] == [(JOB_KIND, "done")]
    told = sorted((n.text, n.link) for n in await notifications.list_notifications(ada))
    assert told == [
        ("“Courier contracts” in your agenda is cancelled.", "/events/ill-days/sessions/courier-contracts/"),
        (
            "“Fair use at the desk” in your agenda moved to Sun 28 Mar 14:00, Room B (was Sat 27 Mar 10:00, Main Hall).",
            "/events/ill-days/sessions/fair-use-at-the-desk/",
        ),
    ]
    assert await notifications.list_notifications(ben) == []  # nothing of his changed
    subjects = sorted(
        " ".join(str(make_header(decode_header(message["Subject"]))).split()) for message in inbox.messages
    )
    assert subjects == sorted(text for text, _ in told)
    assert {message["To"] for message in inbox.messages} == {"ada@library.org"}


async def test_someone_no_longer_a_member_of_a_private_event_is_told_nothing(wired: None) -> None:
    event_id = await make_event("board", visibility="private")
    guid = await make_session(event_id, "Secret board session", local(DAY, 10))
    kept, removed = await make_account("kept@library.org", "Kept"), await make_account("gone@library.org", "Gone")
    for person in (kept, removed):
        await add_member(event_id, person, MemberRole.attendee)
        await star(person, event_id, guid)
    await publish_release(event_id)
    await remove_member(event_id, removed, MemberRole.attendee)

    await editing.save_session(
        event_id,
        SessionInput(
            title="Secret board session", starts_at=local(DAY, 13), ends_at=local(DAY, 13, 45), room="Main Hall"
        ),
        guid,
    )
    await publish_release(event_id)
    await jobs.run_pending()

    assert len(await notifications.list_notifications(kept)) == 1
    assert await notifications.list_notifications(removed) == []


async def test_the_first_release_and_a_release_that_moves_nothing_tell_nobody(wired: None) -> None:
    event_id = await make_event()
    guid = await make_session(event_id, "Fair use at the desk", local(DAY, 10))
    ada = await make_account()
    await publish_release(event_id)
    await star(ada, event_id, guid)
    await editing.save_session(
        event_id,
        SessionInput(
            title="Fair use at the desk",
            starts_at=local(DAY, 10),
            ends_at=local(DAY, 10, 45),
            room="Main Hall",
            abstract="Now with an abstract.",
        ),
        guid,
    )
    await publish_release(event_id)

    finished = await jobs.run_pending()

    assert [job.status for job in finished] == ["done"]  # version 2 was looked at; version 1 is never queued
    assert await notifications.list_notifications(ada) == []
