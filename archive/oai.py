"""OAI-PMH 2.0 (https://www.openarchives.org/OAI/openarchivesprotocol.html) over the public archive.

Library harvesters (a union catalogue, a discovery layer, BASE) pull our records with six
verbs. Records are Dublin Core (oai_dc); sets are ``event:<slug>``, ``year:<yyyy>`` and
``topic:<slug>``; withdrawn items stay as deleted records forever (``deletedRecord``
persistent). Resumption tokens carry the position of the last record sent, so harvesting
a large archive is stable even while new items arrive.
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from server.validation import EARLIEST_YEAR, ID_LIMIT, LATEST_YEAR, is_row_id, whole_number, xml_safe_bytes

from archive.citation import permalink
from archive.items import ItemView, item_view, listable_scope, listed_in
from archive.recordings import SessionMedia, media_by_session
from archive.tables import ArchiveItem, ItemStatus
from archive.topics import TopicView, list_topics, sessions_on_topics, subtree_ids, topic_by_slug, topics_by_session

OAI = "http://www.openarchives.org/OAI/2.0/"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
PAGE = 100
EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)
ARGUMENTS = {
    "Identify": (set(), set()),
    "ListMetadataFormats": (set(), {"identifier"}),
    "ListSets": (set(), {"resumptionToken"}),
    "GetRecord": ({"identifier", "metadataPrefix"}, set()),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
}
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SECOND = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")

for prefix, uri in (("", OAI), ("oai_dc", OAI_DC), ("dc", DC), ("xsi", XSI)):
    ET.register_namespace(prefix, uri)


class OaiError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Harvest:
    """A list request: what was asked for, and where the previous page stopped."""

    prefix: str
    start: datetime | None
    until: datetime | None
    set_spec: str
    after: tuple[str, int] | None = None


def _q(namespace: str, tag: str) -> str:
    return f"{{{namespace}}}{tag}"


def stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


async def oai_response(arguments: dict[str, list[str]], base_url: str, now: datetime | None = None) -> bytes:
    """The whole XML response to one OAI-PMH request (errors included: OAI-PMH reports them in XML)."""
    now = now or datetime.now(timezone.utc)
    root = ET.Element(_q(OAI, "OAI-PMH"))
    root.set(_q(XSI, "schemaLocation"), f"{OAI} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd")
    ET.SubElement(root, _q(OAI, "responseDate")).text = stamp(now)
    request = ET.SubElement(root, _q(OAI, "request"))
    request.text = f"{base_url.rstrip('/')}/oai"
    try:
        verb, args = _check_arguments(arguments)
        for name, value in ({"verb": verb} | args).items():
            request.set(name, value)
        body = await VERBS[verb](args, base_url)
        root.append(body)
    except OaiError as error:
        if error.code in ("badVerb", "badArgument"):
            request.attrib.clear()  # the protocol echoes no arguments of a request it could not read
        ET.SubElement(root, _q(OAI, "error"), code=error.code).text = error.message
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + xml_safe_bytes(ET.tostring(root, encoding="utf-8"))


def _check_arguments(arguments: dict[str, list[str]]) -> tuple[str, dict[str, str]]:
    verbs = arguments.get("verb", [])
    if len(verbs) != 1 or verbs[0] not in ARGUMENTS:
        raise OaiError("badVerb", "The verb argument is missing, repeated or not an OAI-PMH verb.")
    verb = verbs[0]
    required, optional = ARGUMENTS[verb]
    args: dict[str, str] = {}
    for name, values in arguments.items():
        if name == "verb":
            continue
        if name not in required | optional | ({"resumptionToken"} if "resumptionToken" in optional else set()):
            raise OaiError("badArgument", f"{verb} does not take the argument {name}.")
        if len(values) != 1:
            raise OaiError("badArgument", f"The argument {name} is repeated.")
        args[name] = values[0]
    if "resumptionToken" in args:
        if len(args) > 1:
            raise OaiError("badArgument", "resumptionToken is an exclusive argument.")
        return verb, args
    missing = required - set(args)
    if missing:
        raise OaiError("badArgument", f"{verb} needs the argument(s) {', '.join(sorted(missing))}.")
    return verb, args


async def _identify(_args: dict[str, str], base_url: str) -> ET.Element:
    element = ET.Element(_q(OAI, "Identify"))
    host = urlsplit(base_url).hostname or "localhost"
    earliest = await ArchiveItem.select(ArchiveItem.updated_at).order_by(ArchiveItem.updated_at).first()
    for tag, text in (
        ("repositoryName", "Hallway archive"),
        ("baseURL", f"{base_url.rstrip('/')}/oai"),
        ("protocolVersion", "2.0"),
        ("adminEmail", f"archive@{host}"),
        ("earliestDatestamp", stamp(earliest["updated_at"] if earliest else EARLIEST)),
        ("deletedRecord", "persistent"),
        ("granularity", "YYYY-MM-DDThh:mm:ssZ"),
    ):
        ET.SubElement(element, _q(OAI, tag)).text = text
    return element


async def _list_metadata_formats(args: dict[str, str], base_url: str) -> ET.Element:
    if "identifier" in args:
        await _item_for_identifier(args["identifier"], base_url)
    element = ET.Element(_q(OAI, "ListMetadataFormats"))
    fmt = ET.SubElement(element, _q(OAI, "metadataFormat"))
    for tag, text in (
        ("metadataPrefix", "oai_dc"),
        ("schema", "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"),
        ("metadataNamespace", OAI_DC),
    ):
        ET.SubElement(fmt, _q(OAI, tag)).text = text
    return element


async def _list_sets(args: dict[str, str], _base_url: str) -> ET.Element:
    if "resumptionToken" in args:
        raise OaiError("badResumptionToken", "This repository sends all sets at once; there is nothing to resume.")
    items = [item_view(row) for row in await ArchiveItem.select().where(await _harvested())]
    element = ET.Element(_q(OAI, "ListSets"))
    # A parent set is listed only with its children: it holds exactly the records of its children.
    events = sorted({(f"event:{i.event_slug}", i.event_title) for i in items})
    years = sorted({(f"year:{i.year}", str(i.year)) for i in items})
    topics = [(f"topic:{t.slug}", t.name) for t in await list_topics()]
    sets: list[tuple[str, str]] = []
    for parent, children in ((("event", "Events"), events), (("year", "Years"), years), (("topic", "Topics"), topics)):
        sets += [parent, *children] if children else []
    for spec, name in sets:
        entry = ET.SubElement(element, _q(OAI, "set"))
        ET.SubElement(entry, _q(OAI, "setSpec")).text = spec
        ET.SubElement(entry, _q(OAI, "setName")).text = name
    return element


async def _get_record(args: dict[str, str], base_url: str) -> ET.Element:
    _check_prefix(args["metadataPrefix"])
    item = await _item_for_identifier(args["identifier"], base_url)
    element = ET.Element(_q(OAI, "GetRecord"))
    element.append(_record(item, base_url, await _facts([item])))
    return element


async def _list_records(args: dict[str, str], base_url: str) -> ET.Element:
    return await _list(args, base_url, "ListRecords")


async def _list_identifiers(args: dict[str, str], base_url: str) -> ET.Element:
    return await _list(args, base_url, "ListIdentifiers")


async def _list(args: dict[str, str], base_url: str, verb: str) -> ET.Element:
    if "resumptionToken" in args:
        harvest, cursor = _decode_token(args["resumptionToken"])
    else:
        harvest, cursor = _harvest(args), 0
    _check_prefix(harvest.prefix)
    condition = await _harvested(harvest)
    total = await ArchiveItem.count().where(condition)
    if total == 0:
        raise OaiError("noRecordsMatch", "No records match these arguments.")
    rows = await _page_of(condition, harvest.after)
    page = [item_view(row) for row in rows]
    facts = await _facts(page)
    element = ET.Element(_q(OAI, verb))
    for item in page:
        if verb == "ListRecords":
            element.append(_record(item, base_url, facts))
        else:
            element.append(_header(item, base_url, facts))
    if cursor + len(page) < total or harvest.after is not None:
        token = ET.SubElement(element, _q(OAI, "resumptionToken"), completeListSize=str(total), cursor=str(cursor))
        if cursor + len(page) < total and page:
            last = page[-1]
            token.text = _encode_token(
                Harvest(
                    harvest.prefix,
                    harvest.start,
                    harvest.until,
                    harvest.set_spec,
                    (last.updated_at.isoformat(), last.id),
                ),
                cursor + len(page),
            )
    return element


async def _page_of(condition: Any, after: tuple[str, int] | None) -> list[dict[str, Any]]:
    """The next page in harvest order (last change, then id), after the last record already sent."""
    if after is not None:
        moment, item_id = datetime.fromisoformat(after[0]), after[1]
        condition &= (ArchiveItem.updated_at > moment) | (
            (ArchiveItem.updated_at == moment) & (ArchiveItem.id > item_id)
        )
    return (
        await ArchiveItem.select()
        .where(condition)
        .order_by(ArchiveItem.updated_at)
        .order_by(ArchiveItem.id)
        .limit(PAGE)
    )


def _harvest(args: dict[str, str]) -> Harvest:
    start = _date_argument(args.get("from"), end_of_day=False)
    until = _date_argument(args.get("until"), end_of_day=True)
    if args.get("from") and args.get("until") and len(args["from"]) != len(args["until"]):
        raise OaiError("badArgument", "from and until must have the same granularity.")
    if start and until and start > until:
        raise OaiError("badArgument", "from is later than until.")
    return Harvest(args["metadataPrefix"], start, until, args.get("set", ""))


def _date_argument(value: str | None, *, end_of_day: bool) -> datetime | None:
    if value is None:
        return None
    try:
        if DAY.match(value):
            day = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=timezone.utc)
            return day + timedelta(days=1, seconds=-1) if end_of_day else day
        if SECOND.match(value):
            return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        pass
    raise OaiError("badArgument", f"{value!r} is not a UTC date (YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ).")


def _encode_token(harvest: Harvest, cursor: int) -> str:
    data = {
        "m": harvest.prefix,
        "f": harvest.start.isoformat() if harvest.start else None,
        "u": harvest.until.isoformat() if harvest.until else None,
        "s": harvest.set_spec,
        "a": list(harvest.after) if harvest.after else None,
        "c": cursor,
    }
    return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode().rstrip("=")


def _decode_token(token: str) -> tuple[Harvest, int]:
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        after = (datetime.fromisoformat(data["a"][0]).isoformat(), data["a"][1]) if data["a"] else None
        harvest = Harvest(
            str(data["m"]),
            datetime.fromisoformat(data["f"]) if data["f"] else None,
            datetime.fromisoformat(data["u"]) if data["u"] else None,
            str(data["s"]),
            after,
        )
        cursor = data["c"]
        moments = [m for m in (harvest.start, harvest.until, after and datetime.fromisoformat(after[0])) if m]
        if any(m.tzinfo is None for m in moments):
            raise ValueError("dates in a token carry their offset")
        if (after is not None and not is_row_id(after[1])) or not isinstance(cursor, int) or not 0 <= cursor < ID_LIMIT:
            raise ValueError("out of range")
        return harvest, cursor
    except (ValueError, KeyError, TypeError, IndexError, OverflowError, RecursionError):
        raise OaiError("badResumptionToken", "This resumption token is not one we issued.") from None


def _check_prefix(prefix: str) -> None:
    if prefix != "oai_dc":
        raise OaiError("cannotDisseminateFormat", f"Records are available as oai_dc, not {prefix!r}.")


async def _harvested(harvest: Harvest | None = None) -> Any:
    """The condition for the items of public events, tombstones included, within the harvest's dates and set."""
    condition = listed_in(await listable_scope(None))
    if harvest is not None:
        if harvest.start:
            condition &= ArchiveItem.updated_at >= harvest.start
        if harvest.until:  # to the end of that second (never past the last date there is: until=9999-12-31)
            condition &= ArchiveItem.updated_at <= harvest.until.replace(microsecond=999_999)
        if (in_set := await _in_set(harvest.set_spec)) is not None:
            condition &= in_set
    return condition


