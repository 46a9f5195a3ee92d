"""Outgoing email through a durable outbox.

:func:`queue_mail` only writes a row, so a request never waits for (or fails
with) the mail server. :func:`deliver_due` sends what is due, each mail
claimed by one worker at a time; a failure is retried with growing pauses
(30 s, 1 min, 2 min... up to an hour), so a mail server that is down delays
mail but never loses it. A mail that can never be sent (the server refuses the
address for good, or the message cannot be built) is given up at once, and any
mail is given up after ``ATTEMPTS_MAX`` tries (about a day): it keeps its
error and shows on the administration page, and never holds up the others.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from typing import Any, Awaitable, Callable
from urllib.parse import unquote, urlsplit

import aiosmtplib

from server.tables import OutboxMail

log = logging.getLogger(__name__)
CLAIM_FOR = timedelta(minutes=5)
BATCH = 50
ATTEMPTS_MAX = 30  # 30 s, 1, 2, 4... then hourly: about a day of trying
_BREAKS = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")
SENDER = "Hallway <hallway@localhost>"


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    username: str | None
    password: str | None
    use_tls: bool
    start_tls: bool
    sender: str

    @classmethod
    def from_url(cls, url: str, sender: str = SENDER) -> "SmtpServer":
        """``smtp://user:password@host:587`` (STARTTLS when offered), ``smtps://`` (TLS), ``smtp+starttls://``."""
        parts = urlsplit(url)
        secure = parts.scheme == "smtps"
        return cls(
            host=parts.hostname or "localhost",
            port=parts.port or (465 if secure else 25),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            use_tls=secure,
            start_tls=parts.scheme == "smtp+starttls",
            sender=sender,
        )


def retry_pause(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def header_value(text: str, limit: int = 300) -> str:
    """One line for a mail header: line breaks and other control characters become spaces.

    A display name or a title with CR/LF in it would otherwise either inject a header or make a
    message that the email library refuses to build.
    """
    return " ".join(_BREAKS.sub(" ", text).split())[:limit]


async def queue_mail(to_address: str, subject: str, body_text: str) -> None:
    now = datetime.now(timezone.utc)
    await OutboxMail(
        to_address=header_value(to_address, 254),
        subject=header_value(subject),
        body_text=body_text,
        created_at=now,
        send_after=now,
    ).save()


async def deliver_due(server: SmtpServer, now: datetime | None = None) -> tuple[int, int]:
    """Send every due mail once; returns (sent, failed). One mail's failure never stops the others."""
    now = now or datetime.now(timezone.utc)
    waiting = OutboxMail.sent_at.is_null() & OutboxMail.gave_up_at.is_null()
    due = (
        await OutboxMail.select(OutboxMail.id)
        .where(waiting & (OutboxMail.send_after <= now))
        .order_by(OutboxMail.send_after, OutboxMail.id)
        .limit(BATCH)
    )
    sent = failed = 0
    for row in due:
        claimed = (
            await OutboxMail.update({OutboxMail.send_after: now + CLAIM_FOR})
            .where((OutboxMail.id == row["id"]) & waiting & (OutboxMail.send_after <= now))
            .returning(
                OutboxMail.id, OutboxMail.to_address, OutboxMail.subject, OutboxMail.body_text, OutboxMail.attempts
            )
        )
        if not claimed:
            continue  # another worker took it
        mail = claimed[0]
        attempts = mail["attempts"] + 1
        try:
            await _send(server, mail["to_address"], mail["subject"], mail["body_text"])
        except Exception as error:  # whatever this mail's trouble, the next one is tried
            await _failed(row["id"], attempts, error, now)
            failed += 1
            continue
        await OutboxMail.update({OutboxMail.sent_at: datetime.now(timezone.utc), OutboxMail.attempts: attempts}).where(
            OutboxMail.id == row["id"]
        )
        sent += 1
    return sent, failed


def _is_permanent(error: Exception) -> bool:
    """Refused for good: trying again cannot help (a 5xx for the address, or a message that cannot be built)."""
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused):
        return all(refusal.code >= 500 for refusal in error.recipients)
    if isinstance(error, (aiosmtplib.SMTPRecipientRefused, aiosmtplib.SMTPDataError)):
        return error.code >= 500
    # The server being down, slow or misconfigured is not this mail's fault: tried again, up to the limit.
    return not isinstance(error, (aiosmtplib.SMTPException, OSError))


async def _failed(mail_id: int, attempts: int, error: Exception, now: datetime) -> None:
    give_up = _is_permanent(error) or attempts >= ATTEMPTS_MAX
    changes: dict[Any, Any] = {
        OutboxMail.attempts: attempts,
        OutboxMail.last_error: f"{type(error).__name__}: {error}"[:2000],
        OutboxMail.send_after: now + retry_pause(attempts),
    }
    if give_up:
        changes[OutboxMail.gave_up_at] = now
        log.warning("gave up on mail %s after %s tries: %s", mail_id, attempts, error)
    await OutboxMail.update(changes).where(OutboxMail.id == mail_id)


async def _send(server: SmtpServer, to_address: str, subject: str, body_text: str) -> None:
    message = EmailMessage()
    message["From"] = server.sender
    message["To"] = to_address
    message["Subject"] = subject
    message.set_content(body_text)
    await aiosmtplib.send(
        message,
        hostname=server.host,
        port=server.port,
        username=server.username,
        password=server.password,
        use_tls=server.use_tls,
        start_tls=server.start_tls or None,
        timeout=30,
    )


async def waiting_count() -> int:
    return int(await OutboxMail.count().where(OutboxMail.sent_at.is_null() & OutboxMail.gave_up_at.is_null()))


@dataclass(frozen=True)
class GivenUpMail:
    to_address: str
    subject: str
    attempts: int
    last_error: str
    gave_up_at: datetime


async def given_up(limit: int = 20) -> tuple[int, list[GivenUpMail]]:
    """How many mails the outbox gave up on, and the latest few, for the administration page."""
    count = await OutboxMail.count().where(OutboxMail.gave_up_at.is_not_null())
    rows = (
        await OutboxMail.select(
            OutboxMail.to_address, OutboxMail.subject, OutboxMail.attempts, OutboxMail.last_error, OutboxMail.gave_up_at
        )
        .where(OutboxMail.gave_up_at.is_not_null())
        .order_by(OutboxMail.gave_up_at, ascending=False)
        .limit(limit)
    )
    return count, [GivenUpMail(**row) for row in rows]


DELIVERY_EVERY_SECONDS = 10.0


async def keep_delivering(server: SmtpServer, before_each_round: Callable[[], Awaitable[object]] | None = None) -> None:
    """Run for the life of a worker: send what is due every few seconds (after queueing digests, say)."""
    import asyncio

    while True:
        try:
            if before_each_round is not None:
                await before_each_round()
            await deliver_due(server)
        except asyncio.CancelledError:
            raise
        except Exception:  # the database may be restarting: try again at the next round
            log.exception("mail delivery failed")
        await asyncio.sleep(DELIVERY_EVERY_SECONDS)
