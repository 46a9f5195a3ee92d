"""The live protocols as declared, as registered, as emitted and as the README tells them are one and the same."""

from __future__ import annotations

import typing
from pathlib import Path

import pytest

from networking.live import RoomsNamespace
from networking.protocol import ROOMS_PROTOCOL
from server.protocol import LiveNamespace, describe
from sessions.live import QaNamespace
from sessions.protocol import QA_PROTOCOL

ROOT = Path(__file__).resolve().parents[2]
START, END = (
    "<!-- live-protocol: made from networking/protocol.py and sessions/protocol.py -->",
    "<!-- /live-protocol -->",
)


def protocol_section() -> str:
    return "\n\n".join(describe(namespace) for namespace in (ROOMS_PROTOCOL, QA_PROTOCOL))


def test_the_readme_tells_the_protocol_exactly_as_it_is_declared() -> None:
    readme = (ROOT / "README.md").read_text()
    shown = readme.split(START, 1)[1].split(END, 1)[0].strip()

    assert shown == protocol_section(), "paste the section printed here into README.md:\n" + protocol_section()


@pytest.mark.parametrize(
    ("namespace", "handlers", "source"),
    [
        (ROOMS_PROTOCOL, RoomsNamespace, "networking/live.py"),
        (QA_PROTOCOL, QaNamespace, "sessions/live.py"),
    ],
)
def test_every_declared_event_is_handled_with_the_declared_shapes(
    namespace: LiveNamespace, handlers: type, source: str
) -> None:
    code = (ROOT / source).read_text()

    assert "sio.emit(" not in code, "emit through the namespace's declaration, so only declared shapes go out"
    for event in namespace.receives:
        hints = typing.get_type_hints(getattr(handlers, event.name))
        answered = hints["return"]
        assert hints["data"] is event.shape, event.name
        assert set(typing.get_args(answered) or (answered,)) == set(event.answers), event.name
