"""Addresses of archived items, topics and the archive's search (see server/urls.py)."""

from __future__ import annotations

from events.urls import manage_url
from urllib.parse import urlencode

from server.urls import UrlFunction, part, with_query


def item_url(handle: str, tail: str = "", at: int | None = None) -> str:
    """An item's permanent address, a page under it (``embed``, ``cite/ris``...), or a moment in it."""
    path = f"/a/{part(handle)}" + (f"/{tail}" if tail else "")
    return f"{path}?t={int(at)}#t={int(at)}" if at is not None else path


def captions_url(handle: str, track_id: int) -> str:
    return item_url(handle, f"captions/{int(track_id)}")


def topic_url(slug: str, tail: str = "") -> str:
    """A topic's page, or one of its feeds (``feed.atom``, ``podcast.rss``, ``upcoming.ics``)."""
    return f"/topics/{part(slug)}/{tail}"


def archive_url(**filters: object) -> str:
    """The archive, filtered (``event``, ``presenter``, ``topic``...)."""
    return with_query("/archive/", **filters)


def search_url(q: str, filters: list[tuple[str, str]]) -> str:
    """A search of the archive by words ``q`` and by facet values (a facet may be named more than once)."""
    pairs = ([("q", q)] if q else []) + list(filters)
    return f"/archive/{'search' if q else ''}" + (f"?{urlencode(pairs)}" if pairs else "")


def saved_search_url(search_id: int, action: str) -> str:
    return f"/archive/saved/{int(search_id)}/{part(action)}"


def manage_archive_url(event: str, session_guid: str | None = None, tail: str = "") -> str:
    """The organisers' archive of an event, or one session's recordings and materials (and what is under
    them: ``publish``, ``upload``, ``recordings/7/captions``...)."""
    return manage_url(event, f"archive/{part(session_guid)}/{tail}" if session_guid else "archive/")


URLS: tuple[UrlFunction, ...] = (
    item_url,
    captions_url,
    topic_url,
    archive_url,
    search_url,
    saved_search_url,
    manage_archive_url,
)
