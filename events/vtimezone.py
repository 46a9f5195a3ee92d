"""VTIMEZONE blocks every calendar program reads alike, and local times that cannot be read two ways.

``icalendar``'s ``Timezone.from_tzid`` writes each kind of transition once with a comma-separated RDATE list;
ical.js and vobject read only the first date of such a list, so in a feed spanning two years the second year's
sessions came out an hour off. Here every transition is a sub-component of its own with one DTSTART, which all
readers understand, covering every instant of the feed.

A local time inside the repeated hour of an autumn clock change names two instants (RFC 5545 says the first is
meant; clients disagree), so such a time is written in UTC instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

_STEP = timedelta(days=1)


@dataclass(frozen=True)
class Transition:
    at: datetime  # the UTC instant the clocks change
    before: timedelta
    after: timedelta
    name: str
    daylight: bool


def transitions(zone_name: str, first: date, last: date) -> list[Transition]:
    """Every change of the zone's UTC offset from the start of ``first``'s year to the end of ``last``'s."""
    zone = ZoneInfo(zone_name)
    moment = datetime(first.year, 1, 1, tzinfo=timezone.utc)
    end = datetime(last.year + 1, 1, 1, tzinfo=timezone.utc)
    found: list[Transition] = []
    offset = moment.astimezone(zone).utcoffset()
    while moment < end:
        following = moment + _STEP
        next_offset = following.astimezone(zone).utcoffset()
        if next_offset != offset:
            low, high = moment, following  # the change lies in (low, high]: halve it down to the second
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if middle.astimezone(zone).utcoffset() == offset:
                    low = middle
                else:
                    high = middle
            local = high.astimezone(zone)
            found.append(
                Transition(
                    high,
                    offset or timedelta(0),
                    next_offset or timedelta(0),
                    local.tzname() or zone_name,
                    bool(local.dst()),
                )
            )
            offset = next_offset
        moment = following
    return found


def _offset(value: timedelta) -> str:
    seconds = int(value.total_seconds())
    sign = "+" if seconds >= 0 else "-"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{sign}{hours:02d}{minutes:02d}" + (f"{seconds:02d}" if seconds else "")


def vtimezone_lines(zone_name: str, first: date, last: date) -> list[str]:
    """A VTIMEZONE for ``zone_name`` good for every instant from ``first``'s year to ``last``'s, one change each."""
    zone = ZoneInfo(zone_name)
    start = datetime(first.year, 1, 1, tzinfo=timezone.utc).astimezone(zone)
    offset = start.utcoffset() or timedelta(0)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{zone_name}"]
    kind = "DAYLIGHT" if start.dst() else "STANDARD"  # what holds from the start, before any change
    lines += [
        f"BEGIN:{kind}",
        "DTSTART:" + datetime(first.year, 1, 1).strftime("%Y%m%dT%H%M%S"),
        f"TZOFFSETFROM:{_offset(offset)}",
        f"TZOFFSETTO:{_offset(offset)}",
        f"TZNAME:{start.tzname() or zone_name}",
        f"END:{kind}",
    ]
    for change in transitions(zone_name, first, last):
        kind = "DAYLIGHT" if change.daylight else "STANDARD"
        local_before = (change.at + change.before).replace(tzinfo=None)  # DTSTART is in the offset it leaves
        lines += [
            f"BEGIN:{kind}",
            "DTSTART:" + local_before.strftime("%Y%m%dT%H%M%S"),
            f"TZOFFSETFROM:{_offset(change.before)}",
            f"TZOFFSETTO:{_offset(change.after)}",
            f"TZNAME:{change.name}",
            f"END:{kind}",
        ]
    lines.append("END:VTIMEZONE")
    return lines


def is_ambiguous(moment: datetime, zone: ZoneInfo) -> bool:
    """Whether the wall-clock time of ``moment`` in ``zone`` names two instants (or none) there."""
    wall = moment.astimezone(zone).replace(tzinfo=None)
    return wall.replace(tzinfo=zone, fold=0).utcoffset() != wall.replace(tzinfo=zone, fold=1).utcoffset()
