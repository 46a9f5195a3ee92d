"""The time zone a person reads times in: chosen once, remembered, used for every time Hallway shows them.

An account keeps it in its profile; a visitor without one in a cookie. Nobody is asked before they look: with no
choice, an event's times are shown in the event's own zone (labelled), other moments in UTC (labelled).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from litestar.connection import ASGIConnection

from server.tables import Profile

ZONE_COOKIE = "hallway_tz"
ZONE_NAME_MAX = 64
# Old aliases (US/Eastern, Etc/GMT+5 with its inverted sign…) stay readable but are not offered.
_NOT_OFFERED = ("Etc/", "SystemV/", "US/", "Canada/", "Brazil/", "Mexico/", "Chile/")


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    return frozenset(available_timezones())


def is_zone_name(name: str) -> bool:
    return 0 < len(name) <= ZONE_NAME_MAX and name in _known()


def zone_label(name: str) -> str:
    """“Berlin (Europe/Berlin)”: people look for their city, not for the database's name."""
    if "/" not in name:
        return name
    return f"{name.rsplit('/', 1)[1].replace('_', ' ')} ({name.replace('_', ' ')})"


@lru_cache(maxsize=1)
def offered_zones() -> tuple[tuple[str, str], ...]:
    """Every IANA zone a person might live in, as (name, label), by city."""
    names = [name for name in _known() if "/" in name and not name.startswith(_NOT_OFFERED)] + ["UTC"]
    return tuple(sorted(((name, zone_label(name)) for name in names), key=lambda pair: pair[1].casefold()))


def zone_from_typed(typed: str) -> str | None:
    """The zone someone picked: its name, its label from the list, or a city that names one zone; ``""`` clears."""
    if not typed:
        return ""
    for name, label in offered_zones():
        if typed in (name, label) or typed.casefold() == label.split(" (")[0].casefold():
            return name
    return typed if is_zone_name(typed) else None


def chosen_zone_name(connection: ASGIConnection[Any, Any, Any, Any], account: Any) -> str:
    """The zone this person chose (profile first, then cookie), or ``""`` if they chose none."""
    saved = getattr(account, "time_zone", "") if account is not None else ""
    if saved and is_zone_name(saved):
        return saved
    cookie = connection.cookies.get(ZONE_COOKIE, "")
    return cookie if is_zone_name(cookie) else ""


def shown_zone(chosen: str, fallback: str = "UTC") -> ZoneInfo:
    return ZoneInfo(chosen if is_zone_name(chosen) else fallback)


async def remember_zone(user_id: int, name: str) -> None:
    """Keep an account's choice (``""``: each event's own zone)."""
    if name and not is_zone_name(name):
        raise ValueError(f"{name!r} is not a time zone name")
    await Profile.update({Profile.time_zone: name}).where(Profile.user == user_id)
