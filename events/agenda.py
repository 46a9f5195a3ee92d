"""Personal agendas: starred sessions and the signed, revocable calendar feed that carries them.

A feed URL is ``<user id>-<signature>`` where the signature is an HMAC over the
user id and a random nonce kept in ``AgendaFeed``. Calendar programs can
subscribe without logging in; revoking deletes the nonce, so the old URL then
finds nothing (404), and a new feed gets a new nonce.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections import defaultdict
from datetime import datetime, timezone

from events.tables import AgendaFeed, EventMember, Star
from server.validation import is_row_id, whole_number


def _guid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


async def star(user_id: int, event_id: int, guid: str) -> bool:
    """Add a session to the agenda; False if it already was (or the guid is malformed)."""
    key = _guid(guid)
    if key is None:
        return False
    if await Star.exists().where((Star.user == user_id) & (Star.event == event_id) & (Star.session_guid == key)):
        return False
    await Star(user=user_id, event=event_id, session_guid=key, created_at=datetime.now(timezone.utc)).save()
    return True


async def unstar(user_id: int, event_id: int, guid: str) -> None:
    key = _guid(guid)
    if key is not None:
        await Star.delete().where((Star.user == user_id) & (Star.event == event_id) & (Star.session_guid == key))


async def starred_guids(user_id: int, event_id: int) -> set[str]:
    rows = await Star.select(Star.session_guid).where((Star.user == user_id) & (Star.event == event_id))
    return {str(row["session_guid"]) for row in rows}


async def starred_by_event(user_id: int) -> dict[int, set[str]]:
    """Every starred guid of a person, grouped by event id."""
    rows = await Star.select(Star.event, Star.session_guid).where(Star.user == user_id)
    grouped: dict[int, set[str]] = defaultdict(set)
    for row in rows:
        grouped[row["event"]].add(str(row["session_guid"]))
    return dict(grouped)


async def member_event_ids(user_id: int) -> set[int]:
    return {row["event"] for row in await EventMember.select(EventMember.event).where(EventMember.user == user_id)}


def _signature(secret: str, user_id: int, nonce: str) -> str:
    return hmac.new(secret.encode(), f"agenda:{user_id}:{nonce}".encode(), hashlib.sha256).hexdigest()[:40]


async def agenda_feed_token(user_id: int, secret: str) -> str | None:
    """The token of the person's current feed, or ``None`` if they have none."""
    row = await AgendaFeed.select(AgendaFeed.nonce).where(AgendaFeed.user == user_id).first()
    return f"{user_id}-{_signature(secret, user_id, row['nonce'])}" if row else None


async def create_agenda_feed(user_id: int, secret: str) -> str:
    """Make a new feed URL token, replacing (and so revoking) any earlier one."""
    async with AgendaFeed._meta.db.transaction():
        await AgendaFeed.delete().where(AgendaFeed.user == user_id)
        await AgendaFeed(user=user_id, nonce=secrets.token_hex(32), created_at=datetime.now(timezone.utc)).save()
    token = await agenda_feed_token(user_id, secret)
    assert token is not None
    return token


async def revoke_agenda_feed(user_id: int) -> None:
    await AgendaFeed.delete().where(AgendaFeed.user == user_id)


async def agenda_feed_owner(token: str, secret: str) -> int | None:
    """Whose feed a token opens; ``None`` for a forged, malformed or revoked one."""
    user_part, _, signature = token.partition("-")
    user_id = whole_number(user_part)
    if user_id is None or not is_row_id(user_id) or len(signature) != 40:
        return None
    row = await AgendaFeed.select(AgendaFeed.nonce).where(AgendaFeed.user == user_id).first()
    if row is None or not hmac.compare_digest(signature, _signature(secret, user_id, row["nonce"])):
        return None
    return user_id
