"""Register and log in over HTTP against a running server, returning the session cookie."""

from __future__ import annotations

import re

import httpx

from server.auth import SESSION_COOKIE

CSRF_COOKIE = "hallway_csrf"


async def register(base_url: str, email: str, name: str, password: str = "correct horse battery") -> httpx.Cookies:
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
