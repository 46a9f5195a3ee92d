"""Telling people whose agenda a new release changed: a session they starred moved or was cancelled.

It runs as a background job once the release is committed (one release may touch thousands of
agendas); each person is told in the app and, as they chose, by email (``server.notifications``).
"""

from __future__ import annotations

import uuid
from events.urls import session_url
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from events.access import who_may_see
from events.programme import Programme
from events.releases import ReleasePublished, release_changes
from events.tables import Star
from server.jobs import JobFailed, Progress, enqueue
from server.notifications import notify

JOB_KIND = "events.tell-agendas"
TOLD = {"moved", "cancelled", "reinstated"}


async def queue_agenda_notices(change: ReleasePublished) -> None:
    """Listener: every release after the first may have moved someone's session."""
    if change.version > 1:
        await enqueue(JOB_KIND, f"{change.event_id}:{change.version}")


def agenda_notices(snapshot: Programme, changelog: list[dict[str, Any]]) -> dict[str, tuple[str, str]]:
    """Per session guid, what to tell someone who starred it, and the link to its page."""
    zone = snapshot.event.zone
    slugs = {item.guid: item.slug for item in snapshot.sessions}
    notices: dict[str, list[str]] = {}
    for entry in changelog:
        if entry.get("change") in TOLD and entry["guid"] in slugs:
            notices.setdefault(entry["guid"], []).append(_sentence(entry, zone))
    return {
        guid: (" ".join(sentences), session_url(snapshot.event.slug, slugs[guid]))
        for guid, sentences in notices.items()
    }


def _sentence(entry: dict[str, Any], zone: ZoneInfo) -> str:
    title = f"“{entry['title']}”"
    if entry["change"] == "cancelled":
        return f"{title} in your agenda is cancelled."
    if entry["change"] == "reinstated":
        return f"{title} in your agenda takes place after all."
    before, after = entry["from"], entry["to"]
    if before["starts_at"] == after["starts_at"] and before["room"] == after["room"]:
        return (
            f"{title} in your agenda now ends at {_clock(after['ends_at'], zone)} "
            f"(was {_clock(before['ends_at'], zone)})."
        )
    if before["starts_at"] == after["starts_at"]:
        return f"{title} in your agenda moved to {after['room'] or 'another room'} (was {before['room'] or 'no room'})."
    return f"{title} in your agenda moved to {_when(after, zone)} (was {_when(before, zone)})."


def _clock(moment: str, zone: ZoneInfo) -> str:
    return f"{datetime.fromisoformat(moment).astimezone(zone):%H:%M}"


def _when(place: dict[str, Any], zone: ZoneInfo) -> str:
    moment = datetime.fromisoformat(place["starts_at"]).astimezone(zone)
    return f"{moment:%a %-d %b %H:%M}" + (f", {place['room']}" if place["room"] else "")


async def tell_agendas(key: str, progress: Progress) -> None:
    """The job: one notification per person and changed session they starred."""
    event_id, version = (int(part) for part in key.split(":", 1))
    found = await release_changes(event_id, version)
    if found is None:
        raise JobFailed(f"Version {version} of this event's programme no longer exists.")
    notices = agenda_notices(*found)
    if not notices:
        return
    stars = (
        await Star.select(Star.user, Star.session_guid)
        .where((Star.event == event_id) & Star.session_guid.is_in([uuid.UUID(guid) for guid in notices]))
        .order_by(Star.id)
    )
    allowed = await who_may_see(event_id, sorted({star["user"] for star in stars}))
    stars = [star for star in stars if star["user"] in allowed]  # a star outlives membership; telling must not
    for number, star in enumerate(stars, start=1):
        text, link = notices[str(star["session_guid"])]
        await notify(star["user"], "agenda-change", text, link)
        if number % 50 == 0:
            await progress(number * 100 // len(stars))
