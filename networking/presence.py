"""Who is in which networking room, and who waits for a seat, right across workers.

Every connection (socket id) is marked alive by the worker that holds it,
every ``HEARTBEAT`` seconds, for ``ALIVE_FOR`` seconds. A person is present in
a room while one of their connections in it is alive. When a worker dies its
connections stop being renewed, and the next sweep (every ``HEARTBEAT``
seconds, on any worker) removes them: nobody stays "present" for more than
``ALIVE_FOR + HEARTBEAT`` seconds (20 s) after their connection is gone.

Two stores with one interface: Redis when ``HALLWAY_REDIS_URL`` is set (several
workers and hosts), memory for the embedded single-process default.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Protocol, cast, runtime_checkable

from redis.asyncio import Redis

HEARTBEAT = 5.0
ALIVE_FOR = 15.0


@dataclass(frozen=True)
class Departure:
    room_id: int
    user_id: int


@runtime_checkable  # handlers receive it by dependency injection, which checks what it is given
class PresenceStore(Protocol):
    async def mark_alive(self, sids: list[str]) -> None: ...
    async def forget(self, sid: str) -> None: ...
    async def enter(self, room_id: int, user_id: int, sid: str) -> bool: ...
    async def leave(self, room_id: int, sid: str) -> int | None: ...
    async def people(self, room_id: int) -> set[int]: ...
    async def rooms_of(self, sid: str) -> set[int]: ...
    async def sids_of(self, room_id: int, user_id: int) -> list[str]: ...
    async def wait(self, room_id: int, user_id: int, sid: str) -> int: ...
    async def position(self, room_id: int, sid: str) -> int | None: ...
    async def stop_waiting(self, room_id: int, sid: str) -> None: ...
    async def next_waiting(self, room_id: int) -> tuple[int, str] | None: ...
    async def sweep(self) -> list[Departure]: ...


def _member(user_id: int, sid: str) -> str:
    return f"{user_id}:{sid}"


def _split(member: str | bytes) -> tuple[int, str]:
    text = member.decode() if isinstance(member, bytes) else member
    user, _, sid = text.partition(":")
    return int(user), sid


class MemoryPresence:
    """One process: the store is this process's memory."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._alive: dict[str, float] = {}
        self._rooms: dict[int, dict[str, int]] = defaultdict(dict)  # room -> sid -> user
        self._waiting: dict[int, list[tuple[int, str]]] = defaultdict(list)

    def _is_alive(self, sid: str) -> bool:
        return self._alive.get(sid, 0.0) > self._clock()

    async def mark_alive(self, sids: list[str]) -> None:
        until = self._clock() + ALIVE_FOR
        for sid in sids:
            self._alive[sid] = until

    async def forget(self, sid: str) -> None:
        self._alive.pop(sid, None)

    async def enter(self, room_id: int, user_id: int, sid: str) -> bool:
        await self.mark_alive([sid])
        newcomer = user_id not in await self.people(room_id)
        self._rooms[room_id][sid] = user_id
        return newcomer

    async def leave(self, room_id: int, sid: str) -> int | None:
        user_id = self._rooms[room_id].pop(sid, None)
        if user_id is None or user_id in await self.people(room_id):
            return None
        return user_id

    async def people(self, room_id: int) -> set[int]:
        return {user for sid, user in self._rooms[room_id].items() if self._is_alive(sid)}

    async def rooms_of(self, sid: str) -> set[int]:
        return {room for room, members in self._rooms.items() if sid in members}

    async def sids_of(self, room_id: int, user_id: int) -> list[str]:
        return [sid for sid, user in self._rooms[room_id].items() if user == user_id]

    async def wait(self, room_id: int, user_id: int, sid: str) -> int:
        queue = self._waiting[room_id]
        if not any(entry[1] == sid for entry in queue):
            queue.append((user_id, sid))
        return await self.position(room_id, sid) or len(queue)

    async def position(self, room_id: int, sid: str) -> int | None:
        live = [entry for entry in self._waiting[room_id] if self._is_alive(entry[1])]
        return next((number for number, entry in enumerate(live, start=1) if entry[1] == sid), None)

    async def stop_waiting(self, room_id: int, sid: str) -> None:
        self._waiting[room_id] = [entry for entry in self._waiting[room_id] if entry[1] != sid]

    async def next_waiting(self, room_id: int) -> tuple[int, str] | None:
        queue = self._waiting[room_id]
        while queue:
            user_id, sid = queue.pop(0)
            if self._is_alive(sid):
                return user_id, sid
        return None

    async def sweep(self) -> list[Departure]:
        gone: list[Departure] = []
        for room_id, members in self._rooms.items():
            for sid in [sid for sid in members if not self._is_alive(sid)]:
                user_id = await self.leave(room_id, sid)
                if user_id is not None:
                    gone.append(Departure(room_id, user_id))
        for sid in [sid for sid, until in self._alive.items() if until <= self._clock()]:
            del self._alive[sid]
        return gone


