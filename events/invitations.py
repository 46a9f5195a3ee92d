"""Inviting co-organisers, presenters and attendees.

Every invitation is a link: whoever opens it while logged in is asked, and takes the role
only by accepting, once. Nobody is added to an event without saying yes, and the organiser
learns nothing about whether an address has an account: the answer is the same link either
way. Someone who already has an account also finds the invitation among their
notifications. Only a hash of the link's token is stored, so a copy of the database opens
no invitation.
"""

from __future__ import annotations

from server.i18n import _
from typing import Any

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone

from events.urls import invitation_url
from events.editing import link_presenter
from events.access import add_member
from events.tables import Event, Invitation, MemberRole, Presenter
from server.accounts import EMAIL_MAX, account_id_by_email, normalise_email
from server.notifications import notify, said, word
from server.validation import is_row_id
from server.problems import Invalid

INVITABLE = {MemberRole.organiser.value, MemberRole.presenter.value, MemberRole.attendee.value}


@dataclass(frozen=True)
class InviteResult:
    token: str

    @property
    def path(self) -> str:
        return invitation_url(self.token)


@dataclass(frozen=True)
class AcceptedInvitation:
    role: str
    event_slug: str
    event_title: str


async def _join(event_id: int, user_id: int, role: str, presenter_id: int | None) -> None:
    await add_member(event_id, user_id, MemberRole(role))
    if presenter_id is not None:
        await link_presenter(event_id, presenter_id, user_id)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def invite(
    event_id: int, email: str, role: str, invited_by: int | None, presenter_id: int | None = None
) -> InviteResult:
    """Give ``email`` a role (at once, or by a link); a presenter invitation can claim a presenter entry."""
    email = normalise_email(email)
    errors = {}
    if presenter_id is not None and not await _claimable(event_id, role, presenter_id):
        errors["presenter"] = _("Choose a presenter of this event, and the presenter role.")
    if not email or "@" not in email or len(email) > EMAIL_MAX:
        errors["email"] = _("Enter the email address of the person to invite.")
    if role not in INVITABLE:
        errors["role"] = _("Choose organiser, presenter or attendee.")
    if errors:
        raise Invalid(errors)
    token = secrets.token_urlsafe(32)
    await Invitation(
        event=event_id,
        email=email,
        role=role,
        presenter=presenter_id,
        token_hash=_hash(token),
        invited_by=invited_by,
        created_at=datetime.now(timezone.utc),
    ).save()
    user_id = await account_id_by_email(email)
    if user_id is not None:
        event = await Event.select(Event.title).where(Event.id == event_id).first()
        title = event["title"] if event else "an event"
        words = said(
            "You are invited to %(title)s as %(role)s.", title=title, role=word(role)
        )  # a role is a message of its own
        await notify(user_id, "invitation", words, invitation_url(token))
    return InviteResult(token=token)


@dataclass(frozen=True)
class PendingInvitation:
    email: str
    role: str
    created_at: datetime


async def pending_invitations(event_id: int) -> list[PendingInvitation]:
    """Invitations nobody has used yet, newest first: organisers see whom they are still waiting for."""
    rows = (
        await Invitation.select(Invitation.email, Invitation.role, Invitation.created_at)
        .where((Invitation.event == event_id) & Invitation.accepted_at.is_null())
        .order_by(Invitation.id, ascending=False)
    )
    return [PendingInvitation(row["email"], row["role"], row["created_at"]) for row in rows]


async def _claimable(event_id: int, role: str, presenter_id: object) -> bool:
    """A presenter invitation may claim an entry of this event's presenters, and only that."""
    return (
        role == MemberRole.presenter.value
        and is_row_id(presenter_id)
        and await Presenter.exists().where((Presenter.id == presenter_id) & (Presenter.event == event_id))
    )


async def open_invitation(token: str) -> AcceptedInvitation | None:
    """What an unused invitation offers (role and event), without taking it; ``None`` for an unknown or used one."""
    row = await _open_row(token)
    if row is None:
        return None
    return await _accepted(row)


async def _accepted(row: dict[str, Any]) -> AcceptedInvitation | None:
    event = await Event.select(Event.slug, Event.title).where(Event.id == row["event"]).first()
    return AcceptedInvitation(row["role"], event["slug"], event["title"]) if event else None


async def _open_row(token: str) -> dict[str, Any] | None:
    if len(token) > 100:
        return None
    return (
        await Invitation.select(Invitation.id, Invitation.event, Invitation.role, Invitation.presenter)
        .where((Invitation.token_hash == _hash(token)) & Invitation.accepted_at.is_null())
        .first()
    )


async def accept_invitation(token: str, user_id: int) -> AcceptedInvitation | None:
    """Give the invitation's role to ``user_id``; ``None`` for an unknown or used token."""
    row = await _open_row(token)
    if row is None:
        return None
    claimed = (
        await Invitation.update({Invitation.accepted_at: datetime.now(timezone.utc)})
        .where((Invitation.id == row["id"]) & Invitation.accepted_at.is_null())
        .returning(Invitation.id)
    )
    if not claimed:
        return None  # someone else opened the same link a moment earlier
    await _join(row["event"], user_id, row["role"], row["presenter"])
    return await _accepted(row)
