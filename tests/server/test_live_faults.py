"""Faults in the live layer, on the production path (PostgreSQL and Redis, several workers).

(a) A worker is killed while people chat and vote through a load balancer: they reconnect to
    the other worker by themselves, and every message and vote the server acknowledged is in
    the database exactly once; messages sent again after a lost answer are not doubled.
(b) Redis is restarted mid-run: chat, Q&A updates and presence work again across workers
    without anyone reloading, and people stay logged in (Redis keeps an append-only file, as
    production Redis must: it holds the login sessions). While it is down, pages answer 503.
"""

from __future__ import annotations

import asyncio
import shutil
import signal
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, AsyncIterator, Awaitable, Callable, Iterator

import httpx

import asyncpg
import pytest
import socketio

from events.access import add_member, event_access
from events.demo import DEMO_SLUG
from events.releases import published_programme
from events.tables import MemberRole
from networking.rooms import room_by_slug
from server.accounts import create_account, get_account
from server.database import engine_from_url, use_engine
from sessions.questions import ask_question, moderate, qa_context
from tests.accounts_flow import cookie_header, register
from tests.failover_proxy import FailoverProxy
from tests.hallway_process import HallwayServer, hallway_env, two_workers
from tests.services import free_port, missing_service, port_open, require_redis

PEOPLE = 6
QUESTIONS = 24
BEFORE_KILL = 4.0  # seconds of steady chatting and voting before the worker dies
AFTER_KILL = 8.0
PACE = 1.1  # one message and one vote per person per PACE seconds: under the chat limit of 10 per 10 s
NAMESPACES = ["/rooms", "/qa"]
REDIS_SERVER = "redis-server"


@dataclass
class Talker:
    """Someone chatting and voting steadily, who remembers what the server acknowledged."""

    name: str
    client: socketio.AsyncClient
    acked_messages: dict[str, int] = field(default_factory=dict)  # nonce -> message id
    acked_votes: set[int] = field(default_factory=set)
    connects: int = 0
    retries: int = 0
    acks_after_kill: int = 0


@dataclass(frozen=True)
class Stage:
    room_id: int
    session_key: str
    question_ids: list[int]


