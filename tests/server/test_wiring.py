"""What the wiring connects for one app (or one test) it can also undo, so nothing carries into the next."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from events import editing
from events.agenda import star
from events.editing import SessionInput
from events.releases import publish_release
from server import jobs, notifications
from server.app import connect_packages, disconnect_packages
from server.mail import deliver_due
from server.settings import Settings
from tests.events.factories import local, make_account, make_event, make_session

pytestmark = pytest.mark.usefixtures("db")
DAY = date(2027, 3, 27)


async def test_after_the_wiring_is_undone_a_release_queues_no_job_and_mails_no_one(smtp, settings: Settings) -> None:
    server, inbox, _ = smtp
    event_id = await make_event()
    moving = await make_session(event_id, "Fair use at the desk", local(DAY, 10))
    ada = await make_account("ada@library.org", "Ada")
    await publish_release(event_id)
    await star(ada, event_id, moving)
    connect_packages(settings)
    notifications.email_notifications("https://hallway.example.org", "a-secret-key-long-enough-0123", enabled=True)

    disconnect_packages()
    moved = SessionInput(
        title="Fair use at the desk",
        starts_at=local(DAY + timedelta(days=1), 14),
        ends_at=local(DAY + timedelta(days=1), 15),
    )
    await editing.save_session(event_id, moved, moving)
    await publish_release(event_id)
    await notifications.notify(ada, "test", "A notice made by hand")
    await deliver_due(server)

    assert await jobs.run_pending() == []  # no listener queued the agenda notices
    assert [n.text for n in await notifications.list_notifications(ada)] == ["A notice made by hand"]
    assert inbox.messages == []  # and email is off again
