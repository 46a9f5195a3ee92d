"""PostgreSQL is restarted under a running Hallway: requests get 503 (not 500) while it is down,
nothing is half-written, and Hallway recovers by itself when the database is back."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Iterator

import asyncpg
import httpx
import pytest

from tests.hallway_process import HallwayServer, hallway_env, prepare_site
from tests.private_postgres import PrivatePostgres

EVENT_PAGE = "/events/resource-sharing-forum/"


@pytest.fixture
def postgres_of_our_own() -> Iterator[PrivatePostgres]:
    cluster = PrivatePostgres().create()
    yield cluster
    cluster.remove()


async def test_a_restart_is_a_503_while_down_and_hallway_recovers(
    postgres_of_our_own: PrivatePostgres, tmp_path: Path
) -> None:
    cluster = postgres_of_our_own
    env = hallway_env(tmp_path / "site", HALLWAY_DATABASE_URL=cluster.url)
    prepare_site(env)
    server = HallwayServer(env).start()
    try:
        async with httpx.AsyncClient(base_url=server.url) as client:
            assert (await client.get(EVENT_PAGE)).status_code == 200
            await client.get("/register")
            token = client.cookies["hallway_csrf"]

            cluster.stop()
            down = await client.get(EVENT_PAGE)
            api = await client.get("/api/v1/events/resource-sharing-forum")
            write = await client.post(
                "/register",
                data={
                    "email": "during@library.org",
                    "display_name": "D",
                    "password": "correct horse battery",
                    "_csrf_token": token,
                },
            )
            ready = await client.get("/readyz")
            cluster.start()

            assert down.status_code == 503 and down.headers["retry-after"] == "10"
            assert "The database is not answering" in down.text
            assert api.status_code == 503 and write.status_code == 503 and ready.status_code == 503
            deadline = time.monotonic() + 20
            while (await client.get(EVENT_PAGE)).status_code != 200:
                assert time.monotonic() < deadline, "Hallway did not recover when the database came back"
                await asyncio.sleep(0.5)
            assert (await client.get("/readyz")).status_code == 200
            after = await client.post(
                "/register",
                data={
                    "email": "after@library.org",
                    "display_name": "A",
                    "password": "correct horse battery",
                    "_csrf_token": client.cookies["hallway_csrf"],
                },
            )
            assert after.status_code == 302
        check = await asyncpg.connect(cluster.url)
        try:
            emails = {
                row["email"]
                for row in await check.fetch(
                    "SELECT email FROM piccolo_user WHERE email IN ('during@library.org', 'after@library.org')"
                )
            }
        finally:
            await check.close()
        assert emails == {"after@library.org"}  # the registration refused during the outage left nothing
    finally:
        server.stop()
