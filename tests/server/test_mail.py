"""Mail leaves through a durable outbox to a real SMTP server (aiosmtpd), and waits when that server is down."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
import pytest

from server.mail import SmtpServer, deliver_due, queue_mail, retry_pause, waiting_count
from server.tables import OutboxMail
from tests.mail_server import Inbox, MailServer

pytestmark = pytest.mark.usefixtures("db")


async def test_queued_mail_is_delivered_once(smtp: tuple[SmtpServer, Inbox, MailServer]) -> None:
    server, inbox, _ = smtp
    await queue_mail("ada@library.org", "Your question was answered", "Ben answered: yes, CONTU applies.")

    assert await deliver_due(server) == (1, 0)
    assert await deliver_due(server) == (0, 0)

    [message] = inbox.messages
    assert (message["To"], message["Subject"]) == ("ada@library.org", "Your question was answered")
    assert "yes, CONTU applies." in message.get_payload()
    assert await waiting_count() == 0


async def test_a_mail_server_that_is_down_delays_mail_and_never_loses_it(smtp: tuple[SmtpServer, Inbox, MailServer]) -> None:
    server, inbox, mail_server = smtp
    mail_server.down()
    await queue_mail("ada@library.org", "Hello", "Body")

    assert await deliver_due(server) == (0, 1)
    row = await OutboxMail.select().first()
    assert row["attempts"] == 1 and row["sent_at"] is None and row["last_error"]
    assert await deliver_due(server) == (0, 0)  # not due again until its pause is over

    mail_server.up()
    later = datetime.now(timezone.utc) + retry_pause(1) + timedelta(seconds=1)
    assert await deliver_due(server, now=later) == (1, 0)
    assert [m["Subject"] for m in inbox.messages] == ["Hello"]


def test_pauses_between_attempts_grow_to_an_hour() -> None:
    assert [retry_pause(n).total_seconds() for n in (1, 2, 3, 8, 20)] == [30, 60, 120, 3600, 3600]


def test_smtp_urls_say_how_to_connect() -> None:
    plain = SmtpServer.from_url("smtp://mailer:s%40cret@mail.example.org:587")
    secure = SmtpServer.from_url("smtps://mail.example.org")

    assert (plain.host, plain.port, plain.username, plain.password, plain.use_tls) == (
        "mail.example.org", 587, "mailer", "s@cret", False)
    assert (secure.port, secure.use_tls) == (465, True)
