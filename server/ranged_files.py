"""Serving a stored file with HTTP Range support (RFC 9110 §14), so players can seek.

Litestar's file response sends whole files; a browser seeking in a one-hour recording asks
for ``Range: bytes=123456-`` and needs ``206 Partial Content`` back, or it cannot seek
until everything has downloaded.
"""

from __future__ import annotations

import os
import re
from email.utils import formatdate
from pathlib import Path
from typing import Any, AsyncIterator
from urllib.parse import quote

import anyio
from litestar import Response
from litestar.response import Stream

CHUNK = 256 * 1024
RANGE = re.compile(r"^bytes=([0-9]{0,18})-([0-9]{0,18})$")  # ASCII digits, no more than a file can have


class Unsatisfiable(Exception):
    pass


def requested_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The inclusive byte range asked for, ``None`` for the whole file; raises :class:`Unsatisfiable`.

    Several ranges in one request are answered with the whole file, which RFC 9110 allows.
    """
    if not header or "," in header:
        return None
    match = RANGE.match(header.strip())
    if match is None or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if first == "":
        length = int(last)
        if length == 0:
            raise Unsatisfiable()
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        raise Unsatisfiable()
    return start, end


def ranged_file_response(
    path: Path,
    media_type: str,
    range_header: str | None,
    *,
    download_name: str = "",
    cache_control: str = "private, max-age=3600",
) -> Response[bytes] | Stream:
    stat = path.stat()
    size = stat.st_size
    etag = f'"{stat.st_mtime_ns:x}-{size:x}"'
    headers = {
        "Accept-Ranges": "bytes",
        "ETag": etag,
        "Last-Modified": formatdate(stat.st_mtime, usegmt=True),
        "Cache-Control": cache_control,
        "X-Content-Type-Options": "nosniff",
    }
    if download_name:
        headers["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(download_name)}"
    try:
        wanted = requested_range(range_header, size)
    except Unsatisfiable:
        return Response(b"", status_code=416, headers={**headers, "Content-Range": f"bytes */{size}"})
    start, end = wanted if wanted else (0, size - 1)
    headers["Content-Length"] = str(end - start + 1)
    if wanted:
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    return FileStream(
        _read(path, start, end), status_code=206 if wanted else 200, media_type=media_type, headers=headers
    )


class FileStream(Stream):
    """A stream that keeps its own media type.

    Litestar lets the route's media type (JSON unless a handler says otherwise) win over the one
    a ``Stream`` was given, so every file went out as ``application/json``; with ``nosniff``,
    players and PDF viewers then refuse them.
    """

    def to_asgi_response(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["media_type"] = self.media_type
        return super().to_asgi_response(*args, **kwargs)


async def _read(path: Path, start: int, end: int) -> AsyncIterator[bytes]:
    remaining = end - start + 1
    async with await anyio.open_file(path, "rb") as handle:
        await handle.seek(start, os.SEEK_SET)
        while remaining > 0:
            chunk = await handle.read(min(CHUNK, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk
