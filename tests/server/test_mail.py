"""Mail leaves through a durable outbox to a real SMTP server (aiosmtpd), and waits when that server is down."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
import pytest

from server.mail import (
    ATTEMPTS_MAX,
    BATCH,
    SmtpServer,
    deliver_due,
    given_up,
    queue_mail,
    retry_pause,
    waiting_count,
)
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


async def test_a_mail_server_that_is_down_delays_mail_and_never_loses_it(
    smtp: tuple[SmtpServer, Inbox, MailServer],
) -> None:
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
        "mail.example.org",
        587,
        "mailer",
        "s@cret",
        False,
    )
    assert (secure.port, secure.use_tls) == (465, True)


async def test_line_breaks_in_a_subject_never_become_headers(smtp: tuple[SmtpServer, Inbox, MailServer]) -> None:
    server, inbox, _ = smtp
    await queue_mail("ada@library.org", "Eve\r\nBcc: everyone@evil.example\nasked to connect", "Body")

    assert await deliver_due(server) == (1, 0)
    [message] = inbox.messages
    assert message["Subject"] == "Eve Bcc: everyone@evil.example asked to connect"
    assert message["Bcc"] is None and message["X-RcptTo"] == "ada@library.org"


async def test_a_refused_address_is_given_up_at_once_and_shown_to_administrators(
    smtp: tuple[SmtpServer, Inbox, MailServer],
) -> None:
    server, inbox, _ = smtp
    await queue_mail("typo@refused.example", "Your digest", "Body")
    await queue_mail("ada@library.org", "Your digest", "Body")

    assert await deliver_due(server) == (1, 1)
    later = datetime.now(timezone.utc) + timedelta(days=2)
    assert await deliver_due(server, now=later) == (0, 0)  # never tried again
    count, [mail] = await given_up()
    assert count == 1 and mail.to_address == "typo@refused.example" and "550" in mail.last_error
    assert await waiting_count() == 0
    assert [m["To"] for m in inbox.messages] == ["ada@library.org"]


async def test_mail_that_cannot_be_built_never_holds_up_the_rest(smtp: tuple[SmtpServer, Inbox, MailServer]) -> None:
    """Rows queued before subjects were cleaned: the email library refuses to build them."""
    server, inbox, _ = smtp
    now = datetime.now(timezone.utc)
    for number in range(BATCH + 10):
        await OutboxMail(
            to_address="ada@library.org", subject=f"Broken\r\n{number}", body_text="x", created_at=now, send_after=now
        ).save()
    await queue_mail("ben@library.org", "Still arrives", "Body")

    rounds = [await deliver_due(server) for _ in range(3)]

    assert [m["Subject"] for m in inbox.messages] == ["Still arrives"]
    assert sum(failed for _, failed in rounds) == BATCH + 10
    assert (await given_up())[0] == BATCH + 10 and await waiting_count() == 0


async def test_a_mail_that_keeps_failing_is_given_up_after_a_bounded_number_of_tries(
    smtp: tuple[SmtpServer, Inbox, MailServer],
) -> None:
    server, _, mail_server = smtp
    mail_server.down()
    await queue_mail("ada@library.org", "Hello", "Body")
    moment = datetime.now(timezone.utc)
    for _ in range(ATTEMPTS_MAX + 5):
        moment += timedelta(hours=2)
        await deliver_due(server, now=moment)
    row = await OutboxMail.select().first()
    assert row["attempts"] == ATTEMPTS_MAX and row["gave_up_at"] is not None and row["sent_at"] is None
