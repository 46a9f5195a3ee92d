"""The live Q&A against a real server: everyone watching sees the same thread, and a vote storm ends exact."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any, AsyncIterator, Iterator

import httpx
import pytest
import socketio

from events.demo import DEMO_SLUG
from tests.accounts_flow import CSRF_COOKIE, cookie_header, register
from tests.hallway_process import HallwayServer, demo_server, hallway_env, prepare_site, run_hallway

SESSION = "fifty-years-after-contu-copyright-guidelines-in-a-licensed-world"
WHERE = {"event": DEMO_SLUG, "session": SESSION}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HallwayServer]:
    with demo_server(tmp_path_factory.mktemp("qa")) as hallway:
        yield hallway


class Watcher:
    def __init__(self, client: socketio.AsyncClient, cookies: httpx.Cookies | None) -> None:
        self.client, self.cookies = client, cookies
        self.changes: asyncio.Queue[Any] = asyncio.Queue()
        self.counts: dict[str, int] = {}

    async def call(self, event: str, data: dict[str, Any]) -> dict[str, Any]:
        return await self.client.call(event, {**WHERE, **data}, namespace="/qa", timeout=15)


@pytest.fixture
async def watcher(server: HallwayServer) -> AsyncIterator[Any]:
    opened: list[Watcher] = []

    async def make(name: str | None = None) -> Watcher:
        cookies = await register(server.url, f"{uuid.uuid4().hex[:8]}@library.org", name) if name else None
        client = socketio.AsyncClient(reconnection=False)
        person = Watcher(client, cookies)
        client.on("thread_changed", person.changes.put_nowait, namespace="/qa")
        client.on("votes", lambda update: person.counts.update(update["counts"]), namespace="/qa")
        await client.connect(
            server.url,
            namespaces=["/qa"],
            transports=["websocket"],
            headers={"Cookie": cookie_header(cookies)} if cookies else {},
        )
        opened.append(person)
        return person

    yield make
    for person in opened:
        await person.client.disconnect()


async def test_a_question_asked_by_one_reaches_everyone_watching(watcher: Any) -> None:
    ada, ben, guest = await watcher("Ada"), await watcher("Ben"), await watcher()
    for person in (ada, ben, guest):
        assert (await person.call("watch", {}))["ok"]

    asked = await ada.call("ask", {"body": "Does CONTU still apply to e-journals?"})

    assert asked["ok"]
    await asyncio.wait_for(ben.changes.get(), 10)
    await asyncio.wait_for(guest.changes.get(), 10)
    seen = (await guest.call("thread", {}))["questions"]
    assert [q["body"] for q in seen if q["id"] == asked["id"]] == ["Does CONTU still apply to e-journals?"]
    assert (await guest.call("ask", {"body": "Me too"}))["error"] == "Log in to ask a question."


async def test_a_vote_storm_ends_with_exact_counts_everywhere(watcher: Any) -> None:
    asker = await watcher("Asker")
    await asker.call("watch", {})
    ids = [(await asker.call("ask", {"body": f"Storm question {n}"}))["id"] for n in range(5)]
    voters = [await watcher(f"Voter {n}") for n in range(24)]
    onlookers = [await watcher() for _ in range(5)]
    for person in onlookers:
        await person.call("watch", {})

    async def storm(person: Watcher, n: int) -> None:
        for question in ids:
            if (n + question) % 3:  # two thirds of the voters vote on each question, some twice
                await person.call("vote", {"question": question})
                if n % 4 == 0:
                    await person.call("vote", {"question": question})
        if n % 5 == 0:
            await person.call("vote", {"question": ids[0], "up": False})

    await asyncio.gather(*(storm(person, n) for n, person in enumerate(voters)))
    expected = {}
    for question in ids:
        expected[question] = sum(1 for n in range(24) if (n + question) % 3 and not (question == ids[0] and n % 5 == 0))

    await asyncio.sleep(1)
    final = {q["id"]: q["votes"] for q in (await asker.call("thread", {}))["questions"] if q["id"] in ids}
    assert final == expected
    for person in onlookers:
        assert {int(k): v for k, v in person.counts.items() if int(k) in ids} == expected


async def test_pre_moderation_over_the_socket_and_approval_from_the_page(server: HallwayServer, watcher: Any) -> None:
    mod_email = f"mod-{uuid.uuid4().hex[:6]}@library.org"
    moderator_cookies = await register(server.url, mod_email, "Mod")
    assert run_hallway(server.env, "grant", DEMO_SLUG, mod_email).returncode == 0
    async with httpx.AsyncClient(base_url=server.url, cookies=moderator_cookies) as client:
        await client.post(
            f"/events/{DEMO_SLUG}/qa-settings",
            data={"moderation": "pre", "who_may_ask": "logged_in", "_csrf_token": moderator_cookies[CSRF_COOKIE]},
        )
    asker, other = await watcher("Asker"), await watcher("Other")
    await other.call("watch", {})
    asked = await asker.call("ask", {"body": "Held for moderation?"})

    mine = [q for q in (await asker.call("thread", {}))["questions"] if q["id"] == asked["id"]]
    assert mine[0]["status"] == "awaiting"
    assert asked["id"] not in [q["id"] for q in (await other.call("thread", {}))["questions"]]
    while not other.changes.empty():
        other.changes.get_nowait()
    async with httpx.AsyncClient(base_url=server.url, cookies=moderator_cookies) as client:
        response = await client.post(
            f"/events/{DEMO_SLUG}/sessions/{SESSION}/questions/{asked['id']}/approve",
            data={"_csrf_token": moderator_cookies[CSRF_COOKIE]},
        )
        assert response.status_code == 302
        await client.post(
            f"/events/{DEMO_SLUG}/qa-settings",
            data={"moderation": "post", "who_may_ask": "logged_in", "_csrf_token": moderator_cookies[CSRF_COOKIE]},
        )
    await asyncio.wait_for(other.changes.get(), 10)
    assert asked["id"] in [q["id"] for q in (await other.call("thread", {}))["questions"]]


@pytest.mark.parametrize(
    ("event", "payload", "error"),
    [
        ("watch", {"event": 5}, "Watch a session first, or name the event and the session."),
        ("watch", {"session": "no-such-session"}, "There is no such session."),
        ("vote", {"question": "7"}, "Name a question by its number."),
        ("ask", {"body": "x" * 1001}, "A question can be at most 1000 characters."),
    ],
)
async def test_bad_payloads_get_error_acknowledgements(watcher: Any, event: str, payload: dict, error: str) -> None:
    ada = await watcher("Ada")

    answer = await ada.client.call(event, {**WHERE, **payload}, namespace="/qa", timeout=10)

    assert answer["ok"] is False and answer["error"] == error


async def test_the_live_and_presenter_pages_render(server: HallwayServer) -> None:
    async with httpx.AsyncClient(base_url=server.url) as client:
        live = await client.get(f"/events/{DEMO_SLUG}/sessions/{SESSION}/live/")
        present = await client.get(f"/events/{DEMO_SLUG}/sessions/{SESSION}/present/")

    assert live.status_code == 200 and 'data-mode="live"' in live.text
    assert present.status_code == 200 and "<svg" in present.text and f"/sessions/{SESSION}/live/" in present.text


async def test_poll_answers_over_the_socket_reach_everyone_watching(server: HallwayServer, watcher: Any) -> None:
    mod_email = f"pollmod-{uuid.uuid4().hex[:6]}@library.org"
    moderator = await register(server.url, mod_email, "Poll Mod")
    assert run_hallway(server.env, "grant", DEMO_SLUG, mod_email).returncode == 0
    base = f"/events/{DEMO_SLUG}/sessions/{SESSION}/questions/polls"
    async with httpx.AsyncClient(base_url=server.url, cookies=moderator) as client:
        token = moderator[CSRF_COOKIE]
        await client.post(
            base,
            data={
                "question": "Do you lend e-books?",
                "options": "Yes\nNo",
                "multiple": "",
                "results_live": "on",
                "_csrf_token": token,
            },
        )
    mod = await watcher("Watcher")
    poll_id = max(p["id"] for p in (await thread_as(server, moderator))["polls"])
    async with httpx.AsyncClient(base_url=server.url, cookies=moderator) as client:
        await client.post(f"{base}/{poll_id}/open", data={"_csrf_token": moderator[CSRF_COOKIE]})
    ada, ben = await watcher("Ada"), await watcher("Ben")
    await mod.call("watch", {})
    while not mod.changes.empty():
        mod.changes.get_nowait()

    assert (await ada.call("poll_answer", {"poll": poll_id, "choices": [0]}))["ok"]
    assert (await ben.call("poll_answer", {"poll": poll_id, "choices": [1, 0]}))["error"] == "Choose one option."
    assert (await ben.call("poll_answer", {"poll": poll_id, "choices": [1]}))["ok"]

    await asyncio.wait_for(mod.changes.get(), 10)
    [poll] = [p for p in (await mod.call("thread", {}))["polls"] if p["id"] == poll_id]
    assert (poll["results"], poll["voters"]) == ([1, 1], 2)


async def thread_as(server: HallwayServer, cookies: httpx.Cookies) -> dict[str, Any]:
    """The thread (with draft polls) as a moderator's page sees it."""
    client = socketio.AsyncClient(reconnection=False)
    await client.connect(
        server.url, namespaces=["/qa"], transports=["websocket"], headers={"Cookie": cookie_header(cookies)}
    )
    try:
        return await client.call("thread", WHERE, namespace="/qa", timeout=10)
    finally:
        await client.disconnect()


