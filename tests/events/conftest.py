"""Fixtures for programme pages: a published demo and logged-in clients."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from events.demo import load_demo
from tests.accounts_flow import confirmation_path

PASSWORD = "correct horse battery"


async def log_in(client: AsyncTestClient[Litestar], email: str, name: str = "Someone", *, create: bool = True) -> None:
    """Register (or log in) through the pages, as a person would."""
    await client.get("/login")
    token = client.cookies["hallway_csrf"]
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
    if "hallway_csrf" not in client.cookies:
        await client.get("/login")
    return await client.post(
        path, data={**(data or {}), "_csrf_token": client.cookies["hallway_csrf"]}, follow_redirects=False, **kwargs
    )


@pytest.fixture
async def demo(app: Litestar) -> None:
    await load_demo(today=date(2027, 3, 9))
