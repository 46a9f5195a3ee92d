"""Speed networking: rounds of a few minutes in small groups, each in its own private breakout room."""

from __future__ import annotations

from server.i18n import _
import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from itertools import combinations

from networking.matching import GROUP_MAX, GROUP_MIN, form_groups
from networking.rooms import RoomInfo, RoomInput, archive_room, create_room
from networking.tables import RoomKind, SpeedGroupMember, SpeedRound
from server.accounts import public_profiles
from server.problems import Invalid

MINUTES_MAX = 30


@dataclass(frozen=True)
class SpeedGroup:
    breakout: RoomInfo
    members: list[int]


@dataclass(frozen=True)
class StartedRound:
    id: int
    number: int
    ends_at: datetime
    groups: list[SpeedGroup]


def check_round(minutes: object, size: object) -> tuple[float, int]:
    """Round length in minutes (fractions allowed: 0.5 is thirty seconds) and group size."""
    errors = {}
    if not isinstance(minutes, (int, float)) or isinstance(minutes, bool) or not 0.1 <= minutes <= MINUTES_MAX:
        errors["minutes"] = _("A round lasts from 0.1 to %(most)s minutes.", most=MINUTES_MAX)
    if not isinstance(size, int) or isinstance(size, bool) or not GROUP_MIN <= size <= GROUP_MAX:
        errors["size"] = _("Groups have %(least)s to %(most)s people.", least=GROUP_MIN, most=GROUP_MAX)
    if errors:
        raise Invalid(errors)
    return minutes, size  # type: ignore[return-value]


async def met_pairs(room_id: int) -> set[frozenset[int]]:
    """Everyone who already sat together in this speed-networking room's earlier rounds."""
    rows = await SpeedGroupMember.select(SpeedGroupMember.breakout, SpeedGroupMember.user).where(
        SpeedGroupMember.round.room == room_id
    )
    tables: dict[int, list[int]] = {}
    for row in rows:
        tables.setdefault(row["breakout"], []).append(row["user"])
    return {frozenset(pair) for members in tables.values() for pair in combinations(members, 2)}


async def start_round(room: RoomInfo, participants: list[int], minutes: float, size: int) -> StartedRound:
    if room.kind != RoomKind.speed:
        raise Invalid({"room": _("Rounds start only in speed-networking rooms.")})
    if len(participants) < GROUP_MIN:
        raise Invalid({"room": _("At least two people must be waiting for a round.")})
    profiles = await public_profiles(participants)
    interests = {user: {tag.lower() for tag in profile.expertise} for user, profile in profiles.items()}
    groups = await asyncio.to_thread(form_groups, participants, interests, await met_pairs(room.id), size)
    number = await SpeedRound.count().where(SpeedRound.room == room.id) + 1
    now = datetime.now(timezone.utc)
    ends_at = now + timedelta(minutes=minutes)
    async with SpeedRound._meta.db.transaction():
        round_row = SpeedRound(
            room=room.id, number=number, minutes=max(1, round(minutes)), starts_at=now, ends_at=ends_at
        )
        await round_row.save()
        formed = []
        for index, members in enumerate(groups, start=1):
            breakout = await create_room(
                room.event_id,
                RoomInput(
                    name=f"{room.name}: round {number}, group {index}",
                    slug=f"{room.slug}-r{number}-g{index}"[:80],
                    kind=RoomKind.breakout.value,
                    capacity=len(members),
                    opens_at=now,
                    closes_at=ends_at,
                    video_url=room.video_url,
                ),
                parent_id=room.id,
            )
            for user in members:
                await SpeedGroupMember(round=round_row.id, breakout=breakout.id, user=user).save()
            formed.append(SpeedGroup(breakout, members))
    return StartedRound(round_row.id, number, ends_at, formed)


async def breakout_members(room: RoomInfo) -> set[int] | None:
    """Who may enter a speed-networking breakout (``None`` for rooms that are not one)."""
    if room.kind != RoomKind.breakout:
        return None
    rows = await SpeedGroupMember.select(SpeedGroupMember.user).where(SpeedGroupMember.breakout == room.id)
    return {row["user"] for row in rows}


async def end_round(started: StartedRound) -> None:
    for group in started.groups:
        await archive_room(group.breakout.id)


async def rounds_summary(room_id: int) -> list[tuple[int, int, int]]:
    """(round number, groups, people) for each round held in a speed-networking room."""
    rows = await SpeedGroupMember.select(SpeedGroupMember.round.number, SpeedGroupMember.breakout).where(
        SpeedGroupMember.round.room == room_id
    )
    summary: dict[int, tuple[set[int], int]] = {}
    for row in rows:
        breakouts, people = summary.get(row["round.number"], (set(), 0))
        breakouts.add(row["breakout"])
        summary[row["round.number"]] = (breakouts, people + 1)
    return [(number, len(breakouts), people) for number, (breakouts, people) in sorted(summary.items())]


@dataclass(frozen=True)
class SpeedSummary:
    rounds: int
    groups: int
    people: int  # how many took part in at least one round


async def speed_summary(event_id: int) -> SpeedSummary:
    """Speed networking in numbers: rounds held, groups formed, people who took part."""
    rounds = await SpeedRound.select(SpeedRound.id).where(SpeedRound.room.event == event_id)
    ids = [r["id"] for r in rounds]
    members = (
        await SpeedGroupMember.select(SpeedGroupMember.round, SpeedGroupMember.breakout, SpeedGroupMember.user).where(
            SpeedGroupMember.round.is_in(ids)
        )
        if ids
        else []
    )
    return SpeedSummary(
        rounds=len(ids),
        groups=len({(m["round"], m["breakout"]) for m in members}),
        people=len({m["user"] for m in members}),
    )
