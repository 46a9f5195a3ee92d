"""Archive search in each recording's own language, on SQLite (FTS5) and PostgreSQL (per-language stemming)."""

from __future__ import annotations

from pathlib import Path

import pytest
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.querystring import QueryString

from archive.search.languages import CONFIGURATIONS, configuration_name, search_configuration
from archive.search.service import search_archive
from tests.archive.factories import archived_talk, vocabulary

SPANISH = """WEBVTT

00:00:03.000 --> 00:00:07.000
Las bibliotecas pequeñas también pueden prestar a otros países.

00:01:00.000 --> 00:01:05.000
Los vales de la IFLA pagan los préstamos internacionales sin facturas.
"""
GERMAN = """WEBVTT

00:00:02.000 --> 00:00:06.000
Wir verschicken Aufsätze aus Zeitschriften per E-Mail.
"""
ENGLISH = """WEBVTT

00:00:04.000 --> 00:00:08.000
IFLA vouchers settle international loans without invoices.
"""


async def three_languages(media_root: Path) -> None:
    await vocabulary()
    await archived_talk(
        media_root,
        title="Préstamo interbibliotecario sin fronteras",
        abstract="Cómo las bibliotecas pequeñas comparten libros electrónicos con colegas de otros países.",
        captions=SPANISH,
        topics=("interlibrary-loan",),
        language="es",
    )
    await archived_talk(
        media_root,
        title="Fernleihe für kleine Bibliotheken",
        abstract="Wie kleine Bibliotheken Zeitschriftenaufsätze liefern.",
        captions=GERMAN,
        topics=(),
        language="de",
    )
    await archived_talk(media_root, title="Vouchers abroad", captions=ENGLISH, topics=(), abstract="Paying lenders.")


async def titles(query: str) -> list[str]:
    return sorted(r.item.title for r in (await search_archive(query, None)).results)


async def test_a_spanish_talk_is_found_by_its_spanish_words_down_to_the_moment(db: Engine, tmp_path: Path) -> None:
    await three_languages(tmp_path)

    found = await search_archive("préstamos internacionales", None)

    assert [r.item.title for r in found.results] == ["Préstamo interbibliotecario sin fronteras"]
    moments = {m.label: str(m.snippet) for m in found.results[0].moments}
    assert "<mark>préstamos" in moments["1:00"]


async def test_accents_and_plurals_do_not_hide_a_talk(db: Engine, tmp_path: Path) -> None:
    await three_languages(tmp_path)
    assert await titles("prestamo") == ["Préstamo interbibliotecario sin fronteras"]
    assert await titles("paises") == ["Préstamo interbibliotecario sin fronteras"]
    assert await titles("aufsatze") == ["Fernleihe für kleine Bibliotheken"]


async def test_a_word_shared_between_languages_finds_each(db: Engine, tmp_path: Path) -> None:
    await three_languages(tmp_path)
    assert await titles("IFLA") == ["Préstamo interbibliotecario sin fronteras", "Vouchers abroad"]
    # the interlibrary-loan topic is named in English; its Spanish talk is found by the topic's words
    assert await titles("ILL") == ["Préstamo interbibliotecario sin fronteras"]


async def test_e_books_meet_their_joined_spelling_in_german(db: Engine, tmp_path: Path) -> None:
    await three_languages(tmp_path)
    assert await titles("E-Mail") == ["Fernleihe für kleine Bibliotheken"]
    assert await titles("email") == ["Fernleihe für kleine Bibliotheken"]


async def test_the_language_facet_narrows_to_one_language(db: Engine, tmp_path: Path) -> None:
    await three_languages(tmp_path)
    found = await search_archive("IFLA", None)
    assert dict(found.facets["language"]) == {"en": 1, "es": 1}
    narrowed = await search_archive("IFLA", None, filters=(("language", "es"),))
    assert [r.item.title for r in narrowed.results] == ["Préstamo interbibliotecario sin fronteras"]


async def test_postgres_stems_each_document_in_its_own_language(postgres_db: Engine, tmp_path: Path) -> None:
    """Snowball stemmers per language: forms English stemming cannot join (FTS5 has no stemmer but Porter's)."""
    await three_languages(tmp_path)
    # German: the singular finds a talk that only says "Bibliotheken" and "Zeitschriftenaufsätze"
    assert await titles("Bibliothek") == ["Fernleihe für kleine Bibliotheken"]
    # Spanish: "comparte" and "comparten" are one verb
    assert await titles("comparte") == ["Préstamo interbibliotecario sin fronteras"]
    # an English reading would keep "préstamo" and "préstamos" apart only by the s; the Spanish one joins
    # "pequeña" and "pequeñas" as well, and the accent folds away
    assert await titles("pequena") == ["Préstamo interbibliotecario sin fronteras"]


async def test_postgres_has_every_configuration_hallway_names(postgres_db: Engine) -> None:
    assert isinstance(postgres_db, PostgresEngine)
    for base in CONFIGURATIONS:
        rows = await postgres_db.run_querystring(
            QueryString("SELECT to_tsvector({}::regconfig, 'Bibliothèques') AS v", configuration_name(base))
        )
        assert rows[0]["v"], base
    folded = await postgres_db.run_querystring(
        QueryString("SELECT to_tsvector({}::regconfig, 'préstamos') AS v", search_configuration("es"))
    )
    assert "'prest" in folded[0]["v"]  # unaccent ran before the Spanish stemmer


@pytest.mark.parametrize(
    ("tag", "configuration"),
    [
        ("es", "hallway_spanish"),
        ("es-MX", "hallway_spanish"),
        ("pt_BR", "hallway_portuguese"),
        ("DE", "hallway_german"),
        ("ja", "hallway_simple"),
        ("", "hallway_simple"),
        ("x-\x00", "hallway_simple"),
    ],
)
def test_a_language_tag_chooses_its_stemmer(tag: str, configuration: str) -> None:
    assert search_configuration(tag) == configuration


async def test_the_demo_has_a_spanish_talk_found_by_spanish_words_and_by_its_topic(db: Engine, tmp_path: Path) -> None:
    from archive.demo import load_archive_demo
    from events.demo import load_demo

    await load_demo()  # the archive's answers come from this year's presenters' accounts
    await load_archive_demo(tmp_path)
    spanish = "Préstamo interbibliotecario sin fronteras: una red latinoamericana"

    by_words = await search_archive("vales envíos", None)
    by_topic = await search_archive("international lending", None)

    assert [r.item.title for r in by_words.results] == [spanish]
    assert spanish in [r.item.title for r in by_topic.results]
    assert by_words.results[0].item.language == "es"
    assert ("es", 1) in by_topic.facets["language"]
    assert any("<mark>vales" in str(m.snippet) for m in by_words.results[0].moments)