class RedisPresence:
    """Several workers and hosts: sorted sets in Redis, scored by time.

    ``alive`` scores each socket id with the time it stops counting;
    ``room:<id>`` holds ``user:sid`` members; ``wait:<id>`` holds waiters in
    arrival order; ``rooms`` lists the rooms anyone is in, for the sweep.
    """

    def __init__(self, redis: Redis, prefix: str, clock: Callable[[], float] = time.time) -> None:
        self._redis = redis
        self._prefix = f"{prefix}:presence"
        self._clock = clock

    def _key(self, *parts: object) -> str:
        return ":".join([self._prefix, *map(str, parts)])

    async def _members(self, key: str) -> list[str | bytes]:
        """A sorted set's members, oldest first (redis-py types its answers loosely; these are strings)."""
        return cast(list[str | bytes], await self._redis.zrange(key, 0, -1))

    async def _alive(self, sids: list[str]) -> set[str]:
        if not sids:
            return set()
        scores = await self._redis.zmscore(self._key("alive"), sids)
        now = self._clock()
        return {sid for sid, score in zip(sids, scores) if score is not None and score > now}

    async def mark_alive(self, sids: list[str]) -> None:
        if sids:
            until = self._clock() + ALIVE_FOR
            await self._redis.zadd(self._key("alive"), {sid: until for sid in sids})

    async def forget(self, sid: str) -> None:
        await self._redis.zrem(self._key("alive"), sid)

    async def enter(self, room_id: int, user_id: int, sid: str) -> bool:
        await self.mark_alive([sid])
        newcomer = user_id not in await self.people(room_id)
        pipe = self._redis.pipeline()
        pipe.zadd(self._key("room", room_id), {_member(user_id, sid): self._clock()})
        pipe.sadd(self._key("rooms"), room_id)
        pipe.sadd(self._key("sid", sid), room_id)
        pipe.expire(self._key("sid", sid), 86400)
        await pipe.execute()
        return newcomer

    async def leave(self, room_id: int, sid: str) -> int | None:
        members = await self._members(self._key("room", room_id))
        mine = [m for m in members if _split(m)[1] == sid]
        if not mine:
            return None
        removed = await self._redis.zrem(self._key("room", room_id), *mine)
        await self._redis.srem(self._key("sid", sid), room_id)
        user_id = _split(mine[0])[0]
        if not removed or user_id in await self.people(room_id):
            return None  # another worker removed it first, or the person is still here on another tab
        return user_id

    async def people(self, room_id: int) -> set[int]:
        members = [_split(m) for m in await self._members(self._key("room", room_id))]
        alive = await self._alive([sid for _, sid in members])
        return {user for user, sid in members if sid in alive}

    async def rooms_of(self, sid: str) -> set[int]:
        return {int(room) for room in await self._redis.smembers(self._key("sid", sid))}

    async def sids_of(self, room_id: int, user_id: int) -> list[str]:
        members = [_split(m) for m in await self._members(self._key("room", room_id))]
        return [sid for user, sid in members if user == user_id]

    async def wait(self, room_id: int, user_id: int, sid: str) -> int:
        await self.mark_alive([sid])
        await self._redis.zadd(self._key("wait", room_id), {_member(user_id, sid): self._clock()}, nx=True)
        return await self.position(room_id, sid) or 1

    async def position(self, room_id: int, sid: str) -> int | None:
        waiting = [_split(m) for m in await self._members(self._key("wait", room_id))]
        alive = await self._alive([s for _, s in waiting])
        live = [s for _, s in waiting if s in alive]
        return live.index(sid) + 1 if sid in live else None

    async def stop_waiting(self, room_id: int, sid: str) -> None:
        waiting = await self._members(self._key("wait", room_id))
        mine = [m for m in waiting if _split(m)[1] == sid]
        if mine:
            await self._redis.zrem(self._key("wait", room_id), *mine)

    async def next_waiting(self, room_id: int) -> tuple[int, str] | None:
        while True:
            popped = cast(list[tuple[str | bytes, float]], await self._redis.zpopmin(self._key("wait", room_id)))
            if not popped:
                return None
            user_id, sid = _split(popped[0][0])
            if await self._alive([sid]):
                return user_id, sid

    async def sweep(self) -> list[Departure]:
        gone: list[Departure] = []
        for raw in await self._redis.smembers(self._key("rooms")):
            room_id = int(raw)
            members = [_split(m) for m in await self._members(self._key("room", room_id))]
            if not members:
                await self._redis.srem(self._key("rooms"), room_id)
                continue
            alive = await self._alive([sid for _, sid in members])
            for user_id, sid in members:
                if sid not in alive and await self.leave(room_id, sid) is not None:
                    gone.append(Departure(room_id, user_id))
        await self._redis.zremrangebyscore(self._key("alive"), "-inf", self._clock())
        return gone
