"""Who may enter a networking room and read its conversation: one rule for every way in.

A socket joining the room, the room's page and its message history all ask ``admission``,
so a person refused at one door is refused at the others. The conversation is for people
who are logged in: a guest (or a banned person who logged out) cannot be told apart from
anyone else, so guests see who is in the room but not what is said. A room answers only
under its own event: a room id tried under another event, or a room of an event the person
may not see, is "no such room".
"""

from __future__ import annotations

from dataclasses import dataclass

from events.access import EventAccess
from networking import speed
from networking.rooms import RoomInfo, has_sanction
from networking.tables import SanctionKind
from server.accounts import Account

NO_SUCH_ROOM = "There is no such room."
LOG_IN = "Log in to join the conversation."
BANNED = "You have been removed from this room by its moderators."
PRIVATE_BREAKOUT = "This breakout room is private to its group."


@dataclass(frozen=True)
class Admission:
    """The answer for one person and one room: ``refusal`` is ``None`` when they may come in."""

    refusal: str | None
    missing: bool = False  # the room should look as if it did not exist

    @property
    def admitted(self) -> bool:
        return self.refusal is None


ADMITTED = Admission(None)


async def admission(room: RoomInfo | None, access: EventAccess | None, account: Account | None) -> Admission:
    """May ``account`` (``None``: a guest) enter ``room`` of the event ``access`` describes, and read its chat?"""
    if room is None or access is None or not access.can_view or room.event_id != access.event_id:
        return Admission(NO_SUCH_ROOM, missing=True)
    members = await speed.breakout_members(room)
    if members is not None and not access.can_organise and (account is None or account.id not in members):
        return Admission(PRIVATE_BREAKOUT)
    if account is None:
        return Admission(LOG_IN)
    if await has_sanction(room.id, account.id, SanctionKind.ban):
        return Admission(BANNED)
    return ADMITTED
