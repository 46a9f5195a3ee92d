"""Abuse limits: registrations, searches and uploads answer 429 once over their limit, across workers too."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace
from datetime import date

import httpx
from litestar import Litestar
from litestar.testing import AsyncTestClient

from archive.recordings import wav_bytes
from events.releases import publish_release
from server.accounts import account_id_by_email
from server.ratelimit import SEARCHES_PER_MINUTE, UPLOADS_PER_HOUR
from server.settings import Settings
from tests.accounts_flow import log_in
from tests.events.factories import local, make_event, make_session
from tests.hallway_process import HallwayServer, hallway_env, prepare_site
from tests.services import require_redis

Client = AsyncTestClient[Litestar]


async def register(client: Client, number: int) -> httpx.Response:
    await client.get("/register")
    return await client.post(
        "/register",
        data={
            "email": f"person{number}-{uuid.uuid4().hex[:6]}@library.org",
            "display_name": f"Person {number}",
            "password": "correct horse battery",
            "_csrf_token": client.cookies["hallway_csrf"],
        },
        follow_redirects=False,
    )


async def test_registrations_from_one_address_are_limited(settings: Settings, sqlite_engine: object) -> None:
    from server.app import build_litestar_app

    app = build_litestar_app(replace(settings, registrations_per_hour=3))
    async with AsyncTestClient(app=app) as client:
        assert [(await register(client, n)).status_code for n in range(3)] == [302, 302, 302]
        refused = await register(client, 4)
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 3000
    assert "Too many registrations" in refused.text


async def test_searches_from_one_address_are_limited(client: Client) -> None:
    for _ in range(SEARCHES_PER_MINUTE):
        assert (await client.get("/api/v1/archive/search", params={"q": "contu"})).status_code == 200
    refused = await client.get("/api/v1/archive/search", params={"q": "contu"})
    assert refused.status_code == 429 and refused.json()["detail"].startswith("Too many searches")
    assert (await client.get("/archive/search", params={"q": "contu"})).status_code == 429


async def _organiser_upload(client: Client) -> tuple[str, dict[str, str]]:
    """An organiser logged in with a published session: where to upload, and the headers to send."""
    await log_in(client, "org@library.org", "Olu Organiser")
    event_id = await make_event(organiser_id=await account_id_by_email("org@library.org"), start=date(2026, 3, 27))
    guid = await make_session(event_id, "Talk", local(date(2026, 3, 27), 10))
    await publish_release(event_id)
    return (
        f"/events/ill-days/manage/archive/{guid}/upload",
        {"x-csrftoken": client.cookies["hallway_csrf"], "accept": "application/json"},
    )


async def test_uploads_per_account_are_limited_and_a_refused_upload_keeps_nothing(
    app: Litestar, client: Client
) -> None:
    upload, headers = await _organiser_upload(client)
    small = wav_bytes(0.01)
    for _ in range(UPLOADS_PER_HOUR):
        assert (await client.post(upload, params={"kind": "audio"}, content=small, headers=headers)).status_code == 201
    stored = sorted(p for p in app.state.settings.media_root.rglob("*") if p.is_file())
    refused = await client.post(upload, params={"kind": "audio"}, content=small, headers=headers)
    assert refused.status_code == 429
    assert sorted(p for p in app.state.settings.media_root.rglob("*") if p.is_file()) == stored


def test_the_limits_hold_across_workers_through_redis(tmp_path_factory: object) -> None:
    env = hallway_env(
        tmp_path_factory.mktemp("limits"),
        HALLWAY_REDIS_URL=require_redis(),  # type: ignore[attr-defined]
        HALLWAY_REDIS_PREFIX=f"limits-{uuid.uuid4().hex[:8]}",
        HALLWAY_REGISTRATIONS_PER_HOUR="6",
    )
    prepare_site(env)
    server = HallwayServer(env, workers=2).start()
    try:
        statuses = []
        for number in range(8):
            with httpx.Client(base_url=server.url) as client:  # a new connection each time: any worker may answer
                client.get("/register")
                statuses.append(
                    client.post(
                        "/register",
                        data={
                            "email": f"p{number}@library.org",
                            "display_name": "P",
                            "password": "correct horse battery",
                            "_csrf_token": client.cookies["hallway_csrf"],
                        },
                    ).status_code
                )
        assert statuses[:6] == [302] * 6 and statuses[6:] == [429, 429]
    finally:
        server.stop()


async def test_searching_never_uses_up_registrations(settings: Settings, sqlite_engine: object) -> None:
    from server.app import build_litestar_app

    app = build_litestar_app(replace(settings, registrations_per_hour=3))
    async with AsyncTestClient(app=app) as client:
        for _ in range(SEARCHES_PER_MINUTE):
            await client.get("/api/v1/archive/search", params={"q": "contu"})
        assert (await client.get("/api/v1/archive/search", params={"q": "contu"})).status_code == 429
        assert (await register(client, 1)).status_code == 302


async def _log_in(client: Client, email: str, password: str) -> httpx.Response:
    client.cookies.clear()
    await client.get("/login")
    return await client.post(
        "/login",
        data={"email": email, "password": password, "_csrf_token": client.cookies["hallway_csrf"]},
        follow_redirects=False,
    )


async def test_a_venue_behind_one_address_logs_in_while_three_people_mistype(client: Client) -> None:
    """Fifty people share the conference Wi-Fi's address; three of them get their passwords wrong."""
    people = [f"attendee{n}@library.org" for n in range(50)]
    for number, email in enumerate(people):
        await client.get("/register")
        created = await client.post(
            "/register",
            data={
                "email": email,
                "display_name": f"Attendee {number}",
                "password": "correct horse battery",
                "_csrf_token": client.cookies["hallway_csrf"],
            },
        )
        assert created.status_code in (200, 302)
    mistyping = people[:3]
    for email in mistyping:
        answers = [(await _log_in(client, email, "wrong guess")).status_code for _ in range(6)]
        assert answers == [400] * 5 + [429], (email, answers)
    for email in people[3:]:
        assert (await _log_in(client, email, "correct horse battery")).status_code == 302, email
    waiting = await _log_in(client, mistyping[0], "correct horse battery")
    assert waiting.status_code == 429 and "Try again in about 15 minutes" in waiting.text
    assert 800 < int(waiting.headers["retry-after"]) <= 900


