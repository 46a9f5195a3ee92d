"""How a socket.io namespace declares what it receives and emits, and how that reads in the README.

Each live package declares its namespace once (``networking/protocol.py``, ``sessions/protocol.py``): its
``live.py`` registers a handler for exactly the events declared as received, and the README's protocol
section is made from the same declarations (``tests/server/test_protocol_docs.py`` keeps them equal).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LiveEvent:
    name: str
    fields: tuple[str, ...]
    says: str  # what it does, in a sentence fragment for the README


@dataclass(frozen=True)
class LiveNamespace:
    path: str
    receives: tuple[LiveEvent, ...]
    emits: tuple[LiveEvent, ...]
    notes: str  # what holds for all of it: acknowledgements, limits

    @property
    def received_names(self) -> tuple[str, ...]:
        return tuple(event.name for event in self.receives)

    @property
    def emitted_names(self) -> frozenset[str]:
        return frozenset(event.name for event in self.emits)


def _signature(event: LiveEvent) -> str:
    return f"`{event.name} {{{', '.join(event.fields)}}}`" if event.fields else f"`{event.name}`"


def describe(namespace: LiveNamespace) -> str:
    """The namespace as Markdown: what a client may send, what it will receive, and the rules for both."""
    lines = [f"Socket.IO namespace `{namespace.path}`. {namespace.notes}", "", "Clients send:", ""]
    lines += [f"- {_signature(event)}: {event.says}" for event in namespace.receives]
    lines += ["", "The server emits:", ""]
    lines += [f"- {_signature(event)}: {event.says}" for event in namespace.emits]
    return "\n".join(lines)
