"""Addresses of an event's pages and feeds (see server/urls.py)."""

from __future__ import annotations

from server.urls import UrlFunction, part, with_query


def event_url(slug: str, tail: str = "") -> str:
    """The event's page, or a page under it (``tail`` such as ``changes/`` or ``register``)."""
    return f"/events/{part(slug)}/{tail}"


def schedule_url(slug: str, **filters: object) -> str:
    return with_query(event_url(slug, "schedule/"), **filters)


def feed_url(slug: str, format: str, version: int | None = None, query: str = "") -> str:
    """The whole programme as ``ics``, ``json`` or ``xml``: the latest release or a given version."""
    path = event_url(slug, f"schedule/v/{version}.{format}" if version is not None else f"schedule.{format}")
    return f"{path}?{query}" if query else path


def session_url(slug: str, session: str, tail: str = "") -> str:
    """A session's page (by its slug or guid), or a page under it."""
    return event_url(slug, f"sessions/{part(session)}/{tail}")


def manage_url(slug: str, tail: str = "") -> str:
    """The organisers' dashboard, or one of its pages (``check-in``, ``rooms``...)."""
    return event_url(slug, f"manage/{tail}")


def manage_session_url(slug: str, guid: str | None = None, tail: str = "") -> str:
    """Editing a session (a new one without ``guid``)."""
    return manage_url(slug, f"sessions/{part(guid)}/{tail}" if guid else "sessions/new")


def invitation_url(token: str) -> str:
    """Where a presenter accepts an invitation (the token is the whole of their right to it)."""
    return f"/invitations/{part(token)}"


URLS: tuple[UrlFunction, ...] = (
    invitation_url,
    event_url,
    schedule_url,
    feed_url,
    session_url,
    manage_url,
    manage_session_url,
)
