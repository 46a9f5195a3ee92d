"""What can go wrong with a request, in words for the person who made it: four kinds, each answered once.

Domain functions raise these and know nothing of HTTP or sockets. ``server.errors`` turns each kind into
an HTTP answer (400 with the fields, 403, 404, 429 with Retry-After) for pages and the API alike, and
``server.live.acknowledged`` into a socket.io acknowledgement (``{"ok": false, "error": ..., "fields":
..., "retry_after": ...}``), so a controller or a socket handler never translates them by hand.
"""

from __future__ import annotations


class Problem(Exception):
    """A request Hallway refuses; ``message`` is shown to the person as it is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Invalid(Problem, ValueError):
    """Bad input, per field, in words meant for the person who typed it (a 400)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors

    @property
    def sentence(self) -> str:
        """The field messages as one text, for places that cannot show them beside their fields."""
        return " ".join(self.errors.values())


class NotAllowed(Problem):
    """The person may not do this (a 403)."""


class NotFound(Problem):
    """There is no such thing, or the person may not know that there is (a 404)."""


class TooFast(Problem):
    """Too many tries in a short time; ``retry_after`` seconds from now it works again (a 429)."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = max(1, int(retry_after))
