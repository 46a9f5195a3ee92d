"""The ``/rooms`` socket.io namespace: join, leave, chat, typing, moderation, waitlists, lounge occupancy.

Every event a client sends is acknowledged with ``{"ok": true, ...}`` or
``{"ok": false, "error": "..."}``: a bad payload or a refused action is
never a crash and never silence. Permissions are checked on every event,
from the event's visibility and roles at that moment.
"""

from __future__ import annotations

from server.i18n import _

import asyncio
import logging
import time
from datetime import datetime, timezone
from typing import Any, Awaitable, Callable

import socketio
from litestar.stores.base import Store

from events.access import EventAccess, event_access, event_access_by_id
from networking import moderation, protocol, rooms, speed
from networking.admission import admission
from networking.metrics import ROOM_OCCUPANCY
from networking.presence import HEARTBEAT, PresenceStore
from networking.protocol import ROOMS_PROTOCOL
from networking.rooms import RoomInfo
from networking.tables import SanctionKind
from server.accounts import Account, get_account, public_profiles
from server.activity import peak
from server.auth import account_of_session
from server.ratelimit import RateLimit
from server.live import (
    BackgroundTasks,
    Coalesced,
    acknowledged,
    identify,
    language_of_connection,
    refuse_unknown_events,
)
from server.problems import NotAllowed, NotFound, TooFast
from server.protocol import Named, Nothing, Payload

NAMESPACE = "/rooms"
MESSAGES_PER_WINDOW = 10
MESSAGE_WINDOW_SECONDS = 10
TYPING_EVERY_SECONDS = 2.0  # "is typing" is relayed at most this often per person and room
log = logging.getLogger(__name__)


# Accounts, rooms and roles are looked up again after this long, so a changed role or a closed
# room takes effect within seconds without a database round trip on every chat message.
ACCESS_MEMORY_SECONDS = 5.0
# Occupancy of a busy room is announced to the lounge at most this often.
OCCUPANCY_EVERY_SECONDS = 1.0


