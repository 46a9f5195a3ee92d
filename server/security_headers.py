"""Security headers on every HTTP response: a Content-Security-Policy without inline scripts, and friends.

Hallway's pages load their scripts from /static only (htmx and the socket.io client from npm),
so no script can run from what a person wrote even if escaping were ever missed. Styles may be
inline (pygal's charts and the schedule grid carry them). Embeddable players may be framed by
any site; every other page by Hallway itself only.
"""

from __future__ import annotations

import re

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "media-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors {ancestors}"
)
# Only the archive's player may be framed by other sites; a room or session that happens to be called
# "embed" is an ordinary page.
EMBEDDABLE = re.compile(r"^/a/[^/]+/embed$")


async def add_security_headers(message: Message, scope: Scope) -> None:
    """A ``before_send`` hook: add the headers to the start of every HTTP response."""
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    embeddable = bool(EMBEDDABLE.match(scope.get("path", "")))
    headers["Content-Security-Policy"] = POLICY.format(ancestors="*" if embeddable else "'self'")
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    if not embeddable:
        headers["X-Frame-Options"] = "SAMEORIGIN"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    forbid_caching_of_cookies(headers)


def forbid_caching_of_cookies(headers: MutableScopeHeaders) -> None:
    """A response that sets a cookie is one person's: no cache may keep it or hand it to anyone else.

    A cache that stored a response with a session cookie would give that session to the next
    person who asks for the same address. Whatever a handler said about caching, ``Set-Cookie``
    wins: ``no-store``, and no validators that would let a cache revalidate the stored copy.
    """
    if "set-cookie" not in headers:
        return
    headers["Cache-Control"] = "no-store"
    for validator in ("ETag", "Last-Modified", "Expires"):
        if validator in headers:
            del headers[validator]
