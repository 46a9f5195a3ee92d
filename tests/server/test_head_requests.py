"""HEAD answers wherever GET does, with GET's status and headers and no body (link checkers and feed readers ask it)."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from events.demo import DEMO_SLUG
from tests.accounts_flow import log_in
from tests.events.conftest import demo  # noqa: F401 (a fixture)

Client = AsyncTestClient[Litestar]
pytestmark = pytest.mark.usefixtures("demo")
SAME_HEADERS = ("content-type", "content-length", "cache-control", "etag", "last-modified", "content-disposition")
DEMO_PATHS = [
    f"/events/{DEMO_SLUG}/",
    f"/events/{DEMO_SLUG}/schedule",
    f"/events/{DEMO_SLUG}/schedule.ics",
    f"/events/{DEMO_SLUG}/schedule.json",
    f"/events/{DEMO_SLUG}/schedule.xml",
    "/archive/feed.xml",
    "/oai?verb=Identify",
    "/topics/copyright-and-fair-use/upcoming.ics",
    "/static/vendor/htmx.min.js",
    "/schema/openapi.json",
    "/schema",
]


def plain_get_paths(app: Litestar) -> list[str]:
    """Every GET route in the route table that needs no path parameter."""
    return sorted(
        route.path for route in app.routes if "GET" in getattr(route, "methods", ()) and "{" not in route.path
    )


async def _compare(client: Client, path: str) -> None:
    await client.get(path)  # cookies a first visit sets (and the no-store that comes with them) are not the point
    head = await client.head(path)
    got = await client.get(path)
    assert head.status_code == got.status_code, path
    assert head.content == b"", path
    assert got.headers.get("content-type", "").count("charset") <= 1, (path, got.headers["content-type"])
    for name in SAME_HEADERS:
        if name in got.headers and name != "etag" or name == "etag" and "etag" in head.headers:
            assert head.headers.get(name) == got.headers.get(name), (path, name)


async def test_every_plain_get_route_answers_head_for_a_visitor(app: Litestar, client: Client) -> None:
    paths = plain_get_paths(app)
    assert "/" in paths and "/archive" in paths and len(paths) > 15
    for path in paths + DEMO_PATHS:
        await _compare(client, path)


async def test_every_plain_get_route_answers_head_for_someone_logged_in(app: Litestar, client: Client) -> None:
    await log_in(client, "ada@library.org", "Ada")
    for path in plain_get_paths(app) + DEMO_PATHS:
        await _compare(client, path)
