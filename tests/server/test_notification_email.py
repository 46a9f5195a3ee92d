"""Notifications by email, per each person's preference, with a one-click unsubscribe link that works."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Iterator

import pytest
from litestar.testing import AsyncTestClient

from server import notifications
from server.mail import deliver_due
from tests.events.factories import make_account

pytestmark = pytest.mark.usefixtures("db")
BASE = "https://hallway.example.org"


@pytest.fixture
def mail_on() -> Iterator[None]:
    notifications.email_notifications(BASE, "a-secret-key-that-is-long-enough-0123456789", enabled=True)
    yield
    notifications.email_notifications("", "", enabled=False)


def text_of(message) -> str:  # noqa: ANN001 - an email.message.Message
    return message.get_payload(decode=True).decode()


async def test_a_notification_is_emailed_at_once_with_its_link_and_an_unsubscribe_link(smtp, mail_on: None) -> None:
    server, inbox, _ = smtp
    ada = await make_account("ada@library.org", "Ada")

    await notifications.notify(
        ada, "question-answered", "Ben answered your question.", "/events/x/sessions/y/questions/"
    )
    await deliver_due(server)

    [message] = inbox.messages
    assert message["To"] == "ada@library.org" and message["Subject"] == "Ben answered your question."
    body = text_of(message)
    assert f"{BASE}/events/x/sessions/y/questions/" in body
    assert re.search(rf"{BASE}/unsubscribe/{ada}/[0-9a-f]{{32}}", body)


async def test_unsubscribing_stops_the_mail_and_a_forged_link_does_nothing(smtp, mail_on: None) -> None:
    server, inbox, _ = smtp
    ada = await make_account("ada@library.org", "Ada")

    assert not await notifications.unsubscribe(ada, "0" * 32)
    assert await notifications.unsubscribe(ada, notifications.unsubscribe_signature(ada, notifications._mail.secret))
    await notifications.notify(ada, "x", "Something happened.")
    await deliver_due(server)

    assert inbox.messages == [] and await notifications.unread_count(ada) == 1


async def test_daily_digest_people_get_one_mail_a_day_with_everything_new(smtp, mail_on: None) -> None:
    server, inbox, _ = smtp
    ada = await make_account("ada@library.org", "Ada")
    await notifications.set_email_preference(ada, "daily")
    await notifications.notify(ada, "x", "First news.")
    await notifications.notify(ada, "x", "Second news.")
    await deliver_due(server)
    assert inbox.messages == []

    tomorrow = datetime.now(timezone.utc) + timedelta(days=1, minutes=1)
    assert await notifications.queue_daily_digests(tomorrow) == 1
    assert await notifications.queue_daily_digests(tomorrow) == 0
    await deliver_due(server, now=tomorrow)

    [digest] = inbox.messages
    assert digest["Subject"] == "Hallway: 2 updates since yesterday"
    assert "First news." in text_of(digest) and "Second news." in text_of(digest)


async def test_the_unsubscribe_link_asks_first_and_needs_no_login(app, mail_on: None) -> None:
    ada = await make_account("ada@library.org", "Ada")
    signature = notifications.unsubscribe_signature(ada, notifications._mail.secret)

    async with AsyncTestClient(app=app) as client:
        opened = await client.get(f"/unsubscribe/{ada}/{signature}")  # a mail scanner opening the link
        still = await notifications.email_preference(ada)
        done = await client.post(f"/unsubscribe/{ada}/{signature}")  # the button, without any CSRF token
        forged = await client.post(f"/unsubscribe/{ada}/{'f' * 32}")
        one_click = await client.post(f"/unsubscribe/{ada}/{signature}", data={"List-Unsubscribe": "One-Click"})

    assert opened.status_code == 200 and "Stop all email" in opened.text and still == "immediate"
    assert done.status_code in (200, 201) and "Hallway will not email you any more." in done.text
    assert forged.status_code == 404 and one_click.status_code in (200, 201)
    assert await notifications.email_preference(ada) == "never"
