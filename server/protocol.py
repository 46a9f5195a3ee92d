"""How a socket.io namespace declares what it receives and emits, and how that reads in the README.

Each live package declares its namespace once (``networking/protocol.py``, ``sessions/protocol.py``): one
:class:`Payload` struct per event it receives (with the struct of its acknowledgement) and per event it
emits. The same declarations decode what clients send (:func:`decode`), encode what the server sends
(:meth:`LiveNamespace.emit`), register the handlers (``live.py`` registers exactly the declared events)
and make the README's protocol section (``tests/server/test_protocol_docs.py`` keeps them equal).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar, TypeVar

import msgspec
import socketio

from server.i18n import _
from server.problems import Invalid
from server.validation import ID_LIMIT

RowId = Annotated[int, msgspec.Meta(gt=0, lt=ID_LIMIT)]
"""A row's id on the wire: an id no row can have is refused before any query sees it."""
EventAddress = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]


class Payload(msgspec.Struct, kw_only=True):
    """What one event carries, as JSON: fields by name (keyword-only), unknown ones ignored.

    ``refusals`` says, per field, what a client hears when that field is missing or of the wrong kind;
    fields without one get a sentence made from their type.
    """

    refusals: ClassVar[dict[str, str]] = {}


class Nothing(Payload):
    """The acknowledgement of an event that has nothing to tell but that it worked."""


P = TypeVar("P", bound=Payload)


def decode(shape: type[P], data: object) -> P:
    """A client's payload as ``shape``, or :class:`Invalid` naming the first field it got wrong.

    Anything that is not a JSON object counts as an empty one, so its first required field is refused.
    """
    given = data if isinstance(data, dict) else {}
    for name, value in given.items():
        if _has_lone_surrogate(name) or _has_lone_surrogate(value):  # no database, no encoder can hold one
            raise Invalid({str(name).encode("utf-8", "replace").decode(): _not_text()})
    try:
        return msgspec.convert(given, shape, strict=True)
    except msgspec.ValidationError as error:
        name = _field_of(str(error), shape)
        raise Invalid({name: refusal(shape, name)}) from None


_SURROGATE = re.compile("[\ud800-\udfff]")


def _not_text() -> str:
    return _("This holds characters that are not text (unpaired surrogates).")


def _has_lone_surrogate(value: object) -> bool:
    """Whether any text in ``value`` (however deeply nested) has a UTF-16 surrogate on its own."""
    waiting = [value]
    while waiting:
        item = waiting.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            waiting += [*item.keys(), *item.values()]
        elif isinstance(item, (list, tuple)):
            waiting += item
    return False


def _field_of(message: str, shape: type[Payload]) -> str:
    """The field msgspec's message is about: ``… - at `$.room` `` or ``missing required field `room` ``."""
    if "- at `$." in message:
        path = message.rsplit("- at `$.", 1)[1]
        return path.split("`")[0].split("[")[0].split(".")[0]
    if "missing required field `" in message:
        return message.split("missing required field `", 1)[1].split("`")[0]
    return next(iter(msgspec.structs.fields(shape))).name if msgspec.structs.fields(shape) else "payload"


def refusal(shape: type[Payload], name: str) -> str:
    """What a client hears when the field ``name`` of ``shape`` is missing or wrong."""
    if name in shape.refusals:
        return _(shape.refusals[name])
    kinds = {info.name: info.type for info in msgspec.inspect.type_info(shape).fields}  # type: ignore[attr-defined]
    kind = kinds.get(name)
    if isinstance(kind, msgspec.inspect.UnionType):
        kind = next((t for t in kind.types if not isinstance(t, msgspec.inspect.NoneType)), kind)
    if isinstance(kind, msgspec.inspect.IntType):
        if kind.gt == 0:
            return _("'%(name)s' must be a positive whole number.", name=name)
        return _("'%(name)s' must be a whole number.", name=name)
    if isinstance(kind, msgspec.inspect.StrType):
        if kind.max_length:
            return _("'%(name)s' must be text of at most %(most)s characters.", name=name, most=kind.max_length)
        return _("'%(name)s' must be text.", name=name)
    if isinstance(kind, msgspec.inspect.BoolType):
        return _("'%(name)s' must be true or false.", name=name)
    if isinstance(kind, msgspec.inspect.ListType):
        return _("'%(name)s' must be a list.", name=name)
    if isinstance(kind, msgspec.inspect.FloatType):
        return _("'%(name)s' must be a number.", name=name)
    return _("'%(name)s' is not valid here.", name=name)