async def test_votes_on_one_worker_reach_watchers_on_another(tmp_path_factory: pytest.TempPathFactory) -> None:
    from tests.services import require_redis

    env = hallway_env(
        tmp_path_factory.mktemp("qa-workers"),
        HALLWAY_REDIS_URL=require_redis(),
        HALLWAY_REDIS_PREFIX=f"hallway-test-{uuid.uuid4().hex[:8]}",
    )
    prepare_site(env)
    first, second = HallwayServer(env).start(), HallwayServer(env).start()
    clients: list[socketio.AsyncClient] = []
    try:

        async def connect(url: str, cookies: httpx.Cookies | None) -> socketio.AsyncClient:
            client = socketio.AsyncClient(reconnection=False)
            await client.connect(
                url,
                namespaces=["/qa"],
                transports=["websocket"],
                headers={"Cookie": cookie_header(cookies)} if cookies else {},
            )
            clients.append(client)
            return client

        counts: asyncio.Queue[dict] = asyncio.Queue()
        onlooker = await connect(second.url, None)
        onlooker.on("votes", counts.put_nowait, namespace="/qa")
        await onlooker.call("watch", WHERE, namespace="/qa")
        asker = await connect(first.url, await register(first.url, f"a-{uuid.uuid4().hex[:6]}@library.org", "Asker"))
        voter = await connect(first.url, await register(first.url, f"v-{uuid.uuid4().hex[:6]}@library.org", "Voter"))
        asked = await asker.call("ask", {**WHERE, "body": "Across workers?"}, namespace="/qa")
        await voter.call("vote", {**WHERE, "question": asked["id"]}, namespace="/qa")

        update = await asyncio.wait_for(counts.get(), 10)
        assert update["counts"] == {str(asked["id"]): 1}
    finally:
        for client in clients:
            await client.disconnect()
        first.stop()
        second.stop()


