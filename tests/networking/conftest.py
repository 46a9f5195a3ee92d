"""Real Hallway servers with the demo's rooms, people logged in over HTTP, and socket.io clients on /rooms."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Iterator

import httpx
import pytest
import socketio

from events.access import event_access
from events.demo import DEMO_SLUG
from networking.rooms import RoomInput, create_room, room_by_slug
from server.database import engine_from_url, use_engine
from tests.accounts_flow import cookie_header, register
from tests.hallway_process import HallwayServer, demo_server, run_hallway

NAMESPACE = "/rooms"


@dataclass
class Person:
    """Someone with an account and a socket in the rooms namespace, who remembers what the server told them."""

    name: str
    email: str
    client: socketio.AsyncClient
    events: dict[str, asyncio.Queue[Any]] = field(default_factory=dict)
    cookies: httpx.Cookies | None = None  # their browser's, for the HTTP pages

    async def call(self, event: str, data: Any) -> dict[str, Any]:
        return await self.client.call(event, data, namespace=NAMESPACE, timeout=10)

    async def next(self, event: str, timeout: float = 10) -> Any:
        return await asyncio.wait_for(self.events[event].get(), timeout)

    def drain(self, event: str) -> list[Any]:
        items = []
        while not self.events[event].empty():
            items.append(self.events[event].get_nowait())
        return items


LISTENED = (
    "presence",
    "message",
    "message_deleted",
    "typing",
    "moderation",
    "removed",
    "admitted",
    "occupancy",
    "speed_group",
    "speed_round",
    "speed_round_over",
)


async def open_socket(url: str, cookie: str | None, name: str = "Guest", email: str = "") -> Person:
    client = socketio.AsyncClient(reconnection=False)
    person = Person(name, email, client, {event: asyncio.Queue() for event in LISTENED})
    for event in LISTENED:
        client.on(event, person.events[event].put_nowait, namespace=NAMESPACE)
    await client.connect(
        url,
        namespaces=[NAMESPACE],
        headers={"Cookie": cookie} if cookie else {},
        transports=["websocket"],
        wait_timeout=10,
    )
    return person


@pytest.fixture
async def people() -> AsyncIterator[Any]:
    """``await people(server, "Ada")`` registers Ada over HTTP and connects her socket."""
    opened: list[Person] = []

    async def make(server: HallwayServer, name: str | None = None) -> Person:
        if name is None:
            person = await open_socket(server.url, None)
        else:
            email = f"{name.lower().replace(' ', '.')}-{uuid.uuid4().hex[:6]}@library.org"
            cookies = await register(server.url, email, name)
            person = await open_socket(server.url, cookie_header(cookies), name, email)
            person.cookies = cookies
        opened.append(person)
        return person

    yield make
    for person in opened:
        if person.client.connected:
            await person.client.disconnect()


def grant(server: HallwayServer, person: Person, role: str = "organiser", event: str = DEMO_SLUG) -> None:
    result = run_hallway(server.env, "grant", event, person.email, "--role", role)
    assert result.returncode == 0, result.stderr


async def add_room(server: HallwayServer, slug: str, *, capacity: int | None = None, event: str = DEMO_SLUG) -> int:
    """Create a room in the server's database through the networking functions."""
    use_engine(engine_from_url(server.env["HALLWAY_DATABASE_URL"]))
    access = await event_access(event, None)
    room = await room_by_slug(access.event_id, slug) or await create_room(
        access.event_id, RoomInput(name=slug.replace("-", " ").title(), slug=slug, capacity=capacity)
    )
    return room.id


async def demo_room(server: HallwayServer, slug: str = "main-lounge") -> int:
    use_engine(engine_from_url(server.env["HALLWAY_DATABASE_URL"]))
    return (await room_by_slug((await event_access(DEMO_SLUG, None)).event_id, slug)).id


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HallwayServer]:
    with demo_server(tmp_path_factory.mktemp("rooms")) as hallway:
        yield hallway


def http(server: HallwayServer, cookies: httpx.Cookies | None = None) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=server.url, cookies=cookies)