async def _in_set(set_spec: str) -> Any:
    """The records of a set; a parent set's are those of its children (every item has an event and a year; not
    every item has a topic, and with no topics at all the set ``topic`` holds nothing)."""
    if not set_spec or set_spec in ("event", "year"):
        return None
    if set_spec == "topic":
        topics = await list_topics()
        guids = await sessions_on_topics({t.id for t in topics})
        return ArchiveItem.session_guid.is_in([uuid.UUID(g) for g in guids] or [uuid.UUID(int=0)])
    kind, _, value = set_spec.partition(":")
    year = whole_number(value) if kind == "year" and len(value) == 4 else None
    if year is not None and EARLIEST_YEAR <= year <= LATEST_YEAR:
        first = datetime(year, 1, 1, tzinfo=timezone.utc)
        return (ArchiveItem.starts_at >= first) & (ArchiveItem.starts_at < first.replace(year=year + 1))
    if kind == "event" and value:
        return ArchiveItem.event_slug == value
    if kind == "topic" and value and (topic := await topic_by_slug(value)):
        guids = await sessions_on_topics(await subtree_ids(topic.id))
        return ArchiveItem.session_guid.is_in([uuid.UUID(g) for g in guids] or [uuid.UUID(int=0)])
    raise OaiError("badArgument", f"There is no set {set_spec!r}.")


