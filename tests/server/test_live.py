"""The live layer against real ``hallway serve`` processes, as browsers and workers meet it."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any, AsyncIterator, Iterator

import httpx
import pytest
import socketio

from tests.accounts_flow import CSRF_COOKIE, cookie_header, login, register
from tests.hallway_process import HallwayServer, hallway_env, prepare_site, run_hallway
from tests.services import require_redis

ADMIN_PASSWORD = "admin password 123"


@pytest.fixture(scope="module")
def site_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    env = hallway_env(tmp_path_factory.mktemp("live"))
    prepare_site(env)
    return env


@pytest.fixture(scope="module")
def server(site_env: dict[str, str]) -> Iterator[HallwayServer]:
    hallway = HallwayServer(site_env).start()
    yield hallway
    hallway.stop()


@pytest.fixture
async def connect() -> AsyncIterator[Any]:
    clients: list[socketio.AsyncClient] = []

    async def open_socket(url: str, cookie: str | None = None) -> socketio.AsyncClient:
        client = socketio.AsyncClient(reconnection=False)
        headers = {"Cookie": cookie} if cookie else {}
        await client.connect(url, headers=headers, transports=["websocket"], wait_timeout=10)
        clients.append(client)
        return client

    yield open_socket
    for client in clients:
        await client.disconnect()


async def test_a_logged_in_socket_is_its_user(server: HallwayServer, connect: Any) -> None:
    cookies = await register(server.url, f"ada-{uuid.uuid4().hex[:6]}@library.org", "Ada Okafor")

    socket = await connect(server.url, cookie_header(cookies))

    identity = await socket.call("whoami", timeout=5)
    assert identity["guest"] is False and identity["display_name"] == "Ada Okafor"
    assert isinstance(identity["user_id"], int)


async def test_a_socket_without_a_session_is_a_guest(server: HallwayServer, connect: Any) -> None:
    socket = await connect(server.url)

    assert await socket.call("whoami", timeout=5) == {
        "user_id": None,
        "display_name": "Guest",
        "guest": True,
        "admin": False,
    }


@pytest.mark.parametrize("cookie", ["hallway_session=" + "ab" * 32, "hallway_session=null", 'hallway_session="x;;'])
async def test_a_forged_or_broken_session_cookie_is_a_guest(server: HallwayServer, connect: Any, cookie: str) -> None:
    socket = await connect(server.url, cookie)

    assert (await socket.call("whoami", timeout=5))["guest"] is True


async def test_a_logged_out_session_no_longer_identifies_the_socket(server: HallwayServer, connect: Any) -> None:
    cookies = await register(server.url, f"ada-{uuid.uuid4().hex[:6]}@library.org", "Ada Okafor")
    async with httpx.AsyncClient(base_url=server.url, cookies=cookies) as client:
        response = await client.post("/logout", data={"_csrf_token": cookies[CSRF_COOKIE]})
        assert response.status_code == 302

    socket = await connect(server.url, cookie_header(cookies))

    assert (await socket.call("whoami", timeout=5))["guest"] is True


async def test_polling_transport_is_refused_so_any_worker_can_serve_any_client(server: HallwayServer) -> None:
    response = httpx.get(f"{server.url}/socket.io/?EIO=4&transport=polling")

    assert response.status_code == 400


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[HallwayServer, HallwayServer]]:
    """Two ``hallway serve`` processes sharing one database and one Redis, as on two hosts."""
    redis_url = require_redis()
    env = hallway_env(
        tmp_path_factory.mktemp("workers"),
        HALLWAY_REDIS_URL=redis_url,
        HALLWAY_REDIS_PREFIX=f"hallway-test-{uuid.uuid4().hex[:8]}",
    )
    prepare_site(env)
    created = run_hallway(
        env,
        "createuser",
        "--admin",
        "--email",
        "admin@library.org",
        "--name",
        "Conference desk",
        "--password-stdin",
        stdin=ADMIN_PASSWORD + "\n",
    )
    assert created.returncode == 0, created.stderr
    first, second = HallwayServer(env).start(), HallwayServer(env).start()
    yield first, second
    first.stop()
    second.stop()


async def test_an_announcement_made_on_one_worker_reaches_a_client_on_the_other(
    two_workers: tuple[HallwayServer, HallwayServer], connect: Any
) -> None:
    first, second = two_workers
    received: asyncio.Queue[dict[str, str]] = asyncio.Queue()
    listener = await connect(second.url)
    listener.on("announcement", received.put_nowait)

    admin = await login(first.url, "admin@library.org", ADMIN_PASSWORD)
    async with httpx.AsyncClient(base_url=first.url, cookies=admin) as client:
        response = await client.post(
            "/admin/announcements",
            data={"text": "Keynote moves to the Prairie Ballroom", "_csrf_token": admin[CSRF_COOKIE]},
        )
    assert response.status_code == 302

    announcement = await asyncio.wait_for(received.get(), timeout=10)
    assert announcement == {"text": "Keynote moves to the Prairie Ballroom", "author": "Conference desk"}


async def test_a_session_made_on_one_worker_is_known_to_the_other(
    two_workers: tuple[HallwayServer, HallwayServer], connect: Any
) -> None:
    first, second = two_workers
    cookies = await login(first.url, "admin@library.org", ADMIN_PASSWORD)

    socket = await connect(second.url, cookie_header(cookies))

    assert (await socket.call("whoami", timeout=5))["display_name"] == "Conference desk"


async def test_readiness_includes_redis_when_it_is_configured(two_workers: tuple[HallwayServer, HallwayServer]) -> None:
    assert httpx.get(two_workers[0].url + "/readyz").json() == {
        "status": "ready",
        "checks": {"database": True, "redis": True},
    }


async def test_serve_with_several_workers_answers_on_one_port(
    two_workers: tuple[HallwayServer, HallwayServer], connect: Any
) -> None:
    env = dict(two_workers[0].env)
    pooled = HallwayServer(env, workers=2).start()
    try:
        sockets = [await connect(pooled.url) for _ in range(4)]
        identities = [await socket.call("whoami", timeout=5) for socket in sockets]
        assert all(identity["guest"] for identity in identities)
    finally:
        pooled.stop()


async def test_logging_out_ends_what_an_open_socket_may_do(server: HallwayServer, connect: Any) -> None:
    cookies = await register(server.url, f"leaving-{uuid.uuid4().hex[:6]}@library.org", "Leaving Soon")
    socket = await connect(server.url, cookie_header(cookies))
    assert (await socket.call("whoami", timeout=5))["guest"] is False

    async with httpx.AsyncClient(base_url=server.url, cookies=cookies) as client:
        await client.post("/logout", data={"_csrf_token": cookies[CSRF_COOKIE]})

    assert (await socket.call("whoami", timeout=5))["guest"] is True
