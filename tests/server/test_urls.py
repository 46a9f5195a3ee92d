"""Addresses are made by each package's named functions, in code and templates alike, never concatenated."""

from __future__ import annotations

import re
from pathlib import Path

from litestar import Litestar
from litestar.testing import AsyncTestClient

from archive import urls as archive_urls
from archive.urls import archive_url, item_url, topic_url
from events import urls as events_urls
from events.urls import event_url, feed_url, manage_session_url, session_url
from networking import urls as networking_urls
from server import urls as server_urls
from server.urls import login_url, media_url
from sessions import urls as sessions_urls
from sessions.urls import questions_url

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
EVERY_PACKAGE = (server_urls, events_urls, sessions_urls, networking_urls, archive_urls)


def test_each_address_quotes_what_it_is_given() -> None:
    assert event_url("ill-2026") == "/events/ill-2026/"
    assert session_url("ill-2026", "a/b?c#d") == "/events/ill-2026/sessions/a%2Fb%3Fc%23d/"
    assert item_url("abc", at=125.9) == "/a/abc?t=125#t=125"
    assert topic_url("e-books", "feed.atom") == "/topics/e-books/feed.atom"
    assert archive_url(event="ILL Days & More", topic="") == "/archive/?event=ILL+Days+%26+More"


def test_pages_and_feeds_have_the_addresses_their_routes_answer() -> None:
    assert feed_url("ill", "ics") == "/events/ill/schedule.ics"
    assert feed_url("ill", "xml", 3) == "/events/ill/schedule/v/3.xml"
    assert manage_session_url("ill") == "/events/ill/manage/sessions/new"
    assert manage_session_url("ill", "g-1", "delete") == "/events/ill/manage/sessions/g-1/delete"
    assert questions_url("ill", "keynote", 7) == "/events/ill/sessions/keynote/questions/#question-7"


def test_logging_in_returns_to_where_you_were_but_not_to_the_front_page() -> None:
    assert login_url("/events/ill/lounge/") == "/login?next=/events/ill/lounge/"
    assert login_url("/") == login_url() == "/login"


def test_no_two_packages_offer_templates_the_same_name() -> None:
    names = [function.__name__ for package in EVERY_PACKAGE for function in package.URLS]

    assert len(names) == len(set(names))


def test_no_template_concatenates_an_address() -> None:
    # "/events/{{ slug }}/...", "{{ here }}publish", or "/events/" ~ slug inside an expression
    built = re.compile(
        r'(?:href|action|src|hx-get|hx-post|data-[a-z-]+)="(?:/[^"]*\{\{|[^"]*\}\}[A-Za-z/])|["\']/[a-z]+/["\'] ~'
    )
    found = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for match in built.finditer(path.read_text())
    ]

    assert found == []


def test_a_stored_file_keeps_its_folder_in_its_address() -> None:
    assert media_url("b1/a50a1a0172258a5bd9c8ac38.mp3") == "/media/b1/a50a1a0172258a5bd9c8ac38.mp3"
    assert media_url("b1/talk #2.pdf") == "/media/b1/talk%20%232.pdf"


async def test_coming_back_keeps_the_address_as_it_was_asked_for(client: AsyncTestClient[Litestar]) -> None:
    """Litestar's url.path drops a trailing slash: a page that builds its own addresses relative to itself
    (the archive upload) broke when someone was sent back to it without the slash."""
    sent_to_log_in = await client.get("/me/notifications/?page=2", follow_redirects=False)
    archive = (await client.get("/archive/?topic=e-books")).text

    assert sent_to_log_in.headers["location"] == "/login?next=/me/notifications/%3Fpage%3D2"
    assert 'href="/time-zone?next=/archive/%3Ftopic%3De-books"' in archive
