"""The baseline for live benchmarks: a bare python-socketio server with the same event, no Hallway."""

import socketio

sio = socketio.AsyncServer(async_mode="asgi", transports=["websocket"])


@sio.event
async def whoami(sid: str, data: object = None) -> dict[str, object]:
    return {"user_id": None, "display_name": "Guest", "guest": True, "admin": False}


app = socketio.ASGIApp(sio)
