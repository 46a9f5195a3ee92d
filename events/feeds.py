"""Rendered exports and calendars of published programmes, cached because releases never change.

A feed's bytes depend only on the release, the filters and the site address,
so the first request renders and every later one is a dictionary lookup; the
ETag is computed once from the bytes.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urlsplit

from events.access import visible_event_ids
from events.agenda import member_event_ids, starred_by_event
from events.calendar import CalendarPart, build_calendar, programme_calendar
from events.frab_export import frab_json, frab_xml
from events.programme import Programme, SessionFilter
from events.releases import forget_parsed_releases, published_programme
from server.accounts import Account

# Litestar adds "; charset=utf-8" to every text/ type itself: said here too, it came out twice.
FEED_FORMATS = {
    "ics": "text/calendar",
    "xml": "application/xml; charset=utf-8",
    "json": "application/json; charset=utf-8",
}
_CACHE_SIZE = 256
_cache: OrderedDict[tuple[object, ...], "RenderedFeed"] = OrderedDict()


@dataclass(frozen=True)
class RenderedFeed:
    body: bytes
    media_type: str
    etag: str
    last_modified: datetime

    @classmethod
    def of(cls, body: bytes, fmt: str, last_modified: datetime) -> "RenderedFeed":
        return cls(body, FEED_FORMATS[fmt], f'"{hashlib.sha256(body).hexdigest()[:32]}"', last_modified)


def forget_rendered_programmes() -> None:
    """Empty this worker's caches of rendered feeds and parsed releases (a database emptied under them)."""
    _cache.clear()
    forget_parsed_releases()


def _host(base_url: str) -> str:
    return urlsplit(base_url).hostname or "hallway"


def render_programme(programme: Programme, fmt: str, selection: SessionFilter, base_url: str) -> RenderedFeed:
    """The public programme (no members-only links) as ``ics``, ``xml`` or ``json``."""
    key = (programme.event.slug, programme.version, programme.published_at, fmt, selection, base_url)
    cached = _cache.get(key)
    if cached is not None:
        _cache.move_to_end(key)
        return cached
    public = programme.without_private_links()
    if fmt == "ics":
        name = programme.event.title + (" (selection)" if selection.active or selection.guids else "")
        body = programme_calendar(public, selection.apply(public), base_url=base_url, host=_host(base_url), name=name)
    elif fmt == "xml":
        body = frab_xml(public, base_url)
    else:
        body = json.dumps(frab_json(public, base_url), ensure_ascii=False, indent=1).encode()
    rendered = RenderedFeed.of(body, fmt, programme.published_at or datetime.now(timezone.utc))
    _cache[key] = rendered
    if len(_cache) > _CACHE_SIZE:
        _cache.popitem(last=False)
    return rendered


async def render_agenda(account: Account, base_url: str) -> RenderedFeed:
    """Someone's starred sessions across every event they may still see, with their members-only links."""
    starred = await starred_by_event(account.id)
    members_of = await member_event_ids(account.id)
    can_view = await visible_event_ids(list(starred), account)
    parts = []
    newest = datetime(2000, 1, 1, tzinfo=timezone.utc)
    for event_id, guids in sorted(starred.items()):
        programme = await published_programme(event_id)
        if programme is None or event_id not in can_view:
            continue
        sessions = tuple(SessionFilter(guids=frozenset(guids)).apply(programme))
        parts.append(
            CalendarPart(
                programme if event_id in members_of else programme.without_private_links(),
                sessions,
                include_join_links=event_id in members_of,
            )
        )
        newest = max(newest, programme.published_at or newest)
    body = build_calendar(
        parts,
        base_url=base_url,
        host=_host(base_url),
        name=f"{account.display_name}'s agenda",
        page_url=f"{base_url}/me/agenda/",
    )
    return RenderedFeed.of(body, "ics", newest)
