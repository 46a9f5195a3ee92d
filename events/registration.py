"""Registering to attend (in person or online) and checking in at the venue."""

from __future__ import annotations

from server.i18n import _
from dataclasses import dataclass
from datetime import datetime, timezone

from server.accounts import display_names
from server.problems import Invalid

from events.access import EventAccess
from events.tables import Attendance, EventMember, MemberRole, Visibility


async def register(access: EventAccess, user_id: int, attendance: str, *, at: datetime | None = None) -> bool:
    """Register ``user_id`` as an attendee (or change how they attend). Returns whether they were new."""
    if attendance not in Attendance.__members__:
        raise Invalid({"attendance": _("Choose in person or online.")})
    if access.visibility == Visibility.private and not access.roles:
        raise Invalid({"attendance": _("This event is by invitation only.")})
    row = (
        await EventMember.select(EventMember.id)
        .where(
            (EventMember.event == access.event_id)
            & (EventMember.user == user_id)
            & (EventMember.role == MemberRole.attendee)
        )
        .first()
    )
    if row is not None:
        await EventMember.update({EventMember.attendance: attendance}).where(EventMember.id == row["id"])
        return False
    await EventMember(
        event=access.event_id,
        user=user_id,
        role=MemberRole.attendee,
        attendance=attendance,
        created_at=at or datetime.now(timezone.utc),
    ).save()
    return True


async def attendance_of(event_id: int, user_id: int) -> str | None:
    row = (
        await EventMember.select(EventMember.attendance)
        .where(
            (EventMember.event == event_id) & (EventMember.user == user_id) & (EventMember.role == MemberRole.attendee)
        )
        .first()
    )
    return row["attendance"] if row else None


@dataclass(frozen=True)
class Registration:
    user_id: int
    name: str
    attendance: str
    registered_at: datetime
    checked_in_at: datetime | None


async def registrations(event_id: int) -> list[Registration]:
    """Everyone registered to attend, in the order they registered."""
    rows = (
        await EventMember.select()
        .where((EventMember.event == event_id) & (EventMember.role == MemberRole.attendee))
        .order_by(EventMember.created_at)
    )
    names = await display_names([row["user"] for row in rows])
    return [
        Registration(
            row["user"],
            names.get(row["user"], "Former member"),
            row["attendance"] or "online",
            row["created_at"],
            row["checked_in_at"],
        )
        for row in rows
    ]


async def check_in(event_id: int, user_id: int, at: datetime | None = None) -> bool:
    """Mark a registered attendee as arrived at the venue; False if not registered or already checked in."""
    rows = (
        await EventMember.update({EventMember.checked_in_at: at or datetime.now(timezone.utc)})
        .where(
            (EventMember.event == event_id)
            & (EventMember.user == user_id)
            & (EventMember.role == MemberRole.attendee)
            & EventMember.checked_in_at.is_null()
        )
        .returning(EventMember.id)
    )
    return bool(rows)
