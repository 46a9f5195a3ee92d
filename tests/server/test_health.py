"""Health says the process is up; readiness says it can reach what it needs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar.testing import AsyncTestClient
from piccolo.engine.base import Engine

from server.settings import Settings, load_settings
from tests.services import free_port


async def test_health_and_readiness_answer_json(client: AsyncTestClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    assert (await client.get("/readyz")).json() == {"status": "ready", "checks": {"database": True}}


async def test_an_unreachable_redis_makes_the_site_unready(
    settings: Settings, sqlite_engine: Engine, tmp_path: Path
) -> None:
    from server.app import build_litestar_app

    env = {
        "HALLWAY_VAR_DIR": str(tmp_path),
        "HALLWAY_DATABASE_URL": settings.database_url,
        "HALLWAY_REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",
        "HALLWAY_SECRET_KEY": settings.secret_key,
    }
    app = build_litestar_app(load_settings(env))
    async with AsyncTestClient(app=app) as client:
        response = await client.get("/readyz")
        health = await client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "checks": {"database": True, "redis": False}}
    assert health.status_code == 200


async def test_robots_keep_crawlers_out_of_endless_searches_and_private_pages(client: Any) -> None:
    response = await client.get("/robots.txt")
    assert response.status_code == 200 and response.headers["content-type"] == "text/plain; charset=utf-8"
    rules = [line.split(":", 1)[1].strip() for line in response.text.splitlines() if line.startswith("Disallow:")]
    assert {"/archive/search", "/api/", "/me/", "/admin/"} <= set(rules)
    assert "set-cookie" not in response.headers
