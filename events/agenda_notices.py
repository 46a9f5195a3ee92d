"""Telling people whose agenda a new release changed: a session they starred moved or was cancelled.

It runs as a background job once the release is committed (one release may touch thousands of
agendas); each person is told in the app and, as they chose, by email (``server.notifications``).
"""

from __future__ import annotations

import uuid
from events.urls import session_url
from datetime import datetime
from typing import Any

from events.access import who_may_see
from events.programme import Programme
from events.releases import ReleasePublished, release_changes
from events.tables import Star
from server.jobs import JobFailed, Progress, enqueue
from server.notifications import Said, moment, notify, said, word

JOB_KIND = "events.tell-agendas"
TOLD = {"moved", "cancelled", "reinstated"}


async def queue_agenda_notices(change: ReleasePublished) -> None:
    """Listener: every release after the first may have moved someone's session."""
    if change.version > 1:
        await enqueue(JOB_KIND, f"{change.event_id}:{change.version}")


def agenda_notices(snapshot: Programme, changelog: list[dict[str, Any]]) -> dict[str, tuple[list[Said], str]]:
    """Per session guid, what to tell someone who starred it (said in their language), and its page's link."""
    zone = snapshot.event.timezone
    slugs = {item.guid: item.slug for item in snapshot.sessions}
    notices: dict[str, list[Said]] = {}
    for entry in changelog:
        if entry.get("change") in TOLD and entry["guid"] in slugs:
            notices.setdefault(entry["guid"], []).append(_sentence(entry, zone))
    return {guid: (sentences, session_url(snapshot.event.slug, slugs[guid])) for guid, sentences in notices.items()}


def _sentence(entry: dict[str, Any], zone: str) -> Said:
    title = entry["title"]
    if entry["change"] == "cancelled":
        return said("“%(title)s” in your agenda is cancelled.", title=title)
    if entry["change"] == "reinstated":
        return said("“%(title)s” in your agenda takes place after all.", title=title)
    before, after = entry["from"], entry["to"]
    if before["starts_at"] == after["starts_at"] and before["room"] == after["room"]:
        return said(
            "“%(title)s” in your agenda now ends at %(end)s (was %(old_end)s).",
            title=title,
            end=_at(after["ends_at"], zone, "%H:%M"),
            old_end=_at(before["ends_at"], zone, "%H:%M"),
        )
    if before["starts_at"] == after["starts_at"]:
        return said(
            "“%(title)s” in your agenda moved to %(room)s (was %(old_room)s).",
            title=title,
            room=after["room"] or word("another room"),
            old_room=before["room"] or word("no room"),
        )
    if after["room"] == before["room"]:
        return said(
            "“%(title)s” in your agenda moved to %(when)s (was %(old_when)s).",
            title=title,
            when=_at(after["starts_at"], zone),
            old_when=_at(before["starts_at"], zone),
        )
    return said(
        "“%(title)s” in your agenda moved to %(when)s, %(room)s (was %(old_when)s, %(old_room)s).",
        title=title,
        when=_at(after["starts_at"], zone),
        room=after["room"] or word("no room"),
        old_when=_at(before["starts_at"], zone),
        old_room=before["room"] or word("no room"),
    )


def _at(iso: str, zone: str, pattern: str = "%a %-d %b %H:%M") -> dict[str, str]:
    return moment(datetime.fromisoformat(iso), zone, pattern)


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
