"""The c3voc validators and real schedule files, kept in tests/fixtures/interop (sources and licences there)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import xmlschema

INTEROP = Path(__file__).resolve().parents[1] / "fixtures" / "interop"


@lru_cache
def xml_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(INTEROP / "schedule.xml.xsd"))


@lru_cache
def json_validator() -> jsonschema.Draft6Validator:
    schema = json.loads((INTEROP / "schedule.schema.json").read_text())
    return jsonschema.Draft6Validator(schema, format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER)


def json_errors(document: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in json_validator().iter_errors(document)
    ]


def xml_errors(document: bytes) -> list[str]:
    return [str(error.reason) + f" at {error.path}" for error in xml_schema().iter_errors(document)]
