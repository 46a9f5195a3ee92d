"""The baseline for live benchmarks: bare python-socketio servers doing the same work without Hallway.

``whoami`` answers a constant (for bench/live_socketio.py); the ``/rooms``
namespace joins a room and broadcasts what is sent to it, with no
permissions, persistence or presence (for bench/rooms.py).
"""

import itertools

import socketio

sio = socketio.AsyncServer(async_mode="asgi", transports=["websocket"])
_ids = itertools.count(1)


@sio.event
async def whoami(sid: str, data: object = None) -> dict[str, object]:
    return {"user_id": None, "display_name": "Guest", "guest": True, "admin": False}


@sio.on("join", namespace="/rooms")
async def join(sid: str, data: dict) -> dict[str, object]:
    await sio.enter_room(sid, f"room:{data['room']}", namespace="/rooms")
    return {"ok": True, "people": [], "messages": []}


@sio.on("send", namespace="/rooms")
async def send(sid: str, data: dict) -> dict[str, object]:
    message = {"id": next(_ids), "room": data["room"], "body": data["body"]}
    await sio.emit("message", message, to=f"room:{data['room']}", namespace="/rooms")
    return {"ok": True, "id": message["id"]}


app = socketio.ASGIApp(sio)
