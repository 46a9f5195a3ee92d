"""Networking rooms under load: a big lounge, twenty tables, thousands of idle connections.

    .venv/bin/python bench/rooms.py [--quick]

Client processes each hold many python-socketio clients over WebSocket. One
client in the lounge sends a steady stream of messages carrying their send
time; every lounge client records when each arrives. The same run against a
bare python-socketio server that only broadcasts gives the baseline.

Figures: connect rate; lounge fan-out latency p50/p99; messages delivered per
second; server memory per idle connection; whether one worker holds the idle
connections. Targets (issue 4): at least 80 % of the bare server's delivered
messages per second; p99 under 100 ms in a 500-person lounge at 10 messages
per second on one worker; 5,000 idle connections on one worker.
"""

from __future__ import annotations

import sys

# bench/calendar.py is named for its area and would shadow the standard library's calendar module.
sys.path.append(sys.path.pop(0))

import argparse
import asyncio
import multiprocessing
import os
import statistics
import subprocess

import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness import logged_in_people, free_port, process_serving  # noqa: E402
from events.demo import DEMO_SLUG  # noqa: E402

TABLES = 20
SESSION_COOKIE = "hallway_session"


@dataclass(frozen=True)
class Load:
    lounge: int
    per_table: int
    idle: int
    rate: float
    seconds: float
    processes: int


QUICK = Load(lounge=200, per_table=3, idle=1000, rate=10, seconds=6, processes=2)
FULL = Load(lounge=500, per_table=8, idle=5000, rate=10, seconds=20, processes=4)


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def server_pid(port: int) -> int:
    """The process listening on ``port`` (the server itself, not the wrapper that started it)."""
    out = subprocess.run(["ss", "-Hltnp", f"sport = :{port}"], capture_output=True, text=True).stdout
    return int(out.split("pid=")[1].split(",")[0])


# Client processes -------------------------------------------------------------------------------


async def _clients(
    url: str,
    cookies: list[str],
    rooms: list[int],
    join: bool,
    sender: dict | None,
    results: "multiprocessing.Queue[dict]",
    ready: "multiprocessing.Event",
    go: "multiprocessing.Event",
) -> None:
    import socketio

    latencies: list[float] = []
    received = 0
    clients = []
    started = time.perf_counter()

    async def open_one(cookie: str, room: int) -> None:
        client = socketio.AsyncClient(reconnection=False)

        def on_message(message: dict) -> None:
            nonlocal received
            received += 1
            try:
                latencies.append(time.time() - float(message["body"]))
            except ValueError:
                pass

        client.on("message", on_message, namespace="/rooms")
        await client.connect(
            url,
            namespaces=["/rooms"],
            transports=["websocket"],
            wait_timeout=30,
            headers={"Cookie": f"{SESSION_COOKIE}={cookie}"} if cookie else {},
        )
        if join:
            answer = await client.call("join", {"event": DEMO_SLUG, "room": room}, namespace="/rooms", timeout=30)
            assert answer.get("ok") and not answer.get("waitlisted"), answer
        clients.append(client)

    for start in range(0, len(cookies), 50):
        await asyncio.gather(
            *(open_one(cookie, room) for cookie, room in list(zip(cookies, rooms))[start : start + 50])
        )
    connect_seconds = time.perf_counter() - started
    ready.set()
    await asyncio.get_running_loop().run_in_executor(None, go.wait)
    sent = 0
    if sender:
        # Many people talk in a lounge: rotate through twenty of them, each well inside the chat rate limit.
        speakers = clients[:20]
        interval = 1 / sender["rate"]
        deadline = time.perf_counter() + sender["seconds"]
        while time.perf_counter() < deadline:
            tick = time.perf_counter()
            speaker = speakers[sent % len(speakers)]
            answer = await speaker.call(
                "send", {"room": sender["room"], "body": repr(time.time())}, namespace="/rooms", timeout=30
            )
            assert answer.get("ok"), answer
            sent += 1
            await asyncio.sleep(max(0, interval - (time.perf_counter() - tick)))
        await asyncio.sleep(2)
    else:
        await asyncio.get_running_loop().run_in_executor(None, go.wait)
        await asyncio.sleep(sender_seconds_hint(go))
    results.put(
        {
            "connected": len(clients),
            "connect_seconds": connect_seconds,
            "received": received,
            "latencies": latencies,
            "sent": sent,
        }
    )
    for client in clients:
        await client.disconnect()


