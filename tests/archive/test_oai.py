"""OAI-PMH 2.0: every verb and error validates against the protocol's schema; harvesting pages through tokens."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs
from xml.etree import ElementTree as ET

import pytest
import xmlschema
from litestar import Litestar
from litestar.testing import AsyncTestClient
from piccolo.engine.base import Engine

from archive import oai
from archive.publishing import withdraw_from_archive
from tests.archive.factories import archived_talk, vocabulary

Client = AsyncTestClient[Litestar]

SCHEMAS = Path(__file__).parent / "schemas"
BASE = "http://archive.example.org"
NS = {"o": oai.OAI, "dc": oai.DC, "oai_dc": oai.OAI_DC}


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema([str(SCHEMAS / "OAI-PMH.xsd"), str(SCHEMAS / "oai_dc.xsd")])


async def ask(schema: xmlschema.XMLSchema, query: str) -> ET.Element:
    """One request, validated against OAI-PMH.xsd (and oai_dc.xsd for the records inside)."""
    body = await oai.oai_response(parse_qs(query, keep_blank_values=True), BASE)
    schema.validate(body.decode())
    return ET.fromstring(body)


def error_code(root: ET.Element) -> str | None:
    error = root.find("o:error", NS)
    return error.get("code") if error is not None else None


@pytest.fixture
async def archive_of_three(db: Engine, tmp_path: Path) -> list[str]:
    await vocabulary()
    talks = [
        await archived_talk(tmp_path, title=f"Talk {n}", topics=("contu",) if n else ("interlibrary-loan",))
        for n in range(3)
    ]
    await archived_talk(tmp_path, slug="closed", visibility="private", title="Private talk")
    await withdraw_from_archive(talks[1].item, "Withdrawn at the presenter's request.")
    return [t.item.handle for t in talks]


async def test_identify_and_metadata_formats(schema: xmlschema.XMLSchema, archive_of_three: list[str]) -> None:
    identify = await ask(schema, "verb=Identify")
    assert identify.findtext("o:Identify/o:baseURL", namespaces=NS) == f"{BASE}/oai"
    assert identify.findtext("o:Identify/o:deletedRecord", namespaces=NS) == "persistent"
    formats = await ask(schema, "verb=ListMetadataFormats")
    assert formats.findtext(".//o:metadataPrefix", namespaces=NS) == "oai_dc"
    one = await ask(schema, f"verb=ListMetadataFormats&identifier=oai:archive.example.org:{archive_of_three[0]}")
    assert error_code(one) is None


async def test_list_records_returns_public_items_and_tombstones(
    schema: xmlschema.XMLSchema, archive_of_three: list[str]
) -> None:
    root = await ask(schema, "verb=ListRecords&metadataPrefix=oai_dc")
    records = root.findall(".//o:record", NS)
    handles = [r.findtext("o:header/o:identifier", namespaces=NS).rsplit(":", 1)[1] for r in records]
    assert sorted(handles) == sorted(archive_of_three)  # the private event's item is not there
    deleted = [r for r in records if r.find("o:header", NS).get("status") == "deleted"]
    assert len(deleted) == 1 and deleted[0].find("o:metadata", NS) is None
    live = next(r for r in records if r.find("o:metadata", NS) is not None)
    dc = live.find("o:metadata/oai_dc:dc", NS)
    assert dc.findtext("dc:creator", namespaces=NS) == "Ada Okafor"
    assert [t.text for t in dc.findall("dc:type", NS)] == ["Event", "Sound", "Text"]
    assert dc.findtext("dc:language", namespaces=NS) == "en" and dc.findtext("dc:date", namespaces=NS) == "2026-03-27"
    assert dc.findtext("dc:identifier", namespaces=NS).startswith(f"{BASE}/a/")


async def test_sets_select_by_event_year_and_topic(schema: xmlschema.XMLSchema, archive_of_three: list[str]) -> None:
    sets = await ask(schema, "verb=ListSets")
    specs = {s.text for s in sets.findall(".//o:setSpec", NS)}
    assert {"event:ill-days", "year:2026", "topic:contu", "topic:copyright"} <= specs
    assert "event:closed" not in specs
    by_topic = await ask(schema, "verb=ListIdentifiers&metadataPrefix=oai_dc&set=topic:copyright")
    assert len(by_topic.findall(".//o:header", NS)) == 2  # CONTU sits under copyright
    assert (
        len((await ask(schema, "verb=ListIdentifiers&metadataPrefix=oai_dc&set=year:2026")).findall(".//o:header", NS))
        == 3
    )
    assert error_code(await ask(schema, "verb=ListIdentifiers&metadataPrefix=oai_dc&set=year:1999")) == "noRecordsMatch"


async def test_a_parent_set_holds_only_its_childrens_records_and_is_listed_only_with_them(
    schema: xmlschema.XMLSchema, db: Engine, tmp_path: Path
) -> None:
    untagged = await archived_talk(tmp_path, title="Untagged", topics=())
    without_topics = {s.text for s in (await ask(schema, "verb=ListSets")).findall(".//o:setSpec", NS)}
    none_yet = await ask(schema, "verb=ListIdentifiers&metadataPrefix=oai_dc&set=topic")
    await vocabulary()
    tagged = await archived_talk(tmp_path, title="Tagged")
    parent = await ask(schema, "verb=ListIdentifiers&metadataPrefix=oai_dc&set=topic")

    assert "topic" not in without_topics and "event" in without_topics  # no topics: no empty "topic" set
    assert error_code(none_yet) == "noRecordsMatch"
    handles = [h.text.rsplit(":", 1)[1] for h in parent.findall(".//o:header/o:identifier", NS)]
    assert handles == [tagged.item.handle] and untagged.item.handle not in handles


async def test_a_harvest_pages_through_resumption_tokens(
    schema: xmlschema.XMLSchema, archive_of_three: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(oai, "PAGE", 2)
    first = await ask(schema, "verb=ListIdentifiers&metadataPrefix=oai_dc")
    token = first.find(".//o:resumptionToken", NS)
    assert token.get("completeListSize") == "3" and token.get("cursor") == "0" and token.text
    second = await ask(schema, f"verb=ListIdentifiers&resumptionToken={token.text}")
    last = second.find(".//o:resumptionToken", NS)
    assert last.text is None and last.get("cursor") == "2"
    seen = [
        h.findtext("o:identifier", namespaces=NS) for page in (first, second) for h in page.findall(".//o:header", NS)
    ]
    assert len(seen) == len(set(seen)) == 3


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("", "badVerb"),
        ("verb=Dance", "badVerb"),
        ("verb=Identify&verb=Identify", "badVerb"),
        ("verb=ListRecords", "badArgument"),
        ("verb=ListRecords&metadataPrefix=oai_dc&colour=red", "badArgument"),
        ("verb=ListRecords&metadataPrefix=oai_dc&from=2026-01-01&until=2026-01-01T00:00:00Z", "badArgument"),
        ("verb=ListRecords&metadataPrefix=oai_dc&from=2027-01-01&until=2026-01-01", "badArgument"),
        ("verb=ListRecords&metadataPrefix=oai_dc&from=yesterday", "badArgument"),
        ("verb=ListRecords&metadataPrefix=marc21", "cannotDisseminateFormat"),
        ("verb=ListRecords&metadataPrefix=oai_dc&from=2099-01-01", "noRecordsMatch"),
        ("verb=ListRecords&resumptionToken=not-ours", "badResumptionToken"),
        ("verb=ListRecords&resumptionToken=abc&metadataPrefix=oai_dc", "badArgument"),
        ("verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:archive.example.org:nothing", "idDoesNotExist"),
        ("verb=GetRecord&identifier=oai:archive.example.org:nothing", "badArgument"),
        ("verb=ListSets&resumptionToken=abc", "badResumptionToken"),
    ],
)
async def test_protocol_errors(schema: xmlschema.XMLSchema, archive_of_three: list[str], query: str, code: str) -> None:
    root = await ask(schema, query)
    assert error_code(root) == code
    if code in ("badVerb", "badArgument"):
        assert root.find("o:request", NS).attrib == {}  # the protocol says: echo no arguments then


async def test_get_record_of_a_withdrawn_item_is_a_deleted_header(
    schema: xmlschema.XMLSchema, archive_of_three: list[str]
) -> None:
    root = await ask(
        schema, f"verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:archive.example.org:{archive_of_three[1]}"
    )
    assert root.find(".//o:header", NS).get("status") == "deleted"


HOSTILE_OAI = (
    "²²²²",
    "year:²²²²",
    "year:0000",
    "year:9999",
    "year:１２３４",
    "9999-12-31",
    "0001-01-01",
    "9999-12-31T23:59:59Z",
    "\x07",
    "9" * 5000,
    "-1",
)


def _tampered_tokens() -> list[str]:
    import base64
    import json as json_module

    def encode(data: object) -> str:
        return base64.urlsafe_b64encode(json_module.dumps(data).encode()).decode().rstrip("=")

    good = {"m": "oai_dc", "f": None, "u": None, "s": "", "a": ["2026-01-01T00:00:00+00:00", 1], "c": 1}
    return [
        "!!!",
        "e30",
        encode([1, 2]),
        encode({**good, "c": 1e308}),
        encode({**good, "c": -5}),
        encode({**good, "a": ["not a date", 1]}),
        encode({**good, "a": ["2026-01-01T00:00:00", 2**80]}),
        encode({**good, "u": "9999-12-31T23:59:59+00:00"}),
        encode({**good, "s": "year:²²²²"}),
        base64.urlsafe_b64encode(b"[" * 100_000).decode(),
    ]


async def test_hostile_arguments_get_an_oai_error_never_a_500(client: Client) -> None:
    cases = [
        {"verb": verb, "metadataPrefix": "oai_dc", name: value}
        for verb in ("ListRecords", "ListIdentifiers")
        for name in ("set", "from", "until")
        for value in HOSTILE_OAI
    ]
    cases += [
        {"verb": verb, "resumptionToken": token}
        for verb in ("ListRecords", "ListIdentifiers", "ListSets")
        for token in _tampered_tokens()
    ]
    cases += [{"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": value} for value in HOSTILE_OAI]
    for arguments in cases:  # by POST, as harvesters may send them: a token can be longer than an address
        response = await client.post("/oai", data=arguments)
        assert response.status_code in (200, 400), (arguments, response.status_code)
        if response.status_code == 200:
            ET.fromstring(response.content)  # a well-formed OAI-PMH answer (an error element or records)


async def test_a_far_until_means_everything_up_to_now(client: Client, app: Litestar) -> None:
    await vocabulary()
    await archived_talk(app.state.settings.media_root)
    response = await client.get(
        "/oai", params={"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "until": "9999-12-31"}
    )
    assert response.status_code == 200 and b"<header" in response.content
