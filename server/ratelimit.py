"""Fixed-window rate limits kept in a Litestar store (files on one host, Redis across hosts)."""

from __future__ import annotations

from dataclasses import dataclass

from litestar.stores.base import Store


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
        count = int(await self.store.get(key) or 0) + 1
        remaining = await self.store.expires_in(key) if count > 1 else None
        await self.store.set(key, str(count), expires_in=remaining or self.window)

    async def reset(self, key: str) -> None:
        await self.store.delete(key)
