"""Calendars and schedules of a big event: 1,000 sessions over 4 days in 12 rooms.

    .venv/bin/python bench/calendar.py [--quick]

Figures, each beside a baseline from the same run:
- building the full .ics cold (no cache), against building the frab JSON of the same programme;
- serving the .ics warm (cached, with ETag) in requests per second, against a static file of the same size
  from the same server;
- rendering the schedule page of all 1,000 sessions, against the same static file.
Targets (issue 3): cold build under 150 ms; warm at least half the static rate; page under 150 ms.
"""

from __future__ import annotations

import sys

# This file is named for its area, which shadows the standard library's
# calendar module: look in this folder last, not first.
_HERE = sys.path.pop(0)
sys.path.append(_HERE)

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import date, datetime, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness import Figure, free_port, process_serving  # noqa: E402
from http_pages import measure  # noqa: E402

SESSIONS, DAYS, ROOMS = 1000, 4, 12
SLUG = "big-conference"


async def build_event(var_dir: str) -> None:
    from events import editing
    from events.editing import EventInput, RoomInput, SessionInput
    from events.releases import publish_release
    from server.database import engine_from_url, migrate, use_engine

    use_engine(engine_from_url(f"sqlite:///{var_dir}/hallway.sqlite3"))
    await migrate()
    start = date(2027, 3, 26)
    event_id = await editing.create_event(
        EventInput(
            slug=SLUG,
            title="Big Conference",
            timezone="Europe/Berlin",
            start_date=start,
            end_date=start + timedelta(days=DAYS - 1),
        ),
        None,
    )
    for number in range(ROOMS):
        await editing.save_room(
            event_id,
            RoomInput(name=f"Room {number + 1}", position=number, stream_url=f"https://stream.example.org/{number}"),
        )
    zone = ZoneInfo("Europe/Berlin")
    per_room_day = SESSIONS // (DAYS * ROOMS) + 1
    made = 0
    for day in range(DAYS):
        for room in range(ROOMS):
            for slot in range(per_room_day):
                if made == SESSIONS:
                    break
                begins = datetime.combine(start + timedelta(days=day), datetime.min.time(), zone) + timedelta(
                    hours=8, minutes=35 * slot
                )
                await editing.save_session(
                    event_id,
                    SessionInput(
                        title=f"Session {made}: interlibrary loan workflows, part {slot}",
                        starts_at=begins,
                        ends_at=begins + timedelta(minutes=30),
                        room=f"Room {room + 1}",
                        tags=["workflow"],
                        abstract="How requests move between libraries, and what slows them down. " * 3,
                    ),
                )
                made += 1
    await publish_release(event_id, "Everything")


async def cold_builds(var_dir: str, repeats: int) -> tuple[Figure, Figure, int]:
    from events.calendar import programme_calendar
    from events.frab_export import frab_json
    from events.access import event_access
    from events.releases import published_programme

    programme = await published_programme((await event_access(SLUG, None)).event_id)
    ics_times, json_times, size = [], [], 0
    for _ in range(repeats):
        started = time.perf_counter()
        body = programme_calendar(
            programme, programme.sessions, base_url="https://h.example.org", host="h.example.org", name="Big"
        )
        ics_times.append(time.perf_counter() - started)
        size = len(body)
        started = time.perf_counter()
        json.dumps(frab_json(programme, "https://h.example.org"))
        json_times.append(time.perf_counter() - started)
    return (
        Figure("full .ics built cold", repeats, sum(ics_times), ics_times),
        Figure("frab JSON built cold", repeats, sum(json_times), json_times),
        size,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a small run, under a minute")
    args = parser.parse_args()
    repeats, requests = (5, 200) if args.quick else (20, 2000)
    static_dir = Path(__file__).resolve().parents[1] / "static" / "vendor"
    with tempfile.TemporaryDirectory() as var_dir:
        asyncio.run(build_event(var_dir))
        ics, frab, size = asyncio.run(cold_builds(var_dir, repeats))
        static_dir.mkdir(parents=True, exist_ok=True)
        static_file = static_dir / "bench-same-size.ics"
        static_file.write_bytes(b"x" * size)
        env = {key: value for key, value in os.environ.items() if not key.startswith("HALLWAY_")}
        env.update(HALLWAY_VAR_DIR=var_dir, HALLWAY_SECRET_KEY="bench-secret-key-long-enough-0123456789abcdef")
        port = free_port()
        hallway = str(Path(sys.executable).with_name("hallway"))
        try:
            with process_serving([hallway, "serve", "--port", str(port)], port, "/healthz", env) as url:
                static = asyncio.run(
                    measure(
                        url, f"static file ({size // 1024} KiB)", "/static/vendor/bench-same-size.ics", requests, 10
                    )
                )
                warm = asyncio.run(measure(url, "full .ics served warm", f"/events/{SLUG}/schedule.ics", requests, 10))
                page = asyncio.run(
                    measure(
                        url,
                        "schedule page (list, 1,000)",
                        f"/events/{SLUG}/schedule/?view=list",
                        max(20, requests // 20),
                        2,
                    )
                )
                grid = asyncio.run(
                    measure(url, "schedule page (grid, 1,000)", f"/events/{SLUG}/schedule/", max(20, requests // 20), 2)
                )
        finally:
            static_file.unlink(missing_ok=True)
    print(f"\nCalendar and schedule of {SESSIONS} sessions, {DAYS} days, {ROOMS} rooms (.ics is {size // 1024} KiB)")
    print(f"{'measure':<32}{'median ms':>11}{'ops/s':>9}   {'baseline':<28}{'median ms':>11}{'ops/s':>9}{'ratio':>8}")
    for figure, baseline in ((ics, frab), (warm, static), (page, static), (grid, static)):
        ratio = figure.per_second / baseline.per_second
        print(
            f"{figure.name:<32}{statistics.median(figure.latencies) * 1000:>11.1f}{figure.per_second:>9.0f}   "
            f"{baseline.name:<28}{statistics.median(baseline.latencies) * 1000:>11.1f}{baseline.per_second:>9.0f}{ratio:>8.2f}"
        )


if __name__ == "__main__":
    main()
