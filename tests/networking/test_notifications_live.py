"""A notification reaches every open page of its recipient at once."""

from __future__ import annotations

import asyncio
import uuid

import socketio

from tests.accounts_flow import CSRF_COOKIE, cookie_header, register
from tests.hallway_process import HallwayServer
from tests.networking.conftest import http


async def test_a_request_to_connect_shows_up_live_on_the_recipients_page(server: HallwayServer) -> None:
    bea = await register(server.url, f"bea-{uuid.uuid4().hex[:6]}@library.org", "Bea")
    async with http(server, bea) as client:
        await client.post("/me/profile", data={"display_name": "Bea", "listed": "on", "_csrf_token": bea[CSRF_COOKIE]})
        bea_id = int((await client.get("/me/profile")).text.split("/avatars/")[1].split(".")[0])
    received: asyncio.Queue[dict] = asyncio.Queue()
    page = socketio.AsyncClient(reconnection=False)
    page.on("notification", received.put_nowait)
    await page.connect(server.url, headers={"Cookie": cookie_header(bea)}, transports=["websocket"])

    ada = await register(server.url, f"ada-{uuid.uuid4().hex[:6]}@library.org", "Ada")
    async with http(server, ada) as client:
        await client.post(f"/people/{bea_id}/connect", data={"message": "hello", "_csrf_token": ada[CSRF_COOKIE]})

    notification = await asyncio.wait_for(received.get(), 10)
    await page.disconnect()
    assert notification == {
        "kind": "connection-request",
        "text": "Ada would like to connect with you.",
        "link": "/me/connections/",
        "unread": 1,
    }
