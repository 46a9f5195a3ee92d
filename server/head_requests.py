"""HEAD is answered wherever GET is: link checkers, feed readers and caches ask it before fetching.

Litestar answers HEAD only on routes that declare it (its static files do; Hallway's pages, feeds and media did
not: 405). Rather than declare it on every route, a HEAD request runs as the GET it stands for and only the body
is left out; the headers (type, length, validators, cache rules) are exactly GET's. As soon as the headers are
sent the request counts as finished, so a streamed video is not read to the end for nothing.
"""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.types import Receive, Send


class AnswersHead(Litestar):
    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await super().__call__(scope, receive, send)
            return
        as_get: Any = {**scope, "method": "GET"}
        await super().__call__(as_get, *_headers_only(receive, send))


def _headers_only(receive: Receive, send: Send) -> tuple[Receive, Send]:
    answered = False

    async def send_without_body(message: Any) -> None:
        nonlocal answered
        if message["type"] != "http.response.body":
            await send(message)
        elif not answered:
            answered = True
            await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def receive_until_answered() -> Any:
        if answered:  # a streaming response listening for the client's leaving stops here
            return {"type": "http.disconnect"}
        return await receive()

    return receive_until_answered, send_without_body
