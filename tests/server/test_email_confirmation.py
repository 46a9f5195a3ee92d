"""Proving an address: at registration and before an account moves to another one, read from a real mail server."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from server import notifications
from server.accounts import authenticate, get_account
from server.email_confirmation import confirm_address, send_confirmation_link
from server.mail import SmtpServer, deliver_due
from server.problems import NotFound
from tests.events.factories import make_account
from tests.mail_server import Inbox, MailServer

Client = AsyncTestClient[Litestar]
Smtp = tuple[SmtpServer, Inbox, MailServer]
PASSWORD = "correct horse battery"
BASE = "http://127.0.0.1:8000"


async def _form(client: Client, path: str, data: dict[str, str]):  # noqa: ANN202 - an httpx response
    if "hallway_csrf" not in client.cookies:
        await client.get("/login")
    return await client.post(path, data={**data, "_csrf_token": client.cookies["hallway_csrf"]}, follow_redirects=False)


async def _register(client: Client, email: str = "ada@library.org") -> None:
    answer = await _form(client, "/register", {"email": email, "display_name": "Ada", "password": PASSWORD})
    assert answer.status_code == 302
    await client.get("/")  # the page after registration renders a new CSRF token for the logged-in session


async def _mails(smtp: Smtp) -> list:  # noqa: ANN001 - email.message.Message
    server, inbox, _ = smtp
    await deliver_due(server)
    return inbox.messages


def _link(message) -> str:  # noqa: ANN001 - an email.message.Message
    body = message.get_payload(decode=True).decode()
    return re.search(rf"{re.escape(BASE)}(/email/confirm/\S+)", body).group(1)


async def test_registering_mails_a_link_that_confirms_the_address(client: Client, smtp: Smtp) -> None:
    await _register(client)
    home = await client.get("/")
    [message] = await _mails(smtp)
    opened = await client.get(_link(message), follow_redirects=False)
    profile = await client.get("/me/profile")
    again = await client.get(_link(message))

    assert message["To"] == "ada@library.org" and message["Subject"] == "Confirm your email address for Hallway"
    assert "Please confirm your address" in home.text and "ada@library.org" in home.text
    assert opened.status_code == 302 and opened.headers["location"] == "/me/profile"
    assert "ada@library.org</strong> (confirmed)" in profile.text
    assert "Please confirm your address" not in profile.text
    assert again.status_code == 404 and "expired or has been used" in again.text


async def test_an_unconfirmed_account_takes_part_but_is_mailed_nothing_and_creates_no_event(
    client: Client, smtp: Smtp
) -> None:
    await _register(client)
    ada = await authenticate("ada@library.org", PASSWORD)
    notifications.email_notifications(BASE, "a-secret-key-that-is-long-enough-0123456789", enabled=True)
    try:
        await notifications.notify(ada, "question-answered", "Ben answered your question.")
    finally:
        notifications.email_notifications("", "", enabled=False)
    form = (await client.get("/events/new")).text
    creating = await _form(
        client,
        "/events/new",
        {
            "name": "Ada's meetup",
            "slug": "adas-meetup",
            "timezone": "UTC",
            "start_date": "2027-05-01",
            "end_date": "2027-05-01",
            "mode": "online",
            "visibility": "public",
        },
    )

    mails = await _mails(smtp)
    assert [mail["Subject"] for mail in mails] == ["Confirm your email address for Hallway"]
    assert await notifications.unread_count(ada) == 1  # the news waits in the app
    assert creating.status_code == 403 and "Confirm your email address before creating an event" in creating.text
    assert "Confirm your email address first" in form and '<button type="submit" disabled>Create event' in form


async def test_the_link_can_be_sent_again_and_an_old_link_expires_after_two_days(client: Client, smtp: Smtp) -> None:
    await _register(client)
    resent = await _form(client, "/email/confirm", {})
    first, second = await _mails(smtp)
    ada = await authenticate("ada@library.org", PASSWORD)
    await send_confirmation_link(ada, BASE, now=datetime.now(timezone.utc) - timedelta(days=3))
    stale = (await _mails(smtp))[-1]

    assert resent.status_code == 302 and first["To"] == second["To"] == "ada@library.org"
    with pytest.raises(NotFound):
        await confirm_address(_link(stale).rsplit("/", 1)[1])
    assert not (await get_account(ada)).email_confirmed
    await confirm_address(_link(second).rsplit("/", 1)[1])
    assert (await get_account(ada)).email_confirmed
    assert not await send_confirmation_link(ada, BASE)  # nothing more to confirm: no more mail


async def test_changing_address_needs_the_password_and_happens_only_when_the_new_address_confirms(
    client: Client, smtp: Smtp
) -> None:
    await _register(client)
    await client.get(_link((await _mails(smtp))[0]))  # Ada's first address is confirmed: it is told of the move
    wrong = await _form(client, "/me/email", {"email": "ada@newlibrary.org", "current_password": "not it"})
    asked = await _form(client, "/me/email", {"email": "Ada@NewLibrary.org", "current_password": PASSWORD})
    pending = await client.get("/me/profile")
    mails = await _mails(smtp)
    to_new = next(mail for mail in mails if mail["To"] == "ada@newlibrary.org")
    warning = next(mail for mail in mails if mail["Subject"] == "Your Hallway address is being changed")
    before = await authenticate("ada@library.org", PASSWORD)
    await client.get(_link(to_new))

    assert wrong.status_code == 400 and "That is not your current password." in wrong.text
    assert 'value="ada@newlibrary.org"' in wrong.text  # what was typed is kept
    assert asked.status_code == 302
    assert "You asked to move to <strong>ada@newlibrary.org</strong>" in pending.text
    assert warning["To"] == "ada@library.org" and "ada@newlibrary.org" in warning.get_payload(decode=True).decode()
    assert before is not None  # the old address worked until the new one confirmed
    assert await authenticate("ada@library.org", PASSWORD) is None
    moved = await authenticate("ada@newlibrary.org", PASSWORD)
    assert moved == before and (await get_account(moved)).email == "ada@newlibrary.org"


async def test_an_address_in_use_is_refused_and_one_taken_meanwhile_is_not_stolen(client: Client, smtp: Smtp) -> None:
    await make_account("ben@library.org", "Ben")
    await _register(client)
    taken = await _form(client, "/me/email", {"email": "ben@library.org", "current_password": PASSWORD})
    await _form(client, "/me/email", {"email": "cleo@library.org", "current_password": PASSWORD})
    link = _link(next(mail for mail in await _mails(smtp) if mail["To"] == "cleo@library.org"))
    await make_account("cleo@library.org", "Cleo")  # Cleo registers before Ada opens the link
    opened = await client.get(link)

    assert taken.status_code == 400 and "Another account uses this address." in taken.text
    assert opened.status_code == 404 and "Another account has taken this address" in opened.text
    assert (await get_account(await authenticate("ada@library.org", PASSWORD))).email == "ada@library.org"


async def test_hostile_tokens_are_plain_not_found(client: Client) -> None:
    for token in ("x" * 5000, "%E2%80%AE", "..%2F..%2Fetc", "0"):
        answer = await client.get(f"/email/confirm/{token}")
        assert answer.status_code == 404, token
