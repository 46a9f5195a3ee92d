"""The demo archive harvested by Sickle, a second OAI-PMH harvester beside oaipmh-scythe (tests/archive).

Every response Sickle receives is validated against the official OAI-PMH 2.0 and oai_dc schemas, and what it
harvests is compared with the archive's own table: the same identifiers, the same withdrawn tombstones, and set
membership that follows the hierarchy (a parent set holds only its children's records; an empty set is
noRecordsMatch).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import xmlschema
from sickle import Sickle
from sickle.oaiexceptions import BadArgument, NoRecordsMatch

from tests.archive import test_harvest_and_bag as served_archive
from tests.archive.test_harvest_and_bag import archive_rows
from tests.hallway_process import HallwayServer

SCHEMAS = Path(__file__).resolve().parents[1] / "archive" / "schemas"
demo_site = served_archive.demo_site  # the demo archive served by a real process, as Scythe's test has it


class CheckedSickle(Sickle):
    """Sickle, with every raw response validated before it is read."""

    def __init__(self, endpoint: str, schema: xmlschema.XMLSchema, **options: Any) -> None:
        super().__init__(endpoint, **options)
        self.schema, self.responses = schema, 0

    def harvest(self, **kwargs: Any) -> Any:
        response = super().harvest(**kwargs)
        self.schema.validate(response.raw)
        self.responses += 1
        return response


@pytest.fixture(scope="module")
def harvester(demo_site: tuple[dict[str, str], HallwayServer]) -> CheckedSickle:
    _, server = demo_site
    schema = xmlschema.XMLSchema([str(SCHEMAS / "OAI-PMH.xsd"), str(SCHEMAS / "oai_dc.xsd")])
    return CheckedSickle(f"{server.url}/oai", schema)


def test_sickle_harvests_the_published_items_and_tombstones_in_schema_valid_responses(
    demo_site: tuple, harvester: CheckedSickle
) -> None:
    env, server = demo_site
    identify = harvester.Identify()
    records = list(harvester.ListRecords(metadataPrefix="oai_dc", ignore_deleted=False))

    assert identify.baseURL == f"{server.url}/oai" and identify.protocolVersion == "2.0"
    harvested = sorted(
        (r.header.identifier.rsplit(":", 1)[1], "withdrawn" if r.header.deleted else "published") for r in records
    )
    assert harvested == archive_rows(env)
    live = next(r for r in records if not r.header.deleted)
    assert live.metadata["identifier"][0].startswith(f"{server.url}/a/")
    single = harvester.GetRecord(identifier=live.header.identifier, metadataPrefix="oai_dc")
    assert single.metadata["title"] == live.metadata["title"]
    assert harvester.responses >= 3


def test_sets_follow_the_hierarchy_and_an_empty_set_matches_nothing(harvester: CheckedSickle) -> None:
    specs = [s.setSpec for s in harvester.ListSets()]
    headers = list(harvester.ListIdentifiers(metadataPrefix="oai_dc", ignore_deleted=False))

    assert specs and len(specs) == len(set(specs))
    for spec in specs:
        try:
            in_set = {
                h.identifier for h in harvester.ListIdentifiers(metadataPrefix="oai_dc", set=spec, ignore_deleted=False)
            }
        except NoRecordsMatch:
            in_set = set()
        # A header names a record's own (leaf) sets; a parent set holds exactly its children's records.
        expected = {
            h.identifier for h in headers if any(own == spec or own.startswith(spec + ":") for own in h.setSpecs)
        }
        assert in_set == expected, spec
    assert any(":" in spec for spec in specs)  # the demo has a hierarchy to check
    with pytest.raises(BadArgument, match="There is no set"):  # a set never offered is a bad argument, not empty
        list(harvester.ListIdentifiers(metadataPrefix="oai_dc", set="topic:no-such-topic"))
