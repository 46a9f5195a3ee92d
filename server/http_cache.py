"""Conditional GET: answer 304 when the client already has this version (ETag or date)."""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from litestar import Request, Response


def cached_response(
    request: Request[Any, Any, Any],
    body: bytes,
    *,
    media_type: str,
    etag: str,
    last_modified: datetime,
    max_age: int = 300,
    private: bool = False,
    dates_are_exact: bool = True,
) -> Response[bytes]:
    """The body with validators; 304 when the client's copy matches.

    ``dates_are_exact=False`` is for bodies that can change without their date
    changing (a personal agenda when a star is removed): only the ETag counts.
    """
    modified = last_modified.replace(microsecond=0)
    headers = {
        "ETag": etag,
        "Last-Modified": format_datetime(modified, usegmt=True),
        "Cache-Control": f"{'private' if private else 'public'}, max-age={max_age}",
    }
    if _not_modified(request, etag, modified if dates_are_exact else None):
        return Response(b"", status_code=304, headers=headers, media_type=media_type)
    return Response(body, media_type=media_type, headers=headers)


def _not_modified(request: Request[Any, Any, Any], etag: str, modified: datetime | None) -> bool:
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        candidates = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return etag in candidates or "*" in candidates
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since and modified is not None:
        try:
            return modified <= parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
    return False
