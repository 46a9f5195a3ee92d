"""Fixed-window rate limits kept in a Litestar store (files on one host, Redis across hosts)."""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass

from litestar.stores.base import Store
from litestar.stores.redis import RedisStore

from server.problems import TooFast


_locks: dict[int, asyncio.Lock] = {}


def _local_lock() -> asyncio.Lock:
    """One lock per event loop for counters kept in this process's stores."""
    loop = id(asyncio.get_running_loop())
    return _locks.setdefault(loop, asyncio.Lock())


@dataclass(frozen=True)
class RateLimit:
    """At most ``limit`` hits per ``window`` seconds for one key, counted in a bucket of its own.

    The bucket (``"search"``, ``"registration"``...) is part of every stored key, so limits that
    share a store never share a counter: ten searches do not use up an address's registrations.
    """

    store: Store
    limit: int
    window: int
    bucket: str

    async def count(self, key: str) -> int:
        return int(await self.store.get(f"{self.bucket}:{key}") or 0)

    async def retry_after(self, key: str) -> int | None:
        """Seconds to wait when ``key`` is over its limit, else ``None``."""
        if await self.count(key) < self.limit:
            return None
        return max(1, await self.store.expires_in(f"{self.bucket}:{key}") or self.window)

    async def hit(self, key: str, amount: int = 1) -> int:
        """Count ``amount`` (one hit, or bytes) and return the new count, atomically.

        The window starts at the first hit and is not extended by later ones. Redis increments in
        one step across workers; without Redis there is one worker per host (README), and a lock
        keeps its read-and-write from interleaving with another request's.
        """
        key = f"{self.bucket}:{key}"
        if isinstance(self.store, RedisStore):
            redis_key = self.store._make_key(key)
            async with self.store._redis.pipeline(transaction=True) as pipe:
                pipe.incrby(redis_key, amount)
                pipe.expire(redis_key, self.window, nx=True)
                count, _ = await pipe.execute()
            return int(count)
        async with _local_lock():
            before = int(await self.store.get(key) or 0)
            count = before + amount
            remaining = await self.store.expires_in(key) if before > 0 else None
            await self.store.set(key, str(count), expires_in=remaining or self.window)
        return count

    async def reset(self, key: str) -> None:
        await self.store.delete(f"{self.bucket}:{key}")


async def within_quota(limit: RateLimit, key: str, size: int) -> None:
    """Too fast (a 429) when ``size`` more would pass ``key``'s allowance (bytes a day); else ``size`` is counted."""
    used = await limit.count(key)
    if used + size > limit.limit:
        wait = max(1, await limit.store.expires_in(f"{limit.bucket}:{key}") or limit.window)
        left = max(0, limit.limit - used)
        raise TooFast(
            f"This upload would pass your daily allowance of {limit.limit / 1024**3:.0f} GB "
            f"({left / 1024**3:.1f} GB left); try again in {round(wait / 3600) or 1} hours.",
            wait,
        )
    await limit.hit(key, size)


async def enforce(limit: RateLimit, key: str, doing: str) -> None:
    """Count one hit for ``key``; once it is over its limit, too fast (a 429 with Retry-After) saying how long to wait."""
    wait = await limit.retry_after(key)
    if wait is not None:
        raise TooFast(f"Too many {doing} in a short time; try again in {wait} seconds.", wait)
    await limit.hit(key)


@dataclass(frozen=True)
class AbuseLimits:
    """The limits on what one person or address may do in a burst (kept in Redis across workers)."""

    registration: RateLimit
    upload: RateLimit
    search: RateLimit
    avatar: RateLimit
    upload_bytes: RateLimit
    event_creation: RateLimit
    password_reset: RateLimit
    email_confirmation: RateLimit

    @classmethod
    def in_store(
        cls, store: Store, registrations_per_hour: int = 10, upload_bytes_per_day: int = 20 * 1024**3
    ) -> "AbuseLimits":
        return cls(
            registration=RateLimit(store, registrations_per_hour, 3600, "registration"),
            upload=RateLimit(store, UPLOADS_PER_HOUR, 3600, "upload"),
            search=RateLimit(store, SEARCHES_PER_MINUTE, 60, "search"),
            avatar=RateLimit(store, AVATARS_PER_HOUR, 3600, "avatar"),
            upload_bytes=RateLimit(store, upload_bytes_per_day, 24 * 3600, "upload-bytes"),
            event_creation=RateLimit(store, EVENTS_PER_HOUR, 3600, "event-creation"),
            password_reset=RateLimit(store, RESETS_PER_HOUR, 3600, "password-reset"),
            email_confirmation=RateLimit(store, CONFIRMATIONS_PER_HOUR, 3600, "email-confirmation"),
        )