async def test_after_watch_the_documented_payloads_need_not_repeat_where(watcher: Any) -> None:
    """README: `watch {event, session}`, then `ask {body, anonymous}`, `vote {question, up}`, `thread`."""
    ada, ben = await watcher("Ada"), await watcher("Ben")
    before = await ada.client.call("ask", {"body": "Lost?", "anonymous": False}, namespace="/qa", timeout=10)
    for person in (ada, ben):
        assert (await person.client.call("watch", WHERE, namespace="/qa", timeout=10))["ok"]

    asked = await ada.client.call(
        "ask", {"body": "Does CONTU still matter?", "anonymous": False}, namespace="/qa", timeout=10
    )
    voted = await ben.client.call("vote", {"question": asked["id"], "up": True}, namespace="/qa", timeout=10)
    thread = await ben.client.call("thread", {}, namespace="/qa", timeout=10)

    assert before == {
        "ok": False,
        "error": "Watch a session first, or name the event and the session.",
        "fields": {"session": "Watch a session first, or name the event and the session."},
    }
    assert asked["ok"] and voted == {"ok": True, "votes": 1}
    assert [q["votes"] for q in thread["questions"] if q["id"] == asked["id"]] == [1]


async def test_the_official_javascript_client_speaks_the_documented_protocol(server: HallwayServer) -> None:
    import json
    import shutil
    import subprocess
    from pathlib import Path

    from tests.services import missing_service

    node = shutil.which("node")
    if node is None:
        missing_service("Node.js (for the official socket.io client)")
    cookies = await register(server.url, f"{uuid.uuid4().hex[:8]}@library.org", "Nadia Node")
    script = Path(__file__).with_name("qa_client.cjs")

    seen = json.loads(
        subprocess.run(
            [node, str(script), server.url, cookie_header(cookies), DEMO_SLUG, SESSION],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout
    )

    assert seen == {
        "watched": True,
        "asked": True,
        "id": seen["id"],
        "mine": True,
        "votes": 0,
        "body": "Asked from Node: does the rule of five apply to e-books?",
    }
