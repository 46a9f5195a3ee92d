"""Baseline for bench/qa.py: bare python-socketio counting votes in memory and broadcasting every change."""

from collections import defaultdict

import socketio

sio = socketio.AsyncServer(async_mode="asgi", transports=["websocket"])
votes: dict[int, set[str]] = defaultdict(set)


@sio.on("watch", namespace="/qa")
async def watch(sid: str, data: dict) -> dict:
    await sio.enter_room(sid, "thread", namespace="/qa")
    return {"ok": True, "questions": []}


@sio.on("vote", namespace="/qa")
async def vote(sid: str, data: dict) -> dict:
    question = data["question"]
    votes[question].add(data["voter"])
    await sio.emit("votes", {"counts": {str(question): len(votes[question])}}, to="thread", namespace="/qa")
    return {"ok": True, "votes": len(votes[question])}


app = socketio.ASGIApp(sio)
