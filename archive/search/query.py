"""What a person typed into the search box, parsed once for every engine.

The syntax is the familiar web one: words must all match, "quoted words" match as a
phrase (exactly: no synonyms, no other spellings), ``-word`` excludes, ``OR`` between two
terms accepts either. A term that names a topic or one of its synonyms also matches the
others ("ILL" finds "interlibrary loan"), and a compound meets its hyphenated spelling
("ebooks" finds "e-books", "co-operation" finds "cooperation").
Engines render the parsed form into their own syntax with every word quoted or bound,
so nothing typed can break the engine's query language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

QUERY_MAX = 300
TERM = re.compile(r'(-?)"([^"]*)"?|(\S+)')
WORD = re.compile(r"\w+(?:['’]\w+)*")
HYPHENATED = re.compile(r"\w+(?:-\w+)+")
# Prefixes that English writes both joined and hyphenated: "ebooks" and "e-books" are one word to a reader.
# (Only these: splitting any word anywhere would make "nowhere" find "now here".)
COMPOUND_PREFIXES = (
    "e",
    "co",
    "re",
    "pre",
    "post",
    "non",
    "inter",
    "multi",
    "sub",
    "self",
    "cross",
    "anti",
    "de",
    "un",
    "over",
    "under",
    "micro",
    "web",
)


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
        quoted = match.group(2) is not None
        alternatives = (
            [phrase]
            if quoted
            else [
                phrase,
                *other_spellings(phrase, raw),
                *[words(v) for v in (variants or {}).get(" ".join(phrase), []) if words(v) != phrase],
            ]
        )
        if join_next:
            clauses[-1].extend(alternatives)
        else:
            clauses.append(alternatives)
        join_next = False
    return SearchQuery(text, tuple(Clause(tuple(dict.fromkeys(a))) for a in clauses), tuple(excluded))


def other_spellings(phrase: tuple[str, ...], raw: str) -> list[tuple[str, ...]]:
    """The joined form of a hyphenated compound, or the hyphenated (two-word) forms of a joined one."""
    if len(phrase) > 1 and HYPHENATED.fullmatch(raw):
        return [("".join(phrase),)]
    if len(phrase) == 1:
        word = phrase[0]
        return [
            (prefix, word[len(prefix) :])
            for prefix in COMPOUND_PREFIXES
            if word.startswith(prefix) and len(word) - len(prefix) >= 3 and word[len(prefix) :].isalpha()
        ]
    return []


def words(text: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in WORD.findall(text))