def identifier(item: ItemView, base_url: str) -> str:
    return f"oai:{urlsplit(base_url).hostname or 'localhost'}:{item.handle}"


async def _item_for_identifier(value: str, base_url: str) -> ItemView:
    prefix = f"oai:{urlsplit(base_url).hostname or 'localhost'}:"
    handle = value[len(prefix) :] if value.startswith(prefix) else ""
    row = (
        await ArchiveItem.select().where(await _harvested() & (ArchiveItem.handle == handle)).first()
        if handle
        else None
    )
    if row is None:
        raise OaiError("idDoesNotExist", f"There is no record {value!r} in this repository.")
    return item_view(row)


@dataclass(frozen=True)
class Facts:
    """What a page of records needs besides the items, read in a few queries for the whole page."""

    topics: dict[str, list[TopicView]]
    media: dict[str, SessionMedia]


async def _facts(items: list[ItemView]) -> Facts:
    guids = [item.session_guid for item in items]
    return Facts(await topics_by_session(guids), await media_by_session(guids, with_cues=False))


def _header(item: ItemView, base_url: str, facts: Facts) -> ET.Element:
    header = ET.Element(_q(OAI, "header"))
    if item.status == ItemStatus.withdrawn:
        header.set("status", "deleted")
    ET.SubElement(header, _q(OAI, "identifier")).text = identifier(item, base_url)
    ET.SubElement(header, _q(OAI, "datestamp")).text = stamp(item.updated_at)
    specs = [f"event:{item.event_slug}", f"year:{item.year}"]
    specs += [f"topic:{t.slug}" for t in facts.topics.get(item.session_guid, [])]
    for spec in specs:
        ET.SubElement(header, _q(OAI, "setSpec")).text = spec
    return header