def test_a_stranger_elsewhere_cannot_lock_the_owner_out(tmp_path_factory: object) -> None:
    env = hallway_env(tmp_path_factory.mktemp("lockout"), HALLWAY_TRUSTED_PROXIES="127.0.0.1")  # type: ignore[attr-defined]
    prepare_site(env)
    server = HallwayServer(env).start()

    def log_in(address: str, password: str) -> int:
        with httpx.Client(base_url=server.url, headers={"x-forwarded-for": address}) as browser:
            browser.get("/login")
            return browser.post(
                "/login",
                data={
                    "email": "owner@library.org",
                    "password": password,
                    "_csrf_token": browser.cookies["hallway_csrf"],
                },
            ).status_code

    try:
        with httpx.Client(base_url=server.url) as owner:
            owner.get("/register")
            owner.post(
                "/register",
                data={
                    "email": "owner@library.org",
                    "display_name": "Owner",
                    "password": "correct horse battery",
                    "_csrf_token": owner.cookies["hallway_csrf"],
                },
            )
        assert log_in("198.51.100.7", "correct horse battery") == 302  # the owner at their library, as every day
        strangers = [log_in(f"203.0.113.{n // 5 + 1}", "guess") for n in range(25)]
        # Five guesses from each of five addresses: after twenty on the account, an address that already
        # guessed waits (the fifth address had one guess before that).
        assert strangers == [400] * 21 + [429] * 4
        assert log_in("203.0.113.1", "guess") == 429  # an address that guessed waits
        assert log_in("198.51.100.7", "mistyped") == 400  # the owner mistypes once, at their usual place...
        assert log_in("198.51.100.7", "correct horse battery") == 302  # ...and still gets in
    finally:
        server.stop()


def test_simultaneous_guesses_meet_the_limit_like_a_series_does(tmp_path_factory: object) -> None:
    """The check and the count are one step: a burst of parallel guesses cannot slip past the slow hash."""
    env = hallway_env(tmp_path_factory.mktemp("burst"))  # type: ignore[attr-defined]
    prepare_site(env)
    server = HallwayServer(env).start()
    try:
        with httpx.Client(base_url=server.url) as owner:
            owner.get("/register")
            owner.post(
                "/register",
                data={
                    "email": "target@library.org",
                    "display_name": "Target",
                    "password": "correct horse battery",
                    "_csrf_token": owner.cookies["hallway_csrf"],
                },
            )

        async def burst() -> list[int]:
            async with httpx.AsyncClient(base_url=server.url, timeout=60) as browser:
                await browser.get("/login")
                token = browser.cookies["hallway_csrf"]

                async def guess(number: int) -> int:
                    answer = await browser.post(
                        "/login",
                        data={"email": "target@library.org", "password": f"guess {number}", "_csrf_token": token},
                    )
                    return answer.status_code

                return list(await asyncio.gather(*(guess(n) for n in range(30))))

        answers = asyncio.run(burst())
        assert answers.count(400) == 5 and answers.count(429) == 25
    finally:
        server.stop()


async def test_each_account_has_a_daily_allowance_of_uploaded_bytes(app: Litestar, client: Client) -> None:
    from server.ratelimit import AbuseLimits

    app.state.abuse = AbuseLimits.in_store(app.stores.get("rate_limits"), 1000, upload_bytes_per_day=100_000)
    upload, headers = await _organiser_upload(client)
    recording = wav_bytes(2)  # about 32 KB: three fit in 100 KB, the fourth does not
    answers = [
        await client.post(upload, params={"kind": "audio"}, content=recording, headers=headers) for _ in range(4)
    ]
    assert [a.status_code for a in answers] == [201, 201, 201, 429]
    assert "daily allowance" in answers[3].json()["detail"]
    stored = [p for p in app.state.settings.media_root.rglob("*") if p.is_file()]
    assert len(stored) == 3  # the refused one left nothing behind
