"""Notifications: stored, pushed live to every open page, and emailed per the person's preference.

Domain packages call :func:`notify`; the live layer installs the one
publisher with :func:`publish_notifications_with`, so no domain code touches
sockets. Email goes through the outbox (``server.mail``): at once, in a daily
digest, or never, with a one-click unsubscribe link in every message.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Awaitable, Callable, Sequence, Union
from zoneinfo import ZoneInfo

from server.i18n import _, gettext, in_words, ngettext, speaking
from server.mail import queue_mail
from server.tables import Notification, Profile

Publisher = Callable[[int, dict[str, object]], Awaitable[None]]
_publisher: list[Publisher] = []
EMAIL_PREFERENCES = ("immediate", "daily", "never")


@dataclass
class MailLinks:
    """What emails need to build links: the site's address and the key that signs unsubscribe links."""

    base_url: str = ""
    secret: str = ""
    enabled: bool = False


_mail = MailLinks()


@dataclass(frozen=True)
class Said:
    """A sentence kept as its message and values, not as text: each person reads it in their own language,
    whenever they read it (the page, a live push, an email or the digest). Values are plain words (names,
    titles), a word to translate too (:func:`word`) or a moment to write the reader's way (:func:`moment`)."""

    message: str
    values: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"message": self.message, "values": self.values}


def said(message: str, **values: Any) -> Said:
    """Mark ``message`` (extracted like ``_``) to be said later, in the reader's language."""
    return Said(message, values)


def word(message: str) -> dict[str, str]:
    """A value that is itself a message (a role, say), translated with the sentence."""
    return {"say": message}


def moment(at: datetime, zone: str, pattern: str = "%a %-d %b %H:%M") -> dict[str, str]:
    """A value that is a moment, written in ``zone`` the reader's way when read."""
    return {"at": at.isoformat(), "zone": zone, "pattern": pattern}


Words = Union[str, Said, Sequence[Said]]


def say(sentences: Sequence[Said]) -> str:
    """What ``sentences`` say in the current language."""
    return in_readers_words([sentence.as_json() for sentence in sentences])


def in_readers_words(sentences: list[dict[str, Any]]) -> str:
    """Stored sentences as the current language says them (one after another)."""
    return " ".join(gettext(s["message"], **{k: _value(v) for k, v in s["values"].items()}) for s in sentences)


def _value(value: Any) -> str:
    if isinstance(value, dict) and "say" in value:
        return gettext(str(value["say"]))
    if isinstance(value, dict) and "at" in value:
        local = datetime.fromisoformat(value["at"]).astimezone(ZoneInfo(value["zone"]))
        return in_words(local, value["pattern"])
    return str(value)


def _sentences(text: Words) -> list[dict[str, Any]]:
    if isinstance(text, str):
        return []
    return [s.as_json() for s in ([text] if isinstance(text, Said) else text)]


def _readable(text: str, sentences: list[dict[str, Any]] | str) -> str:
    """What a notification says now: its sentences in the current language, else the text stored long ago."""
    loaded = json.loads(sentences) if isinstance(sentences, str) else sentences  # SQLite hands JSON back as text
    return in_readers_words(loaded) if loaded else text


@dataclass(frozen=True)
class NotificationItem:
    id: int
    kind: str
    text: str
    link: str
    created_at: datetime
    read: bool


def publish_notifications_with(publisher: Publisher) -> None:
    """Install how notifications reach open pages (the app's socket.io server)."""
    _publisher[:] = [publisher]


def stop_publishing() -> None:
    """Notifications reach no open page and no inbox by mail until the wiring says again how."""
    _publisher.clear()
    email_notifications("", "", enabled=False)


def email_notifications(base_url: str, secret: str, enabled: bool) -> None:
    """Turn email on (when an SMTP server is configured) and say how to build its links."""
    _mail.base_url, _mail.secret, _mail.enabled = base_url, secret, enabled


def unsubscribe_signature(user_id: int, secret: str) -> str:
    return hmac.new(secret.encode(), f"unsubscribe:{user_id}".encode(), hashlib.sha256).hexdigest()[:32]


def unsubscribe_url(user_id: int) -> str:
    return f"{_mail.base_url}/unsubscribe/{user_id}/{unsubscribe_signature(user_id, _mail.secret)}"


