"""Who may see and change an event: visibility plus per-event roles.

Every page, API call, feed and export of an event asks :func:`event_access`
first, so "private means invisible to non-members" is decided in one place.
A private event answers exactly like a missing one (404), so its existence
does not leak either.
"""

from __future__ import annotations

from server.i18n import N_, _
from dataclasses import dataclass
from datetime import datetime, timezone

from piccolo.apps.user.tables import BaseUser
from piccolo.columns.combination import Where

from server.accounts import Account, display_names
from server.problems import NotAllowed, NotFound
from server.validation import has_control_characters

from events.tables import Event, EventMember, MemberRole, Visibility

SLUG_MAX = 100


@dataclass(frozen=True)
class EventAccess:
    event_id: int
    slug: str
    title: str
    timezone: str
    visibility: str
    roles: frozenset[str]
    is_site_admin: bool

    @property
    def can_view(self) -> bool:
        return self.visibility != Visibility.private or bool(self.roles) or self.is_site_admin

    @property
    def can_organise(self) -> bool:
        return MemberRole.organiser in self.roles or self.is_site_admin

    @property
    def is_member(self) -> bool:
        return bool(self.roles)


async def event_access(slug: str, account: Account | None) -> EventAccess | None:
    """What ``account`` (or a visitor, for ``None``) may do with the event at ``slug``; ``None`` if there is none.

    Sockets pass what clients sent: anything that cannot be an address (too long, control characters,
    which PostgreSQL refuses in a query) is simply no event.
    """
    if not isinstance(slug, str) or not 0 < len(slug) <= SLUG_MAX or has_control_characters(slug):
        return None
    return await _access(Event.slug == slug, account)


async def event_access_by_id(event_id: int, account: Account | None) -> EventAccess | None:
    return await _access(Event.id == event_id, account)


async def _access(condition: Where, account: Account | None) -> EventAccess | None:
    row = (
        await Event.select(Event.id, Event.slug, Event.title, Event.timezone, Event.visibility).where(condition).first()
    )
    if row is None:
        return None
    roles: frozenset[str] = frozenset()
    if account is not None:
        members = await EventMember.select(EventMember.role).where(
            (EventMember.event == row["id"]) & (EventMember.user == account.id)
        )
        roles = frozenset(member["role"] for member in members)
    return EventAccess(
        event_id=row["id"],
        slug=row["slug"],
        title=row["title"],
        timezone=row["timezone"],
        visibility=row["visibility"],
        roles=roles,
        is_site_admin=bool(account and account.is_admin),
    )


async def visible_event(slug: str, viewer: Account | None) -> EventAccess:
    """The event at ``slug`` as ``viewer`` may see it; not found when it is missing or private to them."""
    access = await event_access(slug, viewer)
    if access is None or not access.can_view:
        raise NotFound(_("There is no event at this address."))
    return access


async def organised_event(slug: str, viewer: Account | None, doing: str = N_("do this")) -> EventAccess:
    """The event at ``slug`` for its organisers: not found for those who may not see it, else not allowed.

    ``doing`` completes "Only the organisers of this event can ..." for everyone else.
    """
    access = await visible_event(slug, viewer)
    if not access.can_organise:
        raise NotAllowed(_("Only the organisers of this event can %(doing)s.", doing=_(doing)))
    return access


async def add_member(event_id: int, user_id: int, role: MemberRole) -> bool:
    """Give ``user_id`` a role in the event; returns False when they already had it."""
    exists = await EventMember.exists().where(
        (EventMember.event == event_id) & (EventMember.user == user_id) & (EventMember.role == role)
    )
    if exists:
        return False
    await EventMember(event=event_id, user=user_id, role=role, created_at=datetime.now(timezone.utc)).save()
    return True


async def remove_member(event_id: int, user_id: int, role: MemberRole) -> None:
    await EventMember.delete().where(
        (EventMember.event == event_id) & (EventMember.user == user_id) & (EventMember.role == role)
    )


@dataclass(frozen=True)
class Member:
    user_id: int
    display_name: str
    email: str
    role: str


async def list_members(event_id: int) -> list[Member]:
    rows = (
        await EventMember.select(EventMember.user, EventMember.role, EventMember.user.email)
        .where(EventMember.event == event_id)
        .order_by(EventMember.role)
        .order_by(EventMember.created_at)
    )
    names = await display_names([row["user"] for row in rows])
    return [Member(row["user"], names.get(row["user"], ""), row["user.email"], row["role"]) for row in rows]


async def slugs_of_member(user_id: int) -> list[str]:
    """The events someone organises, presents at or attends: unlisted and private ones are theirs to find."""
    rows = await EventMember.select(EventMember.event.slug).where(EventMember.user == user_id).distinct()
    return sorted({row["event.slug"] for row in rows})


async def visible_event_ids(event_ids: list[int], account: Account | None) -> set[int]:
    """Which of these events ``account`` may see (for lists that span events, like an agenda)."""
    if not event_ids:
        return set()
    rows = await Event.select(Event.id, Event.visibility).where(Event.id.is_in(event_ids))
    if account is not None and account.is_admin:
        return {row["id"] for row in rows}
    member_of: set[int] = set()
    if account is not None:
        member_of = {
            row["event"]
            for row in await EventMember.select(EventMember.event).where(
                (EventMember.user == account.id) & EventMember.event.is_in(event_ids)
            )
        }
    return {row["id"] for row in rows if row["visibility"] != Visibility.private or row["id"] in member_of}


async def who_may_see(event_id: int, user_ids: list[int]) -> set[int]:
    """Which of these people may see the event now (whoever is told about it: a star or a vote is not enough).

    A public or unlisted event anyone may open by its link; a private one only its members and site
    administrators (someone removed from it, or whose event turned private, is no longer told anything).
    """
    row = await Event.select(Event.visibility).where(Event.id == event_id).first()
    if row is None or not user_ids:
        return set()
    if row["visibility"] != Visibility.private:
        return set(user_ids)
    members = {
        r["user"]
        for r in await EventMember.select(EventMember.user).where(
            (EventMember.event == event_id) & EventMember.user.is_in(user_ids)
        )
    }
    admins = {
        r["id"]
        for r in await BaseUser.select(BaseUser.id).where(BaseUser.id.is_in(user_ids) & (BaseUser.admin == True))
    }  # noqa: E712 - a column comparison, not a bool
    return members | admins


async def listable_event_ids(account: Account | None) -> set[int]:
    """Events whose content may appear in lists, searches and feeds for ``account``.

    Public events for everyone; unlisted and private ones only for their members (and site
    admins): an unlisted event is reachable by its link, but it is never advertised.
    """
    if account is not None and account.is_admin:
        return {row["id"] for row in await Event.select(Event.id)}
    ids = {row["id"] for row in await Event.select(Event.id).where(Event.visibility == Visibility.public)}
    if account is not None:
        ids |= {
            row["event"] for row in await EventMember.select(EventMember.event).where(EventMember.user == account.id)
        }
    return ids
