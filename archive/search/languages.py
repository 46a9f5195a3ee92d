"""Which text search configuration reads a document, by the language it is in.

PostgreSQL stems each item and each caption cue with the Snowball stemmer of its own
language ("préstamos" and "préstamo" are one word to a Spanish reader, "Bibliotheken"
and "Bibliothek" to a German one), through ``hallway_<language>`` configurations that
also fold accents away (the migration builds them, with ``unaccent`` where the server
has it). A language without a stemmer is read word for word (``hallway_simple``).

A query's language is unknown (people search in one language and find talks given in
another), so it is read in every language the index holds: a word shared between
languages ("ILL", "Rapido", "ebooks") finds documents in each.
"""

from __future__ import annotations

# The Snowball configurations every supported PostgreSQL ships (since 8.3), by ISO 639-1 code.
STEMMED = {
    "da": "danish",
    "de": "german",
    "en": "english",
    "es": "spanish",
    "fi": "finnish",
    "fr": "french",
    "hu": "hungarian",
    "it": "italian",
    "nb": "norwegian",
    "nl": "dutch",
    "nn": "norwegian",
    "no": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sv": "swedish",
    "tr": "turkish",
}
FALLBACK = "simple"
CONFIGURATIONS = (*sorted(set(STEMMED.values())), FALLBACK)


def configuration_name(base: str) -> str:
    """Hallway's own copy of a built-in configuration (it folds accents)."""
    return f"hallway_{base}"


def search_configuration(language: str) -> str:
    """The configuration for a BCP 47 tag ("es", "es-MX", "pt_BR"); unknown or empty ones read word for word."""
    primary = language.replace("_", "-").split("-")[0].strip().lower()
    return configuration_name(STEMMED.get(primary, FALLBACK))
