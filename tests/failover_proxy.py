"""A tiny TCP load balancer for fault tests: new connections go round the workers, skipping dead ones.

What a real balancer (nginx, HAProxy) does in front of several ``hallway serve`` processes, in
a few lines: when a worker dies its connections drop, the clients reconnect through the proxy,
and the proxy hands them to a worker that still answers.
"""

from __future__ import annotations

import asyncio
import contextlib

from tests.services import free_port


class FailoverProxy:
    def __init__(self, backend_ports: list[int]) -> None:
        self.backend_ports = backend_ports
        self.port = free_port()
        self.turn = 0
        self.server: asyncio.Server | None = None
        self.tasks: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> "FailoverProxy":
        self.server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)
        return self

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()
        for task in list(self.tasks):
            task.cancel()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)
        upstream = await self._connect_to_a_live_worker()
        if upstream is None:
            writer.close()
            return
        up_reader, up_writer = upstream
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))

    async def _connect_to_a_live_worker(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        start, self.turn = self.turn, self.turn + 1
        for offset in range(len(self.backend_ports)):
            port = self.backend_ports[(start + offset) % len(self.backend_ports)]
            try:
                return await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                continue  # that worker is gone: try the next
        return None


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    """Copy bytes until either side closes, then close the other so the client notices at once."""
    try:
        while chunk := await source.read(65536):
            sink.write(chunk)
            await sink.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        with contextlib.suppress(Exception):
            sink.close()