async def call(talker: Talker, stage: Stage, event: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Send until acknowledged: after a dropped connection, rejoin the room and send the same thing again."""

    async def after_a_failure() -> None:
        talker.retries += 1
        await rejoin(talker, stage)

    return await until_acknowledged(
        talker.client, event, payload, "/rooms" if event == "send" else "/qa", after_a_failure=after_a_failure
    )


async def until_acknowledged(
    client: socketio.AsyncClient,
    event: str,
    payload: dict[str, Any],
    namespace: str,
    seconds: float = 30,
    after_a_failure: Callable[[], Awaitable[None]] | None = None,
) -> dict[str, Any]:
    """Send the same payload until the server acknowledges it (waiting out rate limits)."""
    deadline, reply = time.monotonic() + seconds, None
    while time.monotonic() < deadline:
        try:
            reply = await client.call(event, payload, namespace=namespace, timeout=3)
        except socketio.exceptions.SocketIOError:
            reply = None
        if reply and reply.get("ok"):
            return reply
        if after_a_failure is not None and not (reply and "too fast" in reply.get("error", "")):
            await after_a_failure()
        else:
            await asyncio.sleep(0.5)
    raise AssertionError(f"{event} {payload} was never acknowledged: last answer {reply}")


async def rejoin(talker: Talker, stage: Stage) -> None:
    deadline = time.monotonic() + 20
    while not (talker.client.connected and all(ns in talker.client.namespaces for ns in NAMESPACES)):
        assert time.monotonic() < deadline, f"{talker.name} never reconnected"
        await asyncio.sleep(0.1)
    try:
        await talker.client.call("join", {"event": DEMO_SLUG, "room": stage.room_id}, namespace="/rooms", timeout=3)
    except socketio.exceptions.SocketIOError:
        pass  # the next send will tell


async def chat_and_vote(talker: Talker, stage: Stage, until: float, killed: asyncio.Event) -> None:
    number = 0
    while time.monotonic() < until:
        nonce = f"{talker.name}-{number:04d}"
        sent = await call(
            talker, stage, "send", {"room": stage.room_id, "body": f"{talker.name} says {number}", "nonce": nonce}
        )
        talker.acked_messages[nonce] = sent["id"]
        question = stage.question_ids[number % len(stage.question_ids)]
        await call(talker, stage, "vote", {"event": DEMO_SLUG, "session": stage.session_key, "question": question})
        talker.acked_votes.add(question)
        if killed.is_set():
            talker.acks_after_kill += 1
        number += 1
        await asyncio.sleep(PACE)


@pytest.fixture
async def two_workers_on_postgres(
    postgres_database_url: str, tmp_path: Path
) -> AsyncIterator[tuple[HallwayServer, HallwayServer]]:
    env = hallway_env(
        tmp_path,
        HALLWAY_DATABASE_URL=postgres_database_url,
        HALLWAY_REDIS_URL=require_redis(),
        HALLWAY_REDIS_PREFIX=f"hallway-faults-{uuid.uuid4().hex[:8]}",
    )
    with two_workers(env) as workers:
        yield workers


async def set_the_stage(database_url: str) -> Stage:
    """The demo's main lounge, and questions to vote on in the demo's first session."""
    use_engine(engine_from_url(database_url))
    access = await event_access(DEMO_SLUG, None)
    assert access is not None
    room = await room_by_slug(access.event_id, "main-lounge")
    session = (await published_programme(access.event_id)).sessions[0]
    organiser_id = await create_account(f"moderator-{uuid.uuid4().hex[:6]}@library.org", "long enough pass", "Mo")
    await add_member(access.event_id, organiser_id, MemberRole.organiser)
    ctx = await qa_context(DEMO_SLUG, session.slug, await get_account(organiser_id))
    question_ids = []
    for number in range(QUESTIONS):
        question = await ask_question(ctx, f"Fault question {number}?")
        await moderate(ctx, question, "approve")
        question_ids.append(question)
    return Stage(room.id, session.slug, question_ids)


async def talker(url: str, server: HallwayServer, number: int, stage: Stage) -> Talker:
    email = f"talker-{number}-{uuid.uuid4().hex[:6]}@library.org"
    cookies = await register(server.url, email, f"Talker {number}")
    client = socketio.AsyncClient(reconnection=True, reconnection_delay=0.2, reconnection_delay_max=1)
    person = Talker(f"talker{number}", client)

    def connected() -> None:
        person.connects += 1

    client.on("connect", connected, namespace="/rooms")
    # A fresh dict for every (re)connection: engine.io's client deletes the Cookie header it was given.
    await client.connect(
        url,
        namespaces=NAMESPACES,
        headers=lambda: {"Cookie": cookie_header(cookies)},
        transports=["websocket"],
        wait_timeout=10,
    )
    await call(
        person,
        stage,
        "send",
        {"room": stage.room_id, "body": f"{person.name} is here", "nonce": f"{person.name}-hello"},
    )
    return person


async def test_a_killed_worker_loses_no_acknowledged_message_or_vote(
    two_workers_on_postgres: tuple[HallwayServer, HallwayServer], postgres_database_url: str
) -> None:
    first, second = two_workers_on_postgres
    stage = await set_the_stage(postgres_database_url)
    proxy = await FailoverProxy([first.port, second.port]).start()
    people = [await talker(proxy.url, first, number, stage) for number in range(PEOPLE)]
    killed = asyncio.Event()
    until = time.monotonic() + BEFORE_KILL + AFTER_KILL

    async def kill_the_first_worker() -> None:
        await asyncio.sleep(BEFORE_KILL)
        first.process.send_signal(signal.SIGKILL)
        first.process.wait()
        killed.set()

    try:
        await asyncio.gather(kill_the_first_worker(), *(chat_and_vote(p, stage, until, killed) for p in people))
    finally:
        for person in people:
            await person.client.disconnect()
        await proxy.stop()

    moved = [p for p in people if p.connects > 1]
    assert moved, "nobody was on the killed worker"
    assert all(p.acks_after_kill >= 2 for p in people), [(p.name, p.acks_after_kill) for p in people]
    await assert_exactly_once(postgres_database_url, people, stage)
    print(
        f"\nworker killed: {len(moved)} of {len(people)} people reconnected to the other worker; "
        f"{sum(len(p.acked_messages) for p in people)} messages and {sum(len(p.acked_votes) for p in people)} "
        f"votes acknowledged, {sum(p.retries for p in people)} sent again; all in the database exactly once"
    )


async def assert_exactly_once(database_url: str, people: list[Talker], stage: Stage) -> None:
    connection = await asyncpg.connect(database_url)
    try:
        stored = {
            row["client_key"].rsplit(":", 1)[1]: (row["id"], row["copies"])
            for row in await connection.fetch(
                "SELECT client_key, min(id) AS id, count(*) AS copies FROM chat_message WHERE room = $1 "
                "AND client_key IS NOT NULL GROUP BY client_key",
                stage.room_id,
            )
        }
        doubled = await connection.fetch(
            "SELECT body, count(*) FROM chat_message WHERE room = $1 GROUP BY body HAVING count(*) > 1", stage.room_id
        )
        votes = await connection.fetch(
            "SELECT question, voter, count(*) AS copies FROM question_vote WHERE question = ANY($1::int[]) "
            "GROUP BY question, voter",
            stage.question_ids,
        )
        counts = await connection.fetch(
            "SELECT q.id, q.votes, (SELECT count(*) FROM question_vote v WHERE v.question = q.id) AS rows "
            "FROM question q WHERE q.id = ANY($1::int[])",
            stage.question_ids,
        )
    finally:
        await connection.close()
    for person in people:
        for nonce, message_id in person.acked_messages.items():
            assert stored.get(nonce) == (message_id, 1), (
                f"{nonce}: acknowledged as {message_id}, stored {stored.get(nonce)}"
            )
    assert doubled == []
    assert all(row["copies"] == 1 for row in votes)
    by_voter: dict[int, set[int]] = {}
    for row in votes:
        by_voter.setdefault(row["voter"], set()).add(row["question"])
    acked = sorted(sorted(p.acked_votes) for p in people)
    assert sorted(sorted(questions) for questions in by_voter.values()) == acked
    assert all(row["votes"] == row["rows"] for row in counts)


class PrivateRedis:
    """A redis-server of the test's own, with an append-only file like a production Redis, to restart at will."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "PrivateRedis":
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.directory),
                "--appendonly",
                "yes",
                "--save",
                "",
                "--logfile",
                str(self.directory / "redis.log"),
            ]
        )
        deadline = time.monotonic() + 10
        while not port_open("127.0.0.1", self.port):
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()  # a clean shutdown: the append-only file is flushed
            self.process.wait(timeout=10)


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    if shutil.which(REDIS_SERVER) is None:
        missing_service("redis-server (to restart a Redis of the test's own)")
    redis = PrivateRedis(tmp_path / "redis").start()
    yield redis
    redis.stop()


