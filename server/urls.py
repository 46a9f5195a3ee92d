"""Named addresses: each package's ``urls.py`` builds the paths of its own pages, for code and templates alike.

A path is made in one place, its parts quoted there, so renaming a route is one edit and no template
concatenates an address. ``server/app.py`` puts every package's functions in the templates' globals.
"""

from __future__ import annotations

from typing import Callable
from urllib.parse import quote, urlencode

UrlFunction = Callable[..., str]


def part(value: object) -> str:
    """One path segment, with anything that could end it or start a query quoted."""
    return quote(str(value), safe="")


def with_query(path: str, **query: object) -> str:
    """``path`` with the query parameters that have a value (None and "" are left out)."""
    given = {name: value for name, value in query.items() if value not in (None, "")}
    return f"{path}?{urlencode(given, safe='/')}" if given else path


def login_url(next: str | None = None) -> str:
    """The log-in page; ``next`` is where to return afterwards (the front page needs no mention)."""
    return with_query("/login", next=next if next != "/" else None)


def register_url(next: str | None = None) -> str:
    return with_query("/register", next=next if next != "/" else None)


def time_zone_url(next: str | None = None) -> str:
    return with_query("/time-zone", next=next)


def media_url(file_name: str) -> str:
    """A stored file (its name may include the folder it is kept in)."""
    return f"/media/{quote(file_name, safe='/')}"


URLS: tuple[UrlFunction, ...] = (login_url, register_url, time_zone_url, media_url)
