"""Addresses of the lounge, its rooms and people's profiles (see server/urls.py)."""

from __future__ import annotations

from events.urls import event_url
from server.urls import UrlFunction, part, with_query


def lounge_url(event: str, tail: str = "") -> str:
    return event_url(event, f"lounge/{tail}")


def room_url(event: str, room: str) -> str:
    return lounge_url(event, f"{part(room)}/")


def people_url(expertise: str | None = None) -> str:
    return with_query("/people/", expertise=expertise)


def person_url(user_id: int, tail: str = "") -> str:
    """A person's profile, or ``connect`` to ask them to connect."""
    return f"/people/{int(user_id)}/{tail}"


def connection_url(request_id: int, answer: str) -> str:
    """Accepting or declining (``answer``) a request to connect."""
    return f"/me/connections/{int(request_id)}/{part(answer)}"


URLS: tuple[UrlFunction, ...] = (lounge_url, room_url, people_url, person_url, connection_url)