@dataclass
class Listener:
    client: socketio.AsyncClient
    heard: dict[str, asyncio.Queue[Any]]

    async def next(self, event: str, timeout: float = 20) -> Any:
        return await asyncio.wait_for(self.heard[event].get(), timeout)


async def listener(url: str, cookies: Any) -> Listener:
    client = socketio.AsyncClient(reconnection=True, reconnection_delay=0.2, reconnection_delay_max=1)
    heard: dict[str, asyncio.Queue[Any]] = {"message": asyncio.Queue(), "thread_changed": asyncio.Queue()}
    client.on("message", heard["message"].put_nowait, namespace="/rooms")
    client.on("thread_changed", heard["thread_changed"].put_nowait, namespace="/qa")
    await client.connect(
        url,
        namespaces=NAMESPACES,
        headers=lambda: {"Cookie": cookie_header(cookies)},
        transports=["websocket"],
        wait_timeout=10,
    )
    return Listener(client, heard)


async def until_heard_across_workers(
    ada: Listener, ben: Listener, room: int, private_redis_back: float, seconds: float = 30
) -> float:
    """Ada (worker one) sends until Ben (worker two) hears her live; how long that took.

    Redis does not keep what was published while a worker was resubscribing, so the first
    messages after the restart may reach Ben only from the history; later ones arrive live.
    """
    for number in range(int(seconds)):
        sent = await until_acknowledged(
            ada.client, "send", {"room": room, "body": f"after {number}", "nonce": f"after-{number:04d}"}, "/rooms"
        )
        deadline = time.monotonic() + 1
        while (left := deadline - time.monotonic()) > 0:
            try:
                if (await ben.next("message", timeout=left))["id"] == sent["id"]:
                    return time.monotonic() - private_redis_back
            except TimeoutError:
                break
    raise AssertionError("chat never crossed workers again after Redis restarted")


