"""What a person typed into the search box, parsed once for every engine.

The syntax is the familiar web one: words must all match, "quoted words" match as a
phrase, ``-word`` excludes, ``OR`` between two terms accepts either. A term that names a
topic or one of its synonyms also matches the others ("ILL" finds "interlibrary loan").
Engines render the parsed form into their own syntax with every word quoted or bound,
so nothing typed can break the engine's query language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

QUERY_MAX = 300
TERM = re.compile(r'(-?)"([^"]*)"?|(\S+)')
WORD = re.compile(r"\w+(?:['’]\w+)*")


@dataclass(frozen=True)
class Clause:
    """One thing that must match: any of its alternatives, each a phrase (a tuple of words)."""

    alternatives: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class SearchQuery:
    text: str
    clauses: tuple[Clause, ...]
    excluded: tuple[tuple[str, ...], ...]

    @property
    def is_empty(self) -> bool:
        return not self.clauses


def parse_query(text: str, variants: dict[str, list[str]] | None = None) -> SearchQuery:
    """Parse ``text``; ``variants`` maps a lower-cased topic word to every word for that topic."""
    text = " ".join(text.split())[:QUERY_MAX]
    clauses: list[list[tuple[str, ...]]] = []
    excluded: list[tuple[str, ...]] = []
    join_next = False
    for match in TERM.finditer(text):
        negated = match.group(1) == "-" or (match.group(3) or "").startswith("-")
        raw = match.group(2) if match.group(2) is not None else (match.group(3) or "").lstrip("-")
        if match.group(3) == "OR":
            join_next = bool(clauses)
            continue
        phrase = words(raw)
        if not phrase:
            continue
        if negated:
            excluded.append(phrase)
            continue
        alternatives = [phrase] + [words(v) for v in (variants or {}).get(" ".join(phrase), []) if words(v) != phrase]
        if join_next:
            clauses[-1].extend(alternatives)
        else:
            clauses.append(alternatives)
        join_next = False
    return SearchQuery(text, tuple(Clause(tuple(dict.fromkeys(a))) for a in clauses), tuple(excluded))


def words(text: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in WORD.findall(text))
