"""Live layer: socket.io round trips and fan-out through Hallway, against bare python-socketio.

    .venv/bin/python bench/live_socketio.py [--quick]

Round trips: clients call ``whoami`` and wait for the answer (Hallway's
handler reads the connection's session; the bare server answers a constant).
"""

from __future__ import annotations

import sys

# bench/calendar.py is named for its area and would shadow the standard library's calendar module.
sys.path.append(sys.path.pop(0))

import argparse
import asyncio
import time
from pathlib import Path

import socketio

from harness import Figure, free_port, hallway_server, print_table, process_serving


async def round_trips(url: str, name: str, clients: int, calls: int) -> Figure:
    sockets = []
    for _ in range(clients):
        client = socketio.AsyncClient(reconnection=False)
        await client.connect(url, transports=["websocket"], wait_timeout=10)
        sockets.append(client)
    latencies: list[float] = []

    async def caller(client: socketio.AsyncClient) -> None:
        for _ in range(calls):
            started = time.perf_counter()
            await client.call("whoami", timeout=10)
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(caller(client) for client in sockets))
    elapsed = time.perf_counter() - started
    for client in sockets:
        await client.disconnect()
    return Figure(name, len(latencies), elapsed, latencies)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a small run, under a minute")
    args = parser.parse_args()
    clients, calls = (20, 50) if args.quick else (100, 200)
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
    with process_serving(bare, port, "/socket.io/?EIO=4&transport=websocket") as bare_url:
        baseline = asyncio.run(round_trips(bare_url, "bare python-socketio", clients, calls))
    with hallway_server() as hallway_url:
        hallway = asyncio.run(round_trips(hallway_url, f"hallway whoami ({clients} clients)", clients, calls))
    print_table(f"Live round trips: {clients} clients x {calls} calls, 1 worker", [(hallway, baseline)])


if __name__ == "__main__":
    main()