class ShortMemory:
    """Remember answers for a few seconds (per worker)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.answers: dict[object, tuple[float, object]] = {}

    async def get(self, key: object, compute: Callable[[], Awaitable[Any]]) -> Any:
        now = time.monotonic()
        remembered = self.answers.get(key)
        if remembered and remembered[0] > now:
            return remembered[1]
        value = await compute()
        if len(self.answers) > 10_000:
            self.answers.clear()
        self.answers[key] = (now + self.seconds, value)
        return value

    def forget(self, key: object) -> None:
        self.answers.pop(key, None)


def room_channel(room_id: int) -> str:
    return f"room:{room_id}"


def lounge_channel(event_id: int) -> str:
    return f"lounge:{event_id}"


class RoomsNamespace:
    """Handlers of the rooms namespace, bound to one socket.io server, presence store and rate-limit store."""

    def __init__(self, sio: socketio.AsyncServer, presence: PresenceStore, session_store: Store, limits: Store) -> None:
        self.sio = sio
        self.presence = presence
        self.session_store = session_store
        self.message_limit = RateLimit(limits, MESSAGES_PER_WINDOW, MESSAGE_WINDOW_SECONDS, "chat")
        self.local_sids: set[str] = set()
        self.recent = ShortMemory(ACCESS_MEMORY_SECONDS)
        self.occupancy_rooms: dict[int, RoomInfo] = {}  # rooms whose occupancy is due to be told
        self.typing_sent: dict[tuple[int, int], float] = {}  # (person, room) -> when last relayed, this worker
        self.background = BackgroundTasks()
        self.occupancy_soon = Coalesced(OCCUPANCY_EVERY_SECONDS, self._send_occupancy, self.background)
        for event in ROOMS_PROTOCOL.receives:  # exactly what the protocol declares, README included
            sio.on(event.name, acknowledged(getattr(self, event.name), event, self._language), namespace=NAMESPACE)
        sio.on("connect", self.connect, namespace=NAMESPACE)
        sio.on("disconnect", self.disconnect, namespace=NAMESPACE)
        refuse_unknown_events(sio, NAMESPACE)

    # Connection ----------------------------------------------------------------------------

    async def _language(self, sid: str) -> str:
        return await language_of_connection(self.sio, sid, NAMESPACE)

    async def connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        await identify(self.sio, sid, environ, self.session_store, NAMESPACE)
        self.local_sids.add(sid)
        await self.presence.mark_alive([sid])

    async def disconnect(self, sid: str, reason: Any = None) -> None:
        self.local_sids.discard(sid)
        for room_id in await self.presence.rooms_of(sid):
            await self._depart(room_id, sid)
        await self.presence.forget(sid)

    async def _account(self, sid: str) -> Account | None:
        """Who this connection speaks for now: a guest once its login session has ended (within seconds)."""
        session_id = (await self.sio.get_session(sid, namespace=NAMESPACE)).get("session_id")
        if not session_id:
            return None
        account: Account | None = await self.recent.get(
            ("session", session_id), lambda: account_of_session(session_id, self.session_store)
        )
        return account

    async def _room_and_access(self, room_id: int, account: Account | None) -> tuple[RoomInfo, EventAccess]:
        async def look_up() -> tuple[RoomInfo | None, EventAccess | None]:
            room = await rooms.get_room(room_id)
            return room, (await event_access_by_id(room.event_id, account) if room else None)

        room, access = await self.recent.get(("room", room_id, account.id if account else None), look_up)
        if room is None or access is None or not access.can_view:
            raise NotFound(_("There is no such room."))
        return room, access

    # Joining and leaving -------------------------------------------------------------------

    async def join(self, sid: str, data: protocol.Join) -> protocol.Seated | protocol.Waiting:
        """Take a seat (or a place on the waiting list); the room is named under its event, as on its page."""
        account = await self._account(sid)
        access = await self.recent.get(
            ("event", data.event, account.id if account else None), lambda: event_access(data.event, account)
        )
        room = await rooms.get_room(data.room)
        verdict = await admission(room, access, account)
        if not verdict.admitted:
            raise NotAllowed(verdict.refusal or "You may not join this room.")
        assert room is not None and access is not None and account is not None
        if not room.is_open(datetime.now(timezone.utc)) and not access.can_organise:
            raise NotAllowed(_("This room is closed now."))
        present = await self.presence.people(room.id)
        full = room.capacity is not None and len(present) >= room.capacity and account.id not in present
        if full and not access.can_organise:
            position = await self.presence.wait(room.id, account.id, sid)
            return protocol.Waiting(
                waitlisted=True, position=position, room=protocol.RoomNamed(id=room.id, name=room.name)
            )
        await self._seat(room, account.id, sid)
        return await self._snapshot(room, access, account)

    async def _seat(self, room: RoomInfo, user_id: int, sid: str) -> None:
        await self.presence.stop_waiting(room.id, sid)
        newcomer = await self.presence.enter(room.id, user_id, sid)
        await self.sio.enter_room(sid, room_channel(room.id), namespace=NAMESPACE)
        if newcomer:
            person = (await public_profiles([user_id]))[user_id].as_payload()
            await self._emit(protocol.Presence(room=room.id, joined=person), to=room_channel(room.id), skip_sid=sid)
            await self._announce_occupancy(room)

    async def _snapshot(self, room: RoomInfo, access: EventAccess, account: Account | None) -> protocol.Seated:
        present = await self.presence.people(room.id)
        peak(ROOM_OCCUPANCY, str(room.id), len(present))
        people = await public_profiles(sorted(present))
        muted = account is not None and await rooms.has_sanction(room.id, account.id, SanctionKind.mute)
        return protocol.Seated(
            room=protocol.RoomShown(
                id=room.id,
                name=room.name,
                description=room.description,
                kind=room.kind,
                capacity=room.capacity,
                video_url=room.video_url if account else "",
            ),
            people=[profile.as_payload() for profile in people.values()],
            messages=[message.as_payload() for message in await rooms.recent_messages(room.id)],
            moderator=access.can_organise,
            muted=muted,
            me=account.id if account else None,
        )

    async def _emit(self, payload: Payload, *, to: str, skip_sid: str | None = None) -> None:
        await ROOMS_PROTOCOL.emit(self.sio, payload, to=to, skip_sid=skip_sid)

    async def leave(self, sid: str, data: protocol.InRoom) -> Nothing:
        await self.presence.stop_waiting(data.room, sid)
        await self._depart(data.room, sid)
        return Nothing()

    async def _depart(self, room_id: int, sid: str) -> None:
        await self.sio.leave_room(sid, room_channel(room_id), namespace=NAMESPACE)
        user_id = await self.presence.leave(room_id, sid)
        if user_id is not None:
            await self._after_departure(room_id, user_id)

    async def _after_departure(self, room_id: int, user_id: int) -> None:
        await self._emit(protocol.Presence(room=room_id, left=user_id), to=room_channel(room_id))
        room = await rooms.get_room(room_id)
        if room is not None:
            await self._admit_waiting(room)
            await self._announce_occupancy(room)

    async def _admit_waiting(self, room: RoomInfo) -> None:
        """Give free seats to the people waiting longest, and tell them they are in."""
        while room.capacity is None or len(await self.presence.people(room.id)) < room.capacity:
            waiting = await self.presence.next_waiting(room.id)
            if waiting is None:
                return
            user_id, sid = waiting
            account = await get_account(user_id)
            access = await event_access_by_id(room.event_id, account)
            if not (await admission(room, access, account)).admitted or account is None or access is None:
                continue  # banned or no longer allowed while waiting: the seat goes to the next person
            await self._seat(room, user_id, sid)
            await self._emit(await self._snapshot(room, access, account), to=sid)  # "admitted"

    async def _announce_occupancy(self, room: RoomInfo) -> None:
        """Tell the lounge who sits where, at most once a second per room however many arrive."""
        self.occupancy_rooms[room.id] = room
        self.occupancy_soon.soon(room.id)

    async def _send_occupancy(self, room_id: int) -> None:
        room = self.occupancy_rooms.pop(room_id)
        present = await self.presence.people(room.id)
        peak(ROOM_OCCUPANCY, str(room.id), len(present))
        people = await public_profiles(sorted(present))
        await self._emit(
            protocol.Occupancy(room=room.id, people=[p.as_payload() for p in people.values()]),
            to=lounge_channel(room.event_id),
        )

    async def watch_lounge(self, sid: str, data: protocol.WatchLounge) -> protocol.Lounge:
        """Follow the occupancy of every room of an event (the lounge floor plan)."""
        access = await event_access(data.event, await self._account(sid))
        if access is None or not access.can_view:
            raise NotFound(_("There is no such event."))
        await self.sio.enter_room(sid, lounge_channel(access.event_id), namespace=NAMESPACE)
        occupancy = {}
        for room in await rooms.list_rooms(access.event_id):
            people = await public_profiles(sorted(await self.presence.people(room.id)))
            occupancy[str(room.id)] = [p.as_payload() for p in people.values()]
        return protocol.Lounge(occupancy=occupancy)

    # Talking -------------------------------------------------------------------------------

    async def _seated(self, sid: str, room_id: int) -> tuple[RoomInfo, EventAccess, Account]:
        account = await self._account(sid)
        if account is None:
            raise NotAllowed(_("Log in to take part."))
        if room_id not in await self.presence.rooms_of(sid):
            raise NotAllowed(_("Join the room first."))
        room, access = await self._room_and_access(room_id, account)
        return room, access, account

    async def send(self, sid: str, data: protocol.Send) -> protocol.Sent:
        room, _access, account = await self._seated(sid, data.room)
        body = rooms.check_message(data.body)
        await moderation.require_voice(room, account)
        key = f"chat:{account.id}"
        wait = await self.message_limit.retry_after(key)
        if wait is not None:
            raise TooFast(f"You are sending messages too fast; wait {wait} seconds.", wait)
        await self.message_limit.hit(key)
        message = await rooms.post_message(room.id, account.id, body, rooms.check_nonce(data.nonce))
        await self._emit(message.as_payload(), to=room_channel(room.id))
        return protocol.Sent(id=message.id)

    async def typing(self, sid: str, data: protocol.InRoom) -> protocol.Relayed:
        """Tell the room someone is typing: at most once every two seconds per person and room."""
        room, _access, account = await self._seated(sid, data.room)
        now, key = time.monotonic(), (account.id, room.id)
        if now - self.typing_sent.get(key, float("-inf")) < TYPING_EVERY_SECONDS:
            return protocol.Relayed(relayed=False)
        if len(self.typing_sent) > 10_000:
            self.typing_sent.clear()
        self.typing_sent[key] = now
        await self._emit(
            protocol.Typing(room=room.id, user=Named(id=account.id, name=account.display_name)),
            to=room_channel(room.id),
            skip_sid=sid,
        )
        return protocol.Relayed(relayed=True)

    # Moderation ----------------------------------------------------------------------------

    async def moderate(self, sid: str, data: protocol.Moderate) -> Nothing:
        """The rules are networking.moderation's; this tells the room and removes whoever must leave."""
        account = await self._account(sid)
        room, access = await self._room_and_access(data.room, account) if account else (None, None)
        done = await moderation.moderate(room, access, account, data.action, data.message, data.user)
        assert room is not None
        if done.message_id is not None:
            await self._emit(protocol.MessageDeleted(room=room.id, id=done.message_id), to=room_channel(room.id))
            return Nothing()
        await self._emit(
            protocol.Moderation(room=room.id, action=done.action, user=done.user_id), to=room_channel(room.id)
        )
        if done.removes and done.user_id is not None:
            await self._remove(room, done.user_id)
        return Nothing()

    async def _remove(self, room: RoomInfo, user_id: int) -> None:
        for sid in await self.presence.sids_of(room.id, user_id):
            await self._emit(protocol.Removed(room=room.id), to=sid)
            await self._depart(room.id, sid)

    # Speed networking ----------------------------------------------------------------------

    async def speed_round(self, sid: str, data: protocol.StartSpeedRound) -> protocol.RoundStarted:
        """Group everyone waiting in a speed-networking room and send each group to its breakout."""
        account = await self._account(sid)
        room, access = await self._room_and_access(data.room, account) if account else (None, None)
        account = moderation.require_round_organiser(access, account)
        assert room is not None
        minutes, size = speed.check_round(data.minutes, data.size)
        waiting = sorted(await self.presence.people(room.id) - {account.id})
        started = await speed.start_round(room, waiting, minutes, size)
        everyone = await public_profiles(waiting)
        for group in started.groups:
            for user_id in group.members:
                partners = [everyone[other].as_payload() for other in group.members if other != user_id]
                for member_sid in await self.presence.sids_of(room.id, user_id):
                    await self._emit(
                        protocol.SpeedGroup(
                            round=started.number,
                            room=group.breakout.id,
                            slug=group.breakout.slug,
                            name=group.breakout.name,
                            ends_at=started.ends_at.isoformat(),
                            partners=partners,
                        ),
                        to=member_sid,
                    )
        await self._emit(
            protocol.SpeedRound(
                room=room.id, round=started.number, groups=len(started.groups), ends_at=started.ends_at.isoformat()
            ),
            to=room_channel(room.id),
        )
        self.background.start(self._finish_round(room, started))
        return protocol.RoundStarted(round=started.number, groups=[list(group.members) for group in started.groups])

    async def _finish_round(self, room: RoomInfo, started: speed.StartedRound) -> None:
        await asyncio.sleep(max(0.0, (started.ends_at - datetime.now(timezone.utc)).total_seconds()))
        for group in started.groups:
            await self._emit(
                protocol.SpeedRoundOver(round=started.number, back_to=room.slug), to=room_channel(group.breakout.id)
            )
        await speed.end_round(started)

    # Keeping presence true -----------------------------------------------------------------

    async def keep_presence(self) -> None:
        """Renew this worker's connections and sweep out everyone whose worker stopped renewing theirs."""
        while True:
            try:
                await self.presence.mark_alive(list(self.local_sids))
                for departure in await self.presence.sweep():
                    await self._after_departure(departure.room_id, departure.user_id)
            except asyncio.CancelledError:
                raise
            except Exception:  # Redis may be restarting: try again at the next beat
                log.exception("presence upkeep failed")
            await asyncio.sleep(HEARTBEAT)