async def test_live_features_recover_by_themselves_after_redis_restarts(
    private_redis: PrivateRedis, tmp_path: Path
) -> None:
    env = hallway_env(tmp_path / "site", HALLWAY_REDIS_URL=private_redis.url, HALLWAY_REDIS_PREFIX="restart")
    with two_workers(env) as (first, second):
        use_engine(engine_from_url(env["HALLWAY_DATABASE_URL"]))
        access = await event_access(DEMO_SLUG, None)
        room = (await room_by_slug(access.event_id, "main-lounge")).id
        session = (await published_programme(access.event_id)).sessions[0].slug
        thread = {"event": DEMO_SLUG, "session": session}
        ada_cookies = await register(first.url, f"ada-{uuid.uuid4().hex[:6]}@library.org", "Ada")
        ben_cookies = await register(second.url, f"ben-{uuid.uuid4().hex[:6]}@library.org", "Ben")
        ada, ben = await listener(first.url, ada_cookies), await listener(second.url, ben_cookies)
        for person in (ada, ben):
            await until_acknowledged(person.client, "join", {"event": DEMO_SLUG, "room": room}, "/rooms")
        await until_acknowledged(ada.client, "watch", thread, "/qa")
        hello = await until_acknowledged(
            ada.client, "send", {"room": room, "body": "before", "nonce": "before-01"}, "/rooms"
        )
        assert (await ben.next("message"))["id"] == hello["id"]

        private_redis.stop()
        async with httpx.AsyncClient(base_url=first.url, cookies=ada_cookies) as http:
            during = await http.get("/me/profile")
        lost = await ada.client.call(
            "send", {"room": room, "body": "during", "nonce": "during-01"}, namespace="/rooms", timeout=10
        )
        private_redis.start()

        assert during.status_code == 503 and during.headers["retry-after"]
        assert not lost["ok"]  # the message may be stored, but nobody was told: Ada sends it again
        again = await until_acknowledged(
            ada.client, "send", {"room": room, "body": "during", "nonce": "during-01"}, "/rooms"
        )
        recovered_in = await until_heard_across_workers(ada, ben, room, private_redis_back=time.monotonic())
        history = (await until_acknowledged(ben.client, "join", {"event": DEMO_SLUG, "room": room}, "/rooms"))[
            "messages"
        ]
        assert [m["id"] for m in history if m["body"] == "during"] == [again["id"]]  # stored once, kept
        await until_acknowledged(ben.client, "ask", {**thread, "body": "Still there after the restart?"}, "/qa")
        assert (await ada.next("thread_changed"))["session"]
        async with httpx.AsyncClient(base_url=first.url, cookies=ada_cookies) as http:
            after = await http.get("/me/profile")
        assert after.status_code == 200 and "Ada" in after.text  # still logged in
        cleo = await listener(
            second.url, await register(second.url, f"cleo-{uuid.uuid4().hex[:6]}@library.org", "Cleo")
        )
        seen = await until_acknowledged(cleo.client, "join", {"event": DEMO_SLUG, "room": room}, "/rooms")
        assert {"Ada", "Ben", "Cleo"} <= {person["name"] for person in seen["people"]}
        for person in (ada, ben, cleo):
            await person.client.disconnect()
        print(
            f"\nRedis restarted: chat across workers worked again {recovered_in:.1f} s after it was back; "
            f"Q&A updates, presence and logins recovered without a reload"
        )
