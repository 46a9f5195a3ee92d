"""Every response carries the security headers; cookies are HttpOnly, SameSite and, behind HTTPS, Secure."""

from __future__ import annotations

from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from server.settings import load_settings

Client = AsyncTestClient[Litestar]


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/login",
        "/no-such-page",
        "/static/hallway.css",
        "/api/v1/events",
        "/schema/openapi.json",
        "/archive/",
        "/oai?verb=Identify",
    ],
)
async def test_pages_api_errors_and_files_all_carry_the_headers(client: Client, path: str) -> None:
    headers = (await client.get(path)).headers
    policy = headers["content-security-policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'self'" in policy and "object-src 'none'" in policy
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert headers["x-frame-options"] == "SAMEORIGIN"


async def test_embeddable_players_may_be_framed_anywhere(client: Client) -> None:
    headers = (await client.get("/a/anything/embed")).headers
    assert "frame-ancestors *" in headers["content-security-policy"] and "x-frame-options" not in headers


async def test_cookies_are_http_only_and_same_site(client: Client) -> None:
    cookies = (await client.get("/login")).headers.get_list("set-cookie")
    assert {c.split("=")[0] for c in cookies} == {"hallway_csrf"}  # a visitor has no session until one is needed
    response = await client.post(
        "/register",
        follow_redirects=False,
        data={
            "email": "cookie-flags@example.org",
            "display_name": "Flags",
            "password": "correct horse battery",
            "_csrf_token": client.cookies["hallway_csrf"],
        },
    )
    cookies += response.headers.get_list("set-cookie")
    assert {c.split("=")[0] for c in cookies} == {"hallway_csrf", "hallway_session"}
    assert all("HttpOnly" in c and "SameSite=lax" in c and "Secure" not in c for c in cookies)


async def test_cookies_are_secure_behind_https(tmp_path: Path, var_dir: Path, sqlite_engine: object) -> None:
    from server.app import build_litestar_app

    settings = load_settings(
        {
            "HALLWAY_VAR_DIR": str(tmp_path),
            "HALLWAY_BASE_URL": "https://hallway.example.org",
            "HALLWAY_DATABASE_URL": f"sqlite:///{var_dir / 'test.sqlite3'}",
            "HALLWAY_SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        }
    )
    async with AsyncTestClient(app=build_litestar_app(settings), base_url="https://hallway.example.org") as client:
        cookies = (await client.get("/login")).headers.get_list("set-cookie")
    assert cookies and all("Secure" in c and "HttpOnly" in c for c in cookies)


@pytest.mark.parametrize(
    "path",
    ["/events/ill-days/sessions/embed", "/events/ill-days/lounge/embed", "/topics/embed", "/a/x/embed/more", "/embed"],
)
async def test_only_the_archive_player_may_be_framed_by_other_sites(client: Client, path: str) -> None:
    headers = (await client.get(path)).headers
    assert "frame-ancestors 'self'" in headers["content-security-policy"] and headers["x-frame-options"] == "SAMEORIGIN"
