"""Who may moderate a room and post in it, and what each moderator's action does, decided without a socket.

``networking/live.py`` asks these and then tells the room what happened; a page or an API call added
later holds to the same rules by calling the same functions. (Who may enter a room at all is
``networking.admission``.)
"""

from __future__ import annotations

from server.i18n import _
from dataclasses import dataclass

from events.access import EventAccess
from networking import rooms
from networking.rooms import RoomInfo
from networking.tables import SanctionKind
from server.accounts import Account
from server.problems import Invalid, NotAllowed, NotFound
from server.validation import row_id

ACTIONS = ("delete", "mute", "unmute", "remove", "ban", "unban")


@dataclass(frozen=True)
class Moderated:
    """What a moderator did: a message deleted, or a person muted, removed, banned (or let back)."""

    action: str
    message_id: int | None = None
    user_id: int | None = None

    @property
    def removes(self) -> bool:
        """Whether the person leaves the room now (removed, or banned)."""
        return self.action in {"remove", "ban"}


def require_moderator(access: EventAccess | None, account: Account | None) -> Account:
    """Rooms are moderated by the event's organisers (and site administrators)."""
    if account is None:
        raise NotAllowed(_("Log in to moderate."))
    if access is None or not access.can_organise:
        raise NotAllowed(_("Only the event's organisers moderate its rooms."))
    return account


async def moderate(
    room: RoomInfo | None,
    access: EventAccess | None,
    account: Account | None,
    action: object,
    message: object,
    user: object,
) -> Moderated:
    """Apply a moderator's ``action`` to a ``message`` (delete) or a ``user`` (everything else).

    ``room`` and ``access`` are ``None`` when nobody is logged in to look them up for.
    """
    moderator = require_moderator(access, account)
    assert room is not None, "a moderator's room was looked up"
    if action == "delete":
        message_id = row_id("message", message)
        if not await rooms.delete_message(room.id, message_id, moderator.id):
            raise NotFound(_("There is no such message in this room."))
        return Moderated("delete", message_id=message_id)
    target = row_id("user", user)
    if target == moderator.id:
        raise NotAllowed(_("Moderators cannot sanction themselves."))
    if action not in ACTIONS:
        raise Invalid({"action": _("'action' must be delete, mute, unmute, remove, ban or unban.")})
    if action in {"mute", "ban"}:
        await rooms.sanction(room.id, target, SanctionKind(action), moderator.id)
    elif action in {"unmute", "unban"}:
        await rooms.lift_sanction(room.id, target, SanctionKind(action.removeprefix("un")))
    return Moderated(str(action), user_id=target)


async def require_voice(room: RoomInfo, account: Account) -> None:
    """Anyone seated may post, unless the moderators muted them in this room."""
    if await rooms.has_sanction(room.id, account.id, SanctionKind.mute):
        raise NotAllowed(_("The moderators have muted you in this room."))


def require_round_organiser(access: EventAccess | None, account: Account | None) -> Account:
    """Speed-networking rounds are started by the event's organisers."""
    if account is None:
        raise NotAllowed(_("Log in to run speed networking."))
    if access is None or not access.can_organise:
        raise NotAllowed(_("Only the event's organisers start speed-networking rounds."))
    return account
