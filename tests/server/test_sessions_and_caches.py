"""Sessions are created only when something is kept in them, never travel in a cacheable response,
end at log-out, and CSRF tokens belong to the session that received them."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Iterator

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from server.auth import SESSION_COOKIE
from server.settings import Settings
from tests.accounts_flow import CSRF_COOKIE, register
from tests.hallway_process import HallwayServer, demo_server

Client = AsyncTestClient[Litestar]
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HallwayServer]:
    with demo_server(tmp_path_factory.mktemp("sessions")) as hallway:
        yield hallway


def _account_page_status(base_url: str, cookies: httpx.Cookies) -> int:
    with httpx.Client(base_url=base_url, cookies=cookies) as client:
        return client.get("/me/profile", follow_redirects=False).status_code


async def test_a_stranger_never_receives_a_logged_in_persons_session(server: HallwayServer) -> None:
    """The audit's attack: someone logged in opens a picture, a stranger asks for the same address."""
    cookies = await register(server.url, f"admin-{uuid.uuid4().hex[:6]}@library.org", "Site Person")
    with httpx.Client(base_url=server.url, cookies=cookies) as person:
        profile = person.get("/me/profile")
        assert profile.status_code == 200
        avatar = profile.text.split('src="/avatars/')[1].split('"')[0]
        theirs = person.get(f"/avatars/{avatar}")
        feed = person.get("/archive/feed.atom")
        style = person.get("/static/hallway.css")
    assert theirs.status_code == 200 and "set-cookie" not in theirs.headers
    assert "set-cookie" not in feed.headers and "set-cookie" not in style.headers

    with httpx.Client(base_url=server.url) as stranger:
        for _ in range(3):  # whatever a cache kept, it kept no cookie
            picture = stranger.get(f"/avatars/{avatar}")
            assert picture.status_code == 200 and "set-cookie" not in picture.headers
            assert picture.headers["cache-control"] == "public, max-age=3600"
        assert SESSION_COOKIE not in stranger.cookies
        assert stranger.get("/me/profile", follow_redirects=False).status_code in (302, 401)
    assert _account_page_status(server.url, cookies) == 200  # the person's own session still works


async def test_cookieless_requests_leave_no_session_behind(client: Client, settings: Settings) -> None:
    addresses = [
        "/archive/feed.atom",
        "/archive/podcast.rss",
        "/oai?verb=Identify",
        "/static/hallway.css",
        "/topics/",
        "/healthz",
        "/api/v1/events",
        "/no-such-page",
    ]
    for number in range(1000):
        client.cookies.clear()
        response = await client.get(addresses[number % len(addresses)])
        assert response.status_code < 500
        assert SESSION_COOKIE not in response.headers.get("set-cookie", ""), response.request.url
    assert _session_files(settings.var_dir) == []


async def test_a_page_gives_a_visitor_a_form_token_but_no_session(client: Client, settings: Settings) -> None:
    response = await client.get("/login")
    assert [c.split("=")[0] for c in response.headers.get_list("set-cookie")] == [CSRF_COOKIE]
    assert response.headers["cache-control"] == "no-store"
    again = await client.get("/login")
    assert "set-cookie" not in again.headers  # the token is kept, not renewed on every page
    assert _session_files(settings.var_dir) == []


async def test_a_response_that_sets_a_cookie_is_never_stored_by_a_cache(client: Client) -> None:
    await _log_in(client, "cache@example.org")
    seen = 0
    for path in ("/", "/me/profile", "/me/agenda/", "/archive/", "/login", "/archive/feed.atom"):
        client.cookies.delete(CSRF_COOKIE)  # so the page hands out a new token
        response = await client.get(path)
        if response.headers.get("set-cookie"):
            seen += 1
            assert response.headers["cache-control"] == "no-store", path
            assert "etag" not in response.headers and "last-modified" not in response.headers
    assert seen >= 4


