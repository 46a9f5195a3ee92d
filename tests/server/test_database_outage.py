"""PostgreSQL goes away under a running Hallway: requests get 503 (not 500), nothing is half-written,
and Hallway recovers by itself when the database is back."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import asyncpg
import httpx

from tests.conftest import temporary_postgres_database
from tests.hallway_process import HallwayServer, hallway_env, prepare_site
from tests.services import require_postgres


async def take_down(admin_url: str, database: str, allow: bool) -> None:
    admin = await asyncpg.connect(admin_url)
    try:
        await admin.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS {"true" if allow else "false"}')
        if not allow:
            await admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", database)
    finally:
        await admin.close()


async def test_an_outage_is_a_503_and_hallway_recovers(tmp_path: Path) -> None:
    admin_url = require_postgres()
    async with temporary_postgres_database() as url:
        database = url.rsplit("/", 1)[1]
        env = hallway_env(tmp_path, HALLWAY_DATABASE_URL=url)
        prepare_site(env)
        server = HallwayServer(env).start()
        try:
            async with httpx.AsyncClient(base_url=server.url) as client:
                assert (await client.get("/events/resource-sharing-forum/")).status_code == 200
                await client.get("/register")
                token = client.cookies["hallway_csrf"]
                await take_down(admin_url, database, allow=False)
                down = await client.get("/events/resource-sharing-forum/")
                assert down.status_code == 503 and down.headers["retry-after"] == "10"
                assert "The database is not answering" in down.text
                api = await client.get("/api/v1/events/resource-sharing-forum")
                assert api.status_code == 503
                write = await client.post("/register", data={"email": "during@library.org", "display_name": "D",
                                                              "password": "correct horse battery", "_csrf_token": token})
                assert write.status_code == 503
                assert (await client.get("/readyz")).status_code == 503

                await take_down(admin_url, database, allow=True)
                deadline = time.monotonic() + 20
                while (await client.get("/events/resource-sharing-forum/")).status_code != 200:
                    assert time.monotonic() < deadline, "Hallway did not recover when the database came back"
                    await asyncio.sleep(0.5)
                assert (await client.get("/readyz")).status_code == 200
            check = await asyncpg.connect(url)
            try:
                assert await check.fetchval("SELECT count(*) FROM piccolo_user WHERE email = 'during@library.org'") == 0
            finally:
                await check.close()
        finally:
            server.stop()
            await take_down(admin_url, database, allow=True)
