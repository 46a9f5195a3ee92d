"""A way back into an account: a single-use, hour-long link, read from a real mail server."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from litestar import Litestar
from litestar.testing import AsyncTestClient

from server.mail import SmtpServer, deliver_due
from server.password_reset import choose_new_password, send_reset_link
from server.tables import OutboxMail, PasswordReset
from server.problems import NotFound
from tests.mail_server import Inbox, MailServer

Client = AsyncTestClient[Litestar]
OLD, NEW = "correct horse battery", "a brand new passphrase"


async def _form(client: Client, path: str, data: dict[str, str]) -> object:
    if "hallway_csrf" not in client.cookies:
        await client.get("/login")
    return await client.post(path, data={**data, "_csrf_token": client.cookies["hallway_csrf"]}, follow_redirects=False)


async def _register(client: Client) -> None:
    await _form(client, "/register", {"email": "ada@library.org", "display_name": "Ada", "password": OLD})
    await _form(client, "/logout", {})
    client.cookies.clear()


async def _link_from_mail(smtp: tuple[SmtpServer, Inbox, MailServer]) -> str:
    server, inbox, _ = smtp
    await deliver_due(server)
    message = inbox.messages[-1]
    assert message["To"] == "ada@library.org" and message["Subject"] == "Choose a new Hallway password"
    body = message.get_payload(decode=True).decode()
    return re.search(r"http://127\.0\.0\.1:8000(/password/reset/\S+)", body).group(1)


async def test_a_forgotten_password_is_replaced_through_the_mailed_link(
    client: Client, smtp: tuple[SmtpServer, Inbox, MailServer]
) -> None:
    await _register(client)
    login = (await client.get("/login")).text
    assert 'href="/password/forgot"' in login

    asked = await _form(client, "/password/forgot", {"email": "Ada@Library.org "})
    link = await _link_from_mail(smtp)
    form = await client.get(link)
    chosen = await _form(client, link, {"password": NEW})

    assert asked.status_code == 200 and "a link to choose a new password is on its way" in asked.text
    assert form.status_code == 200 and "Choose a new password" in form.text
    assert chosen.status_code == 302 and chosen.headers["location"] == "/login"
    old = await _form(client, "/login", {"email": "ada@library.org", "password": OLD})
    new = await _form(client, "/login", {"email": "ada@library.org", "password": NEW})
    assert old.status_code == 400 and new.status_code == 302
    again = await client.get(link)
    assert again.status_code == 404 and "expired or has been used" in again.text  # single use


async def test_asking_tells_nothing_about_whether_an_address_has_an_account(
    client: Client, smtp: tuple[SmtpServer, Inbox, MailServer]
) -> None:
    await _register(client)
    known = await _form(client, "/password/forgot", {"email": "ada@library.org"})
    unknown = await _form(client, "/password/forgot", {"email": "nobody@library.org"})
    assert known.status_code == unknown.status_code == 200
    assert known.text.replace("ada@library.org", "X") == unknown.text.replace("nobody@library.org", "X")
    resets = await OutboxMail.count().where(OutboxMail.subject == "Choose a new Hallway password")
    assert resets == 1  # only the real account got a mail


async def test_a_link_expires_after_an_hour_and_a_new_password_uses_up_every_open_link(
    client: Client, smtp: tuple[SmtpServer, Inbox, MailServer]
) -> None:
    await _register(client)
    await send_reset_link("ada@library.org", "http://127.0.0.1:8000")
    first = await _link_from_mail(smtp)
    await send_reset_link("ada@library.org", "http://127.0.0.1:8000")
    second = await _link_from_mail(smtp)
    token = second.rsplit("/", 1)[1]
    later = datetime.now(timezone.utc) + timedelta(minutes=61)

    try:
        await choose_new_password(token, NEW, now=later)
    except NotFound as error:
        assert "expired" in error.message
    else:
        raise AssertionError("an hour-old link still worked")
    await choose_new_password(token, NEW)
    assert (await client.get(first)).status_code == 404  # the other open link is used up too
    assert await PasswordReset.count().where(PasswordReset.used_at.is_null()) == 0


async def test_a_new_password_that_is_too_short_is_refused_and_the_link_still_works(
    client: Client, smtp: tuple[SmtpServer, Inbox, MailServer]
) -> None:
    await _register(client)
    await _form(client, "/password/forgot", {"email": "ada@library.org"})
    link = await _link_from_mail(smtp)
    refused = await _form(client, link, {"password": "short"})
    assert refused.status_code == 400 and "Use 8 to 128 characters." in refused.text
    assert (await client.get(link)).status_code == 200
