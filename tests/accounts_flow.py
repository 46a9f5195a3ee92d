"""The one place tests register and log in, as a person would: through the pages.

``log_in`` and ``post`` drive the in-process client; ``register`` and ``login`` a running server over
HTTP (returning its cookies); browser tests use ``tests/browser/conftest.register_in``, which fills the
same form in Chromium.
"""

from __future__ import annotations

import re

from typing import Any

import httpx
from litestar import Litestar
from litestar.testing import AsyncTestClient

from server.auth import SESSION_COOKIE

CSRF_COOKIE = "hallway_csrf"
PASSWORD = "correct horse battery"


async def register(base_url: str, email: str, name: str, password: str = PASSWORD) -> httpx.Cookies:
    async with httpx.AsyncClient(base_url=base_url) as client:
        await client.get("/register")
        response = await client.post(
            "/register",
            data={
                "email": email,
                "display_name": name,
                "password": password,
                "_csrf_token": client.cookies[CSRF_COOKIE],
            },
        )
        assert response.status_code in (201, 302, 303), response.text
        assert client.cookies.get(SESSION_COOKIE), "registration did not log the new account in"
        return client.cookies


async def login(base_url: str, email: str, password: str) -> httpx.Cookies:
    async with httpx.AsyncClient(base_url=base_url) as client:
        await client.get("/login")
        response = await client.post(
            "/login", data={"email": email, "password": password, "_csrf_token": client.cookies[CSRF_COOKIE]}
        )
        assert response.status_code in (201, 302, 303), response.text
        return client.cookies


async def confirmation_path(email: str) -> str:
    """The link in the newest confirmation mail waiting in the outbox for ``email`` (as its owner would click it)."""
    from server.tables import OutboxMail

    mail = (
        await OutboxMail.select(OutboxMail.body_text)
        .where((OutboxMail.to_address == email.strip().lower()) & OutboxMail.subject.like("Confirm your%"))
        .order_by(OutboxMail.id, ascending=False)
        .first()
    )
    assert mail is not None, f"no confirmation mail for {email}"
    return re.search(r"https?://[^/\s]+(/email/confirm/\S+)", mail["body_text"]).group(1)


def cookie_header(cookies: httpx.Cookies) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


async def log_in(client: AsyncTestClient[Litestar], email: str, name: str = "Someone", *, create: bool = True) -> None:
    """Register (or log in) through the pages of the in-process app, as a person would."""
    await client.get("/login")
    token = client.cookies[CSRF_COOKIE]
    path, data = (
        ("/register", {"email": email, "display_name": name, "password": PASSWORD})
        if create
        else ("/login", {"email": email, "password": PASSWORD})
    )
    response = await client.post(path, data={**data, "_csrf_token": token}, follow_redirects=False)
    assert response.status_code == 302, response.text
    if create:  # they open the link we mailed, as people settled in have
        await client.get(await confirmation_path(email))


async def post(client: AsyncTestClient[Litestar], path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    """A form post with the page's CSRF token, without following the redirect."""
    if CSRF_COOKIE not in client.cookies:
        await client.get("/login")
    return await client.post(
        path, data={**(data or {}), "_csrf_token": client.cookies[CSRF_COOKIE]}, follow_redirects=False, **kwargs
    )
