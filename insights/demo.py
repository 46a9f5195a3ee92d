"""Activity for the demo: registrations, check-ins, live viewers, views, plays and searches.

The figures are made up, but they go through the same functions and counters real use
does, so the insights pages of a fresh demo show charts worth looking at.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from archive.items import list_items
from archive.metrics import ITEM_PLAY, ITEM_VIEW, OAI_REQUEST, SEARCH_NOTHING
from events.access import event_access
from events.metrics import EVENT_VIEW
from events.registration import check_in, register
from events.releases import published_programme
from networking.metrics import ROOM_OCCUPANCY
from networking.rooms import list_rooms
from server.accounts import account_id_by_email, create_demo_account
from server.activity import count, flush, peak
from sessions.metrics import LIVE_VIEWERS, ONLINE_NOW

FIRST = (
    "Amara",
    "Ben",
    "Chiara",
    "Dmitri",
    "Esi",
    "Farid",
    "Greta",
    "Hiro",
    "Ines",
    "Jonah",
    "Kai",
    "Lena",
    "Mateo",
    "Nadia",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sven",
    "Tamar",
)
LAST = ("Adeyemi", "Berg", "Costa", "Dubrovsky", "Eze", "Fischer", "García", "Haddad", "Ito", "Jensen")
EMPTY_SEARCHES = {"marrakesh treaty": 9, "rapido": 7, "tipasa migration": 6, "ai chatbots": 3}


async def load_insights_demo(event_slug: str, past_slug: str) -> bool:
    """Load the demo activity once (it is keyed on the demo attendees). Returns whether it did."""
    access = await event_access(event_slug, None)
    if access is None or await account_id_by_email("attendee0@demo.hallway.invalid"):
        return False
    rng = random.Random(8)
    zone = ZoneInfo(access.timezone)
    programme = await published_programme(access.event_id)
    assert programme is not None, "the demo conference is published before its activity is made up"
    first_day = programme.event.start_date
    opening = datetime.combine(first_day, time(8, 0), zone)
    now = datetime.now(timezone.utc)  # the demo conference runs now: nothing is counted in hours still to come
    people = []
    for number in range(64):
        name = f"{FIRST[number % len(FIRST)]} {LAST[number // len(FIRST) % len(LAST)]}"
        email = f"attendee{number}@demo.hallway.invalid"
        people.append(await account_id_by_email(email) or await create_demo_account(email, name))
    for number, user_id in enumerate(people):
        mode = "in_person" if number % 3 != 2 else "online"
        registered = opening - timedelta(days=rng.choice((21, 14, 14, 10, 7, 7, 3, 3, 1)), hours=rng.randrange(10))
        await register(access, user_id, mode, at=registered)
        arrived = opening + timedelta(minutes=rng.choice((5, 20, 35, 50, 70, 95)))
        if mode == "in_person" and number % 7 != 0 and arrived <= now:
            await check_in(access.event_id, user_id, at=arrived)
    for day in range(2):
        for hour in range(8, 18):
            moment = datetime.combine(first_day + timedelta(days=day), time(hour, 30), zone)
            if moment > now:
                continue
            busy = 60 - abs(hour - 11) * 6
            count(EVENT_VIEW, str(access.event_id), busy * 3 + rng.randrange(20), at=moment)
            peak(ONLINE_NOW, str(access.event_id), max(0, busy // 2 + rng.randrange(8)), at=moment)
    for session in programme.sessions:
        if session.kind not in ("break", "networking") and session.starts_at + timedelta(minutes=10) <= now:
            peak(LIVE_VIEWERS, session.guid, rng.randrange(6, 48), at=session.starts_at + timedelta(minutes=10))
    for room in await list_rooms(access.event_id):
        if opening + timedelta(hours=5) <= now:
            peak(ROOM_OCCUPANCY, str(room.id), rng.randrange(5, 30), at=opening + timedelta(hours=5))
    await _archive_use(past_slug, rng)
    await flush()
    return True


async def _archive_use(past_slug: str, rng: random.Random) -> None:
    past = await event_access(past_slug, None)
    if past is None:
        return
    now = datetime.now(timezone.utc)
    for item in await list_items(frozenset({past.event_id}), event_slug=past_slug):
        for months_ago in range(6):
            moment = now - timedelta(days=30 * months_ago + 2)
            views = rng.randrange(10, 60)
            count(ITEM_VIEW, item.handle, views, at=moment)
            count(ITEM_PLAY, item.handle, views // 2 + rng.randrange(5), at=moment)
    for term, times in EMPTY_SEARCHES.items():
        count(SEARCH_NOTHING, term, times, at=now - timedelta(days=3), granularity="day")
    for days_ago in range(14):
        count(OAI_REQUEST, "ListRecords", rng.randrange(2, 9), at=now - timedelta(days=days_ago), granularity="day")
