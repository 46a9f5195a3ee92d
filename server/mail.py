"""Outgoing email through a durable outbox.

:func:`queue_mail` only writes a row, so a request never waits for (or fails
with) the mail server. :func:`deliver_due` sends what is due, each mail
claimed by one worker at a time; a failure is retried with growing pauses
(30 s, 1 min, 2 min... up to an hour), so a mail server that is down delays
mail but never loses it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from typing import Awaitable, Callable
from urllib.parse import unquote, urlsplit

import aiosmtplib

from server.tables import OutboxMail

log = logging.getLogger(__name__)
CLAIM_FOR = timedelta(minutes=5)
BATCH = 50
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


async def queue_mail(to_address: str, subject: str, body_text: str) -> None:
    now = datetime.now(timezone.utc)
    await OutboxMail(to_address=to_address, subject=subject[:300], body_text=body_text, created_at=now,
                     send_after=now).save()


async def deliver_due(server: SmtpServer, now: datetime | None = None) -> tuple[int, int]:
    """Send every due mail once; returns (sent, failed)."""
    now = now or datetime.now(timezone.utc)
    due = await OutboxMail.select(OutboxMail.id).where(
        OutboxMail.sent_at.is_null() & (OutboxMail.send_after <= now)).order_by(OutboxMail.id).limit(BATCH)
    sent = failed = 0
    for row in due:
        claimed = await OutboxMail.update({OutboxMail.send_after: now + CLAIM_FOR}).where(
            (OutboxMail.id == row["id"]) & OutboxMail.sent_at.is_null() & (OutboxMail.send_after <= now)
        ).returning(OutboxMail.id, OutboxMail.to_address, OutboxMail.subject, OutboxMail.body_text, OutboxMail.attempts)
        if not claimed:
            continue  # another worker took it
        mail = claimed[0]
        try:
            await _send(server, mail["to_address"], mail["subject"], mail["body_text"])
        except (aiosmtplib.SMTPException, OSError) as error:
            attempts = mail["attempts"] + 1
            await OutboxMail.update({OutboxMail.attempts: attempts, OutboxMail.last_error: str(error)[:2000],
                                     OutboxMail.send_after: now + retry_pause(attempts)}).where(OutboxMail.id == row["id"])
            failed += 1
            continue
        await OutboxMail.update({OutboxMail.sent_at: datetime.now(timezone.utc),
                                 OutboxMail.attempts: mail["attempts"] + 1}).where(OutboxMail.id == row["id"])
        sent += 1
    return sent, failed


async def _send(server: SmtpServer, to_address: str, subject: str, body_text: str) -> None:
    message = EmailMessage()
    message["From"] = server.sender
    message["To"] = to_address
    message["Subject"] = subject
    message.set_content(body_text)
    await aiosmtplib.send(message, hostname=server.host, port=server.port, username=server.username,
                          password=server.password, use_tls=server.use_tls, start_tls=server.start_tls or None,
                          timeout=30)


async def waiting_count() -> int:
    return await OutboxMail.count().where(OutboxMail.sent_at.is_null())


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