UPLOADS_PER_HOUR = 60  # per account: a busy organiser uploads a day's recordings, slides and captions
RESETS_PER_HOUR = 10  # per address: asking for reset links (each may mail someone)
CONFIRMATIONS_PER_HOUR = 5  # per account: confirmation links sent again or to a new address (each mails someone)
EVENTS_PER_HOUR = 10  # per account: a consortium sets up a season's events, nobody needs more
AVATARS_PER_HOUR = 10  # per account: trying a few pictures, not re-encoding images for someone
SEARCHES_PER_MINUTE = 300  # per address: five a second is beyond any person, not beyond a scraper


def client_address(connection: object) -> str:
    client = getattr(connection, "client", None)
    return f"ip:{client.host if client else 'unknown'}"


LOGIN_WINDOW = 15 * 60
KNOWN_FOR = 90 * 24 * 3600
FAILURES_PER_ADDRESS_AND_ACCOUNT = 5  # someone mistyping: a pause after five tries
FAILURES_PER_ACCOUNT = 20  # one account guessed at from many places
FAILURES_PER_ADDRESS = 100  # a venue, a library, an office: many people behind one address


@dataclass(frozen=True)
class LoginThrottle:
    """Slows password guessing without locking anyone out of their own account.

    Every try is counted before the password is checked, in one atomic step per counter, so a
    burst of simultaneous guesses meets the limit like a slow series does; a success takes its
    try back. Tries count per (address, account), per account and per address. An address that
    tried an account five times without success waits. An account tried twenty times waits at
    addresses that failed on it, except where it was logged into before (its owner's usual
    places), so a stranger elsewhere cannot lock the owner out. An address waits only after a
    hundred, so a whole conference behind one address logs in while three of them mistype.
    """

    pair: RateLimit
    account: RateLimit
    address: RateLimit
    known: RateLimit  # (address, account) pairs that logged in successfully lately

    @classmethod
    def in_store(cls, store: Store) -> "LoginThrottle":
        return cls(
            pair=RateLimit(store, FAILURES_PER_ADDRESS_AND_ACCOUNT, LOGIN_WINDOW, "login-pair"),
            account=RateLimit(store, FAILURES_PER_ACCOUNT, LOGIN_WINDOW, "login-account"),
            address=RateLimit(store, FAILURES_PER_ADDRESS, LOGIN_WINDOW, "login-address"),
            known=RateLimit(store, 1, KNOWN_FOR, "login-known"),
        )

    async def try_to_log_in(self, address: str, account: str) -> int | None:
        """Count this try; the seconds to wait when it is one too many (then it is not counted), else ``None``."""
        account = _short(account)
        pair = f"{address}|{account}"
        pair_tries = await self.pair.hit(pair)
        account_tries = await self.account.hit(account)
        address_tries = await self.address.hit(address)
        over = [(self.pair, pair)] if pair_tries > self.pair.limit else []
        if address_tries > self.address.limit:
            over.append((self.address, address))
        if account_tries > self.account.limit and pair_tries > 1 and not await self.known.count(pair):
            over.append((self.account, account))
        if not over:
            return None
        await self._take_back(pair, account, address)
        return max(
            [max(1, await limit.store.expires_in(f"{limit.bucket}:{key}") or limit.window) for limit, key in over]
        )

    async def succeeded(self, address: str, account: str) -> None:
        """The right password: its try does not count, the pair starts afresh and is known from now on."""
        account = _short(account)
        pair = f"{address}|{account}"
        await self._take_back(pair, account, address)
        await self.pair.reset(pair)
        await self.known.hit(pair)

    async def _take_back(self, pair: str, account: str, address: str) -> None:
        await self.account.hit(account, -1)
        await self.address.hit(address, -1)
        await self.pair.hit(pair, -1)


def _short(account: str) -> str:
    """A fixed-length key for whatever was typed as an email (store keys become file names)."""
    return hashlib.sha256(account.encode("utf-8", "surrogatepass")).hexdigest()[:32]
