"""The `/qa` live protocol: every event clients send and the server emits (see server/protocol.py)."""

from __future__ import annotations

from server.protocol import LiveEvent, LiveNamespace

QA_PROTOCOL = LiveNamespace(
    path="/qa",
    notes=(
        "After `watch`, the connection's other events are about the watched session (each may also name "
        "`event` and `session` to act on another one). Each is acknowledged like `/rooms`'. Each person may "
        "ask 5 questions and vote 120 times a minute in each event."
    ),
    receives=(
        LiveEvent("watch", ("event", "session"), "follow a session's thread and polls, as this person may see them"),
        LiveEvent("thread", ("order",), "the thread now, by `votes` or by `time`"),
        LiveEvent(
            "ask",
            ("body", "anonymous"),
            "ask a question (the answer says its `id`, and `waiting` when a moderator approves it first)",
        ),
        LiveEvent("vote", ("question", "up"), "up-vote a question, or take the vote back"),
        LiveEvent("poll_answer", ("poll", "choices"), "answer an open poll (choices by their numbers)"),
    ),
    emits=(
        LiveEvent("thread_changed", ("session",), "something in the thread changed: fetch your view again"),
        LiveEvent("votes", ("session", "counts"), "new vote counts, at most five times a second per thread"),
    ),
)