async def notify(recipient_id: int, kind: str, text: Words, link: str = "") -> None:
    """Tell someone: ``text`` is what :func:`said` made (said in each reader's language), or plain words."""
    sentences = _sentences(text)
    with speaking("en"):
        stored = _readable(text if isinstance(text, str) else "", sentences)
    await Notification(
        recipient=recipient_id,
        kind=kind,
        text=stored[:1000],
        sentences=sentences,
        link=link[:500],
        created_at=datetime.now(timezone.utc),
    ).save()
    row = (
        await Profile.select(Profile.email_pref, Profile.user.email, Profile.language, Profile.email_confirmed_at)
        .where(Profile.user == recipient_id)
        .first()
    )
    with speaking(row["language"] if row else ""):  # the recipient's language, whoever caused it
        readable = _readable(stored, sentences)
    payload = {"kind": kind, "text": readable, "link": link, "unread": await unread_count(recipient_id)}
    for publisher in _publisher:
        await publisher(recipient_id, payload)
    if row is None or row["email_confirmed_at"] is None:  # an unconfirmed address is never written to
        return
    if _mail.enabled and row["email_pref"] == "immediate":
        with speaking(row["language"]):
            body = _email_body([(readable, link)], recipient_id)
        await queue_mail(row["user.email"], readable[:200], body)


def _email_body(items: list[tuple[str, str]], recipient_id: int) -> str:
    profile = _mail.base_url + "/me/profile"
    lines = []
    for text, link in items:
        lines.append(text)
        if link:
            lines.append(f"  {_mail.base_url}{link}")
        lines.append("")
    lines += [
        "--",
        _("You receive this because of your Hallway email settings."),
        _("Stop these emails with one click: %(link)s", link=unsubscribe_url(recipient_id)),
        _("Or choose a daily digest: %(link)s", link=profile),
    ]
    return "\n".join(lines)


async def queue_daily_digests(now: datetime | None = None) -> int:
    """One email a day for people who chose the digest and have unread notifications since the last one."""
    now = now or datetime.now(timezone.utc)
    if not _mail.enabled:
        return 0
    rows = await Profile.select(Profile.user, Profile.user.email, Profile.last_digest_at, Profile.language).where(
        (Profile.email_pref == "daily") & Profile.email_confirmed_at.is_not_null()
    )
    sent = 0
    for row in rows:
        since = row["last_digest_at"] or datetime(2000, 1, 1, tzinfo=timezone.utc)  # first digest: all unread
        if since.tzinfo is None:
            since = since.replace(tzinfo=timezone.utc)
        if now - since < timedelta(days=1):
            continue
        news = (
            await Notification.select(Notification.text, Notification.sentences, Notification.link)
            .where(
                (Notification.recipient == row["user"])
                & (Notification.created_at > since)
                & Notification.read_at.is_null()
            )
            .order_by(Notification.id)
        )
        await Profile.update({Profile.last_digest_at: now}).where(Profile.user == row["user"])
        if news:
            with speaking(row["language"]):
                subject = ngettext(
                    "Hallway: %(num)s update since yesterday", "Hallway: %(num)s updates since yesterday", len(news)
                )
                body = _email_body([(_readable(n["text"], n["sentences"]), n["link"]) for n in news], row["user"])
            await queue_mail(row["user.email"], subject, body)
            sent += 1
    return sent


async def email_preference(user_id: int) -> str:
    row = await Profile.select(Profile.email_pref).where(Profile.user == user_id).first()
    return row["email_pref"] if row else "immediate"


async def set_email_preference(user_id: int, preference: str) -> None:
    if preference not in EMAIL_PREFERENCES:
        raise ValueError(preference)
    await Profile.update({Profile.email_pref: preference}).where(Profile.user == user_id)


def unsubscribe_link_is_valid(user_id: int, signature: str) -> bool:
    expected = unsubscribe_signature(user_id, _mail.secret).encode()
    return hmac.compare_digest(signature.encode("utf-8", "replace"), expected)  # bytes: any text compares


async def unsubscribe(user_id: int, signature: str) -> bool:
    if not unsubscribe_link_is_valid(user_id, signature):
        return False
    await set_email_preference(user_id, "never")
    return True


async def unread_count(user_id: int) -> int:
    return int(await Notification.count().where((Notification.recipient == user_id) & Notification.read_at.is_null()))


async def list_notifications(user_id: int, limit: int = 50) -> list[NotificationItem]:
    rows = (
        await Notification.select()
        .where(Notification.recipient == user_id)
        .order_by(Notification.id, ascending=False)
        .limit(limit)
    )
    return [
        NotificationItem(
            row["id"],
            row["kind"],
            _readable(row["text"], row["sentences"]),
            row["link"],
            row["created_at"],
            row["read_at"] is not None,
        )
        for row in rows
    ]


async def mark_all_read(user_id: int) -> None:
    await Notification.update({Notification.read_at: datetime.now(timezone.utc)}).where(
        (Notification.recipient == user_id) & Notification.read_at.is_null()
    )
