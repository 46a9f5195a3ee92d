"""HTTP pages: how fast Hallway renders its pages, against a static file from the same server.

.venv/bin/python bench/http_pages.py [--quick]
"""

from __future__ import annotations

import sys

# bench/calendar.py is named for its area and would shadow the standard library's calendar module.
sys.path.append(sys.path.pop(0))

import argparse
import asyncio
import time

import httpx

from harness import Figure, hallway_server, print_table


async def measure(base_url: str, name: str, path: str, requests: int, concurrency: int) -> Figure:
    latencies: list[float] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for number in range(requests):
        queue.put_nowait(number)

    async def worker(client: httpx.AsyncClient) -> None:
        while not queue.empty():
            queue.get_nowait()
            started = time.perf_counter()
            response = await client.get(path)
            response.raise_for_status()
            latencies.append(time.perf_counter() - started)

    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        await client.get(path)  # warm up templates and caches
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        return Figure(name, len(latencies), time.perf_counter() - started, latencies)


async def run(base_url: str, requests: int, concurrency: int) -> None:
    static = await measure(base_url, "static file", "/static/hallway.css", requests, concurrency)
    rows = [
        (await measure(base_url, "home page (event list)", "/", requests, concurrency), static),
        (
            await measure(
                base_url, "event programme (22 sessions)", "/events/resource-sharing-forum/", requests, concurrency
            ),
            static,
        ),
        (await measure(base_url, "/readyz (one SQL query)", "/readyz", requests, concurrency), static),
    ]
    print_table(f"HTTP pages: {requests} requests each, {concurrency} at a time, 1 worker", rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a small run, under a minute")
    args = parser.parse_args()
    requests, concurrency = (300, 10) if args.quick else (3000, 20)
    with hallway_server() as base_url:
        asyncio.run(run(base_url, requests, concurrency))


if __name__ == "__main__":
    main()
