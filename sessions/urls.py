"""Addresses of a session's questions, live page and projector view (see server/urls.py)."""

from __future__ import annotations

from events.urls import event_url, session_url
from server.urls import UrlFunction, part


def thread_url(event: str, session: str, tail: str = "") -> str:
    """The session's questions, or what is under them (``ask``, ``polls``, ``?order=time``)."""
    return session_url(event, session, f"questions/{tail}")


def questions_url(event: str, session: str, question: int | None = None) -> str:
    """The session's questions; with ``question``, that question in the thread."""
    path = thread_url(event, session)
    return f"{path}#question-{int(question)}" if question is not None else path


def question_url(event: str, session: str, question: int, action: str) -> str:
    """Where a question is answered, approved, pinned... (``action``)."""
    return thread_url(event, session, f"{int(question)}/{part(action)}")


def poll_url(event: str, session: str, poll: int, action: str) -> str:
    """Where a poll is answered, opened, closed... (``action``)."""
    return thread_url(event, session, f"polls/{int(poll)}/{part(action)}")


def live_url(event: str, session: str) -> str:
    return session_url(event, session, "live/")


def present_url(event: str, session: str) -> str:
    return session_url(event, session, "present/")


def qa_settings_url(event: str) -> str:
    return event_url(event, "qa-settings")


URLS: tuple[UrlFunction, ...] = (
    thread_url,
    questions_url,
    question_url,
    poll_url,
    live_url,
    present_url,
    qa_settings_url,
)