def sender_seconds_hint(go: "multiprocessing.Event") -> float:
    return float(os.environ.get("BENCH_LISTEN_SECONDS", "0"))


def client_process(*args: object) -> None:
    asyncio.run(_clients(*args))  # type: ignore[arg-type]


# One measured run -------------------------------------------------------------------------------


@dataclass
class Result:
    connected: int
    connect_rate: float
    delivered_per_second: float
    p50_ms: float
    p99_ms: float
    sent: int


def run_load(url: str, lounge_room: int, table_rooms: list[int], cookies: list[str], load: Load) -> Result:
    people = [(cookie, lounge_room) for cookie in cookies[: load.lounge]]
    people += [
        (cookie, table_rooms[n % len(table_rooms)])
        for n, cookie in enumerate(cookies[load.lounge : load.lounge + load.per_table * TABLES])
    ]
    chunks = [people[n :: load.processes] for n in range(load.processes)]
    results: multiprocessing.Queue = multiprocessing.Queue()
    go = multiprocessing.Event()
    readies, processes = [], []
    os.environ["BENCH_LISTEN_SECONDS"] = str(load.seconds + 2)
    for index, chunk in enumerate(chunks):
        ready = multiprocessing.Event()
        sender = {"room": lounge_room, "rate": load.rate, "seconds": load.seconds} if index == 0 else None
        # Chunks interleave everyone, so the first twenty clients of each process are lounge members.
        process = multiprocessing.Process(
            target=client_process,
            args=(url, [c for c, _ in chunk], [r for _, r in chunk], True, sender, results, ready, go),
        )
        process.start()
        readies.append(ready)
        processes.append(process)
    started = time.perf_counter()
    for ready in readies:
        ready.wait(timeout=300)
    connect_seconds = time.perf_counter() - started
    go.set()
    collected = [results.get(timeout=300) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    latencies = sorted(latency for r in collected for latency in r["latencies"])
    received = sum(r["received"] for r in collected)
    sent = sum(r["sent"] for r in collected)
    return Result(
        connected=sum(r["connected"] for r in collected),
        connect_rate=len(people) / connect_seconds,
        delivered_per_second=received / load.seconds,
        p50_ms=statistics.median(latencies) * 1000 if latencies else float("nan"),
        p99_ms=latencies[int(0.99 * (len(latencies) - 1))] * 1000 if latencies else float("nan"),
        sent=sent,
    )


def idle_connections(url: str, pid: int, count: int, processes: int) -> tuple[int, float, bool]:
    """Open ``count`` idle guest connections; return how many held, KiB per connection, and health after."""
    import httpx

    before = rss_kib(pid)
    results: multiprocessing.Queue = multiprocessing.Queue()
    go = multiprocessing.Event()
    os.environ["BENCH_LISTEN_SECONDS"] = "1"
    readies, workers = [], []
    for index in range(processes):
        share = count // processes + (1 if index < count % processes else 0)
        ready = multiprocessing.Event()
        worker = multiprocessing.Process(
            target=client_process, args=(url, [""] * share, [0] * share, False, None, results, ready, go)
        )
        worker.start()
        readies.append(ready)
        workers.append(worker)
    for ready in readies:
        ready.wait(timeout=600)
    time.sleep(1)
    after = rss_kib(pid)
    healthy = httpx.get(url + "/healthz", timeout=10).status_code == 200 if "healthz" not in url else True
    go.set()
    held = sum(results.get(timeout=600)["connected"] for _ in workers)
    for worker in workers:
        worker.join(timeout=60)
    return held, (after - before) / max(held, 1), healthy


# Setting up Hallway -----------------------------------------------------------------------------


async def prepare_hallway(var_dir: str, people: int, database_url: str) -> tuple[int, list[int], list[str]]:
    """Rooms and logged-in people, written straight into the database and session store."""

    from events.access import event_access
    from events.demo import DEMO_SLUG, load_demo
    from networking.rooms import RoomInput, create_room
    from server.database import engine_from_url, migrate, use_engine

    use_engine(engine_from_url(database_url))
    await migrate()
    await load_demo()
    event_id = (await event_access(DEMO_SLUG, None)).event_id
    lounge = await create_room(event_id, RoomInput(name="Bench lounge", slug="bench-lounge", kind="lounge"))
    tables = [
        await create_room(event_id, RoomInput(name=f"Table {n}", slug=f"bench-table-{n}", capacity=50))
        for n in range(TABLES)
    ]
    cookies = await logged_in_people(var_dir, people, "bench")
    return lounge.id, [table.id for table in tables], cookies


@contextmanager
def throwaway_database(admin_url: str | None, var_dir: str) -> Iterator[str]:
    if admin_url is None:
        yield f"sqlite:///{var_dir}/hallway.sqlite3"
        return
    import asyncpg

    name = f"hallway_bench_{os.getpid()}"

    async def admin(statement: str) -> None:
        connection = await asyncpg.connect(admin_url)
        await connection.execute(statement)
        await connection.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a small run, under a minute or two")
    parser.add_argument(
        "--postgres",
        metavar="ADMIN_URL",
        nargs="?",
        const="postgresql://postgres@127.0.0.1:5432/test",
        help="run Hallway on a throw-away PostgreSQL database instead of SQLite",
    )
    args = parser.parse_args()
    load = QUICK if args.quick else FULL
    people = load.lounge + load.per_table * TABLES
    hallway = str(Path(sys.executable).with_name("hallway"))
    with tempfile.TemporaryDirectory() as var_dir, throwaway_database(args.postgres, var_dir) as database_url:
        lounge, tables, cookies = asyncio.run(prepare_hallway(var_dir, people, database_url))
        env = {key: value for key, value in os.environ.items() if not key.startswith("HALLWAY_")}
        env.update(
            HALLWAY_VAR_DIR=var_dir,
            HALLWAY_DATABASE_URL=database_url,
            HALLWAY_SECRET_KEY="bench-secret-key-long-enough-0123456789abcdef",
        )
        port = free_port()
        with process_serving([hallway, "serve", "--port", str(port)], port, "/healthz", env) as url:
            pid = server_pid(port)
            ours = run_load(url, lounge, tables, cookies, load)
            idle_held, idle_kib, idle_healthy = idle_connections(url, pid, load.idle, load.processes)
    port = free_port()
    bare = [
        sys.executable,
        "-m",
        "uvicorn",
        "--app-dir",
        str(Path(__file__).parent / "baselines"),
        "bare_socketio_app:app",
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
    with process_serving(bare, port, "/socket.io/?EIO=4&transport=websocket") as url:
        baseline = run_load(url, 1, list(range(2, 2 + TABLES)), [""] * people, load)
    print(
        f"\nRooms on {'PostgreSQL' if args.postgres else 'SQLite'}: lounge of {load.lounge}, {TABLES} tables of {load.per_table}, {load.rate:g} messages/s for "
        f"{load.seconds:g} s, {load.processes} client processes, 1 server worker"
    )
    print(f"{'measure':<40}{'hallway':>12}{'bare socketio':>16}{'ratio':>8}")
    rows = [
        ("connected clients", ours.connected, baseline.connected),
        ("connect + join rate (per s)", ours.connect_rate, baseline.connect_rate),
        ("messages delivered per second", ours.delivered_per_second, baseline.delivered_per_second),
        ("lounge fan-out p50 (ms)", ours.p50_ms, baseline.p50_ms),
        ("lounge fan-out p99 (ms)", ours.p99_ms, baseline.p99_ms),
    ]
    for name, mine, theirs in rows:
        print(f"{name:<40}{mine:>12.1f}{theirs:>16.1f}{(mine / theirs if theirs else float('nan')):>8.2f}")
    print(
        f"{'idle connections held by one worker':<40}{idle_held:>12d}{'':>16}  (asked {load.idle}, "
        f"{'healthy' if idle_healthy else 'NOT healthy'} after)"
    )
    print(f"{'server memory per idle connection (KiB)':<40}{idle_kib:>12.1f}")


if __name__ == "__main__":
    main()