def _record(item: ItemView, base_url: str, facts: Facts) -> ET.Element:
    record = ET.Element(_q(OAI, "record"))
    record.append(_header(item, base_url, facts))
    if item.status != ItemStatus.withdrawn:
        metadata = ET.SubElement(record, _q(OAI, "metadata"))
        metadata.append(dublin_core(item, base_url, facts))
    return record


def dublin_core(item: ItemView, base_url: str, facts: Facts) -> ET.Element:
    """The item as simple Dublin Core, with DCMI types and ISO 639 / ISO 8601 values."""
    dc = ET.Element(_q(OAI_DC, "dc"))
    dc.set(_q(XSI, "schemaLocation"), f"{OAI_DC} http://www.openarchives.org/OAI/2.0/oai_dc.xsd")
    media = facts.media[item.session_guid]
    types = (
        ["Event"] + (["MovingImage"] if "video" in media.kinds else []) + (["Sound"] if "audio" in media.kinds else [])
    )
    if media.languages or "slides" in media.kinds:
        types.append("Text")
    values = [("title", item.title)]
    values += [("creator", name) for name in item.presenter_names]
    values += [("subject", t.name) for t in facts.topics.get(item.session_guid, [])]
    values += [("description", item.abstract)] if item.abstract else []
    values += [("publisher", item.event_title), ("date", item.starts_at.date().isoformat())]
    values += [("type", t) for t in types]
    values += [("format", mime) for mime in sorted(media.mime_types)]
    values += [
        ("identifier", permalink(base_url, item)),
        ("language", item.language.split("-")[0]),
        ("relation", f"{base_url.rstrip('/')}/events/{item.event_slug}/"),
    ]
    for tag, text in values:
        ET.SubElement(dc, _q(DC, tag)).text = text
    return dc


VERBS = {
    "Identify": _identify,
    "ListMetadataFormats": _list_metadata_formats,
    "ListSets": _list_sets,
    "GetRecord": _get_record,
    "ListIdentifiers": _list_identifiers,
    "ListRecords": _list_records,
}