def wire(payload: Payload) -> dict[str, Any]:
    """A payload as the JSON object socket.io sends."""
    built: dict[str, Any] = msgspec.to_builtins(payload)
    return built


@dataclass(frozen=True)
class LiveEvent:
    name: str
    shape: type[Payload]  # what it carries: a client's payload, or what the server emits
    says: str  # what it does, in a sentence fragment for the README
    answers: tuple[type[Payload], ...] = (Nothing,)  # sent by clients: what the acknowledgement adds to "ok"

    @property
    def fields(self) -> tuple[str, ...]:
        """The payload's fields for the README; an optional one is marked with ``?``."""
        return tuple(f.name + ("" if f.required else "?") for f in msgspec.structs.fields(self.shape))


@dataclass(frozen=True)
class LiveNamespace:
    path: str
    receives: tuple[LiveEvent, ...]
    emits: tuple[LiveEvent, ...]
    notes: str  # what holds for all of it: acknowledgements, limits
    _names: dict[type[Payload], str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = {event.shape: event.name for event in self.emits}
        if len(names) != len(self.emits):
            raise ValueError(f"{self.path}: each emitted event needs a shape of its own")
        object.__setattr__(self, "_names", names)

    @property
    def received_names(self) -> tuple[str, ...]:
        return tuple(event.name for event in self.receives)

    @property
    def emitted_names(self) -> frozenset[str]:
        return frozenset(event.name for event in self.emits)

    async def emit(self, sio: socketio.AsyncServer, payload: Payload, *, to: str, skip_sid: str | None = None) -> None:
        """Send ``payload`` under the event name its shape is declared with (an undeclared shape cannot be sent)."""
        await sio.emit(self._names[type(payload)], wire(payload), to=to, namespace=self.path, skip_sid=skip_sid)


def _signature(event: LiveEvent) -> str:
    return f"`{event.name} {{{', '.join(event.fields)}}}`" if event.fields else f"`{event.name}`"


def _answer(event: LiveEvent) -> str:
    shapes = [LiveEvent(event.name, shape, "").fields for shape in event.answers]
    told = " or ".join(f"`{{ok, {', '.join(fields)}}}`" for fields in shapes if fields)
    return f"; answers {told}" if told else ""


def _inner_shapes(kind: Any, holder: str, found: dict[type[msgspec.Struct], tuple[Any, list[str]]]) -> None:
    """Every struct met inside a field (``kind`` is its msgspec.inspect type), with the fields that hold it."""
    if isinstance(kind, msgspec.inspect.StructType):
        _kind, holders = found.setdefault(kind.cls, (kind, []))
        if holder not in holders:
            holders.append(holder)
        for info in kind.fields:
            _inner_shapes(info.type, info.name, found)
        return
    for attribute in ("types", "item_type", "value_type"):
        inner = getattr(kind, attribute, None)
        for each in inner if isinstance(inner, tuple) else (inner,) if inner is not None else ():
            _inner_shapes(each, holder, found)


def describe(namespace: LiveNamespace) -> str:
    """The namespace as Markdown: what a client may send, what it will receive, and the rules for both."""
    lines = [f"Socket.IO namespace `{namespace.path}`. {namespace.notes}", "", "Clients send:", ""]
    lines += [f"- {_signature(event)}: {event.says}{_answer(event)}" for event in namespace.receives]
    lines += ["", "The server emits:", ""]
    lines += [f"- {_signature(event)}: {event.says}" for event in namespace.emits]
    inner: dict[type[msgspec.Struct], tuple[Any, list[str]]] = {}
    for event in namespace.receives + namespace.emits:
        for shape in (event.shape, *event.answers):
            for info in msgspec.inspect.type_info(shape).fields:  # type: ignore[attr-defined]
                _inner_shapes(info.type, info.name, inner)
    if inner:
        lines += ["", "Objects inside them:", ""]
        for kind, holders in inner.values():
            fields = ", ".join(f.name + ("" if f.required else "?") for f in kind.fields)
            said = (kind.cls.__doc__ or "").strip().split("\n")[0]
            lines.append(
                f"- {', '.join(f'`{name}`' for name in holders)}: `{{{fields}}}`" + (f" ({said})" if said else "")
            )
    return "\n".join(lines)


class Person(Payload):
    """someone as everyone in a room may see them, never with their email address"""

    id: int
    name: str
    affiliation: str
    pronouns: str
    role: str
    expertise: list[str]
    avatar: str


class Named(Payload):
    """someone named in passing"""

    id: int | None
    name: str
