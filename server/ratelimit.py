"""Fixed-window rate limits kept in a Litestar store (files on one host, Redis across hosts)."""

from __future__ import annotations

from dataclasses import dataclass

from litestar.exceptions import TooManyRequestsException
from litestar.stores.base import Store
from litestar.stores.redis import RedisStore


@dataclass(frozen=True)
class RateLimit:
    """At most ``limit`` hits per ``window`` seconds for one key."""

    store: Store
    limit: int
    window: int

    async def retry_after(self, key: str) -> int | None:
        """Seconds to wait when ``key`` is over its limit, else ``None``."""
        count = int(await self.store.get(key) or 0)
        if count < self.limit:
            return None
        return max(1, await self.store.expires_in(key) or self.window)

    async def hit(self, key: str) -> None:
        """Count one hit. The window starts at the first hit and is not extended by later ones."""
        if isinstance(self.store, RedisStore):
            # Across workers the count must be one atomic increment, or simultaneous hits get lost.
            redis_key = self.store._make_key(key)
            async with self.store._redis.pipeline(transaction=True) as pipe:
                await pipe.incr(redis_key).expire(redis_key, self.window, nx=True).execute()
            return
        count = int(await self.store.get(key) or 0) + 1
        remaining = await self.store.expires_in(key) if count > 1 else None
        await self.store.set(key, str(count), expires_in=remaining or self.window)

    async def reset(self, key: str) -> None:
        await self.store.delete(key)


async def enforce(limit: RateLimit, key: str, doing: str) -> None:
    """Count one hit for ``key``; once it is over its limit, a 429 with Retry-After saying how long to wait."""
    wait = await limit.retry_after(key)
    if wait is not None:
        raise TooManyRequestsException(detail=f"Too many {doing} in a short time; try again in {wait} seconds.",
                              headers={"Retry-After": str(wait)})
    await limit.hit(key)


@dataclass(frozen=True)
class AbuseLimits:
    """The limits on what one person or address may do in a burst (kept in Redis across workers)."""

    registration: RateLimit
    upload: RateLimit
    search: RateLimit

    @classmethod
    def in_store(cls, store: Store, registrations_per_hour: int = 10) -> "AbuseLimits":
        return cls(registration=RateLimit(store, registrations_per_hour, 3600),
                   upload=RateLimit(store, UPLOADS_PER_HOUR, 3600),
                   search=RateLimit(store, SEARCHES_PER_MINUTE, 60))


UPLOADS_PER_HOUR = 60        # per account: a busy organiser uploads a day's recordings, slides and captions
SEARCHES_PER_MINUTE = 300    # per address: five a second is beyond any person, not beyond a scraper


def client_address(connection: object) -> str:
    client = getattr(connection, "client", None)
    return f"ip:{client.host if client else 'unknown'}"
