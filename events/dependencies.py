"""How event pages and the API receive the event their route names (see ``server/dependencies.py``).

``server.app`` provides ``access`` with :func:`provide_visible_event` everywhere; organisers'
controllers and API calls declare ``dependencies=ORGANISED`` (or ``organised_for("...")`` for their own
words) so that ``access`` is the event only its organisers get. The rules themselves are the domain
functions of ``events.access``; this module only tells Litestar where their arguments come from.
"""

from __future__ import annotations

from server.i18n import N_
from typing import Awaitable, Callable

from litestar.di import NamedDependency, Provide
from litestar.params import FromPath

from events.access import EventAccess, organised_event, visible_event
from server.accounts import Account


async def provide_visible_event(slug: FromPath[str], viewer: NamedDependency[Account | None]) -> EventAccess:
    return await visible_event(slug, viewer)


def _organised(doing: str) -> Callable[..., Awaitable[EventAccess]]:
    async def provide_organised_event(slug: FromPath[str], viewer: NamedDependency[Account | None]) -> EventAccess:
        return await organised_event(slug, viewer, doing)

    return provide_organised_event


VISIBLE = {"access": Provide(provide_visible_event)}
ORGANISED = {"access": Provide(_organised(N_("do this")))}


def organised_for(doing: str) -> dict[str, Provide]:
    """``ORGANISED`` whose refusal says what only organisers do ("Only the organisers ... can {doing}.");
    mark ``doing`` with ``N_`` where it is written: it is translated when said."""
    return {"access": Provide(_organised(doing))}