async def test_logging_out_ends_the_session_and_clears_the_cookie(client: Client) -> None:
    await _log_in(client, "leaving@example.org")
    old_session = client.cookies[SESSION_COOKIE]
    response = await client.post("/logout", data={"_csrf_token": client.cookies[CSRF_COOKIE]}, follow_redirects=False)
    cleared = [c for c in response.headers.get_list("set-cookie") if c.startswith(f"{SESSION_COOKIE}=")]
    assert cleared and ("Max-Age=0" in cleared[0] or "max-age=0" in cleared[0].lower())
    assert SESSION_COOKIE not in client.cookies
    client.cookies.set(SESSION_COOKIE, old_session)  # replaying the old id finds nothing
    assert (await client.get("/me/profile", follow_redirects=False)).status_code in (302, 401)


async def test_a_form_token_from_someone_else_is_refused(app: Litestar) -> None:
    async with (
        AsyncTestClient(app=app, base_url="http://127.0.0.1:8000") as victim,
        AsyncTestClient(app=app, base_url="http://127.0.0.1:8000") as attacker,
    ):
        await _log_in(victim, "victim@example.org")
        await _log_in(attacker, "attacker@example.org")
        own = await victim.post(
            "/me/profile",
            data={"display_name": "Victim", "_csrf_token": victim.cookies[CSRF_COOKIE]},
            follow_redirects=False,
        )
        assert own.status_code == 302

        attackers_token = attacker.cookies[CSRF_COOKIE]
        victim.cookies.set(CSRF_COOKIE, attackers_token)  # planted (a sibling subdomain can set cookies)
        forged = await victim.post(
            "/me/profile", data={"display_name": "Pwned", "_csrf_token": attackers_token}, follow_redirects=False
        )
        assert forged.status_code == 403 and "expired" in forged.text

        attacker.cookies.clear()
        await attacker.get("/login")
        visitors_token = attacker.cookies[CSRF_COOKIE]
        victim.cookies.set(CSRF_COOKIE, visitors_token)  # a visitor's token does not work in a session either
        forged = await victim.post(
            "/me/profile", data={"display_name": "Pwned", "_csrf_token": visitors_token}, follow_redirects=False
        )
        assert forged.status_code == 403
        victim.cookies.delete(CSRF_COOKIE)
        assert "Pwned" not in (await victim.get("/me/profile")).text


async def test_logging_in_replaces_the_visitors_token(client: Client) -> None:
    await client.get("/login")
    before = client.cookies[CSRF_COOKIE]
    await _log_in(client, "fresh@example.org")
    assert client.cookies[CSRF_COOKIE] != before
    stale = await client.post(
        "/me/profile", data={"display_name": "Stale", "_csrf_token": before}, follow_redirects=False
    )
    assert stale.status_code == 403


async def _log_in(client: Client, email: str) -> None:
    await client.get("/register")
    response = await client.post(
        "/register",
        data={
            "email": email,
            "display_name": email.split("@")[0],
            "password": PASSWORD,
            "_csrf_token": client.cookies[CSRF_COOKIE],
        },
        follow_redirects=False,
    )
    assert response.status_code == 302, response.text


def _session_files(var_dir: Path) -> list[Path]:
    folder = var_dir / "sessions"
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


async def test_a_form_token_that_is_not_ascii_is_simply_refused(client: Client) -> None:
    await client.get("/login")
    planted = f"{CSRF_COOKIE}={'é' * 96}".encode("latin-1")  # as a planted cookie's bytes arrive
    client.cookies.clear()
    page = await client.get("/", headers={"cookie": planted})  # the page still opens, with a fresh token
    assert page.status_code == 200 and page.headers["set-cookie"].startswith(f"{CSRF_COOKIE}=")
    await client.get("/login")
    refused = await client.post("/login", data={"email": "a@b.org", "password": "x" * 12, "_csrf_token": "é"})
    assert refused.status_code == 403
    header = await client.post(
        "/login", data={"email": "a@b.org", "password": "x" * 12}, headers={"x-csrftoken": "é".encode()}
    )
    assert header.status_code == 403


async def test_a_missing_file_or_picture_never_replaces_a_logged_in_persons_token(client: Client) -> None:
    await _log_in(client, "keeps@example.org")
    await client.get("/me/profile")
    token = client.cookies[CSRF_COOKIE]
    for path in ("/avatars/0.svg", "/static/missing.css", "/static/hallway.css"):
        response = await client.get(path)
        assert "set-cookie" not in response.headers, path
    saved = await client.post(
        "/me/profile", data={"display_name": "Still me", "_csrf_token": token}, follow_redirects=False
    )
    assert saved.status_code == 302
