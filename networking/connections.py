"""'Phone a friend': ask someone in the directory to connect; once they accept, both see each other's contact details.

Nobody who did not opt in can be asked, and contact details (never the
account's email address) are shown only between accepted connections.
"""

from __future__ import annotations

from server.i18n import _
from dataclasses import dataclass
from datetime import datetime, timezone

from piccolo.columns.combination import Or

from networking.tables import ConnectionRequest
from server.accounts import PublicProfile, contact_details, display_names, is_listed, public_profiles
from server.notifications import notify, said
from server.problems import Invalid, NotFound

MESSAGE_MAX = 500
OPEN_REQUESTS_MAX = 20


@dataclass(frozen=True)
class Connection:
    request_id: int
    person: PublicProfile
    message: str
    contact_details: str
    created_at: datetime


def _pair(first: int, second: int) -> Or:
    return ((ConnectionRequest.sender == first) & (ConnectionRequest.recipient == second)) | (
        (ConnectionRequest.sender == second) & (ConnectionRequest.recipient == first)
    )


async def ask_to_connect(sender_id: int, recipient_id: int, message: str) -> int:
    if sender_id == recipient_id:
        raise Invalid({"recipient": _("You cannot connect with yourself.")})
    if not await is_listed(recipient_id):
        raise Invalid({"recipient": _("This person is not in the directory.")})
    if len(message) > MESSAGE_MAX:
        raise Invalid({"message": _("Use at most %(count)s characters.", count=MESSAGE_MAX)})
    existing = (
        await ConnectionRequest.select(ConnectionRequest.accepted_at, ConnectionRequest.declined_at)
        .where(_pair(sender_id, recipient_id))
        .first()
    )
    if existing and existing["declined_at"] is None:
        raise Invalid({"recipient": _("You are already connected, or a request is waiting for an answer.")})
    open_requests = await ConnectionRequest.count().where(
        (ConnectionRequest.sender == sender_id)
        & ConnectionRequest.accepted_at.is_null()
        & ConnectionRequest.declined_at.is_null()
    )
    if open_requests >= OPEN_REQUESTS_MAX:
        raise Invalid({"recipient": _("Wait for answers to your open requests before asking more people.")})
    request = ConnectionRequest(
        sender=sender_id, recipient=recipient_id, message=message.strip(), created_at=datetime.now(timezone.utc)
    )
    await request.save()
    sender = (await public_profiles([sender_id]))[sender_id]
    who = f"{sender.display_name} ({sender.affiliation})" if sender.affiliation else sender.display_name
    await notify(
        recipient_id, "connection-request", said("%(who)s would like to connect with you.", who=who), "/me/connections/"
    )
    return request.id


async def may_see_profile(viewer_id: int, person_id: int) -> bool:
    """Listed people show their page to everyone logged in; others only to people they asked or were asked by."""
    if viewer_id == person_id or await is_listed(person_id):
        return True
    return await ConnectionRequest.exists().where(_pair(viewer_id, person_id))


async def answer_request(request_id: int, recipient_id: int, accept: bool) -> None:
    row = (
        await ConnectionRequest.select()
        .where(
            (ConnectionRequest.id == request_id)
            & (ConnectionRequest.recipient == recipient_id)
            & ConnectionRequest.accepted_at.is_null()
            & ConnectionRequest.declined_at.is_null()
        )
        .first()
    )
    if row is None:
        raise NotFound(_("There is no such request waiting for you."))
    column = ConnectionRequest.accepted_at if accept else ConnectionRequest.declined_at
    await ConnectionRequest.update({column: datetime.now(timezone.utc)}).where(ConnectionRequest.id == request_id)
    if accept:
        name = (await display_names([recipient_id]))[recipient_id]
        await notify(
            row["sender"],
            "connection-accepted",
            said("%(name)s accepted your request to connect.", name=name),
            "/me/connections/",
        )


async def connections_of(user_id: int) -> dict[str, list[Connection]]:
    """Accepted connections (with contact details), requests waiting for me, and mine waiting for others."""
    rows = (
        await ConnectionRequest.select()
        .where(
            ((ConnectionRequest.sender == user_id) | (ConnectionRequest.recipient == user_id))
            & ConnectionRequest.declined_at.is_null()
        )
        .order_by(ConnectionRequest.id, ascending=False)
    )
    others = [row["recipient"] if row["sender"] == user_id else row["sender"] for row in rows]
    profiles = await public_profiles(others)
    grouped: dict[str, list[Connection]] = {"connected": [], "incoming": [], "outgoing": []}
    for row, other in zip(rows, others):
        if other not in profiles:
            continue
        accepted = row["accepted_at"] is not None
        details = await contact_details(other) if accepted else ""
        group = "connected" if accepted else ("incoming" if row["recipient"] == user_id else "outgoing")
        grouped[group].append(Connection(row["id"], profiles[other], row["message"], details, row["created_at"]))
    return grouped
