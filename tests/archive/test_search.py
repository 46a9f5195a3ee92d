"""Search across the archive on SQLite (FTS5) and PostgreSQL: grouped by session, down to the moment."""

from __future__ import annotations

from pathlib import Path

from piccolo.engine.base import Engine

from archive.publishing import withdraw_from_archive
from archive.search.indexing import reindex_all, reindex_session
from archive.search.service import search_archive
from archive.search.sqlite import match_expression
from archive.search.query import parse_query
from archive.topics import tag_session
from events.access import add_member
from events.tables import MemberRole
from server.accounts import get_account
from archive.search.indexing import reindex_for
from server.changes import listen
from sessions.questions import QaThreadChanged
from sessions.questions import answer_question, ask_question, qa_context
from tests.archive.factories import archived_talk, vocabulary
from tests.events.factories import make_account

LENDING = """WEBVTT

00:00:02.000 --> 00:00:05.000
International lending needs tracked postage.

00:01:10.000 --> 00:01:14.000
Vouchers pay lenders abroad without invoices.
"""


async def test_a_phrase_from_the_captions_lands_on_its_second(db: Engine, tmp_path: Path) -> None:
    await vocabulary()
    talk = await archived_talk(tmp_path)
    await archived_talk(tmp_path, title="Lending abroad", captions=LENDING, topics=("interlibrary-loan",))

    results = await search_archive('"rule of five"', None)
    assert [r.item.handle for r in results.results] == [talk.item.handle]
    (moment,) = [m for m in results.results[0].moments if "rule" in str(m.snippet)]
    assert moment.seconds == 5.0 and moment.label == "0:05"
    assert "rule" in str(moment.snippet).split("<mark>")[1] and "five</mark>" in str(moment.snippet)


async def test_results_are_grouped_by_session_with_several_moments(db: Engine, tmp_path: Path) -> None:
    await vocabulary()
    await archived_talk(tmp_path, title="Lending abroad", captions=LENDING, topics=())
    results = await search_archive("lending OR lenders", None)
    assert results.total == 1
    assert [m.label for m in results.results[0].moments] == ["0:02", "1:10"]


async def test_topic_synonyms_find_the_other_words(db: Engine, tmp_path: Path) -> None:
    await vocabulary()
    await archived_talk(
        tmp_path,
        title="Borrowing across the state",
        topics=("interlibrary-loan",),
        captions="WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nWe expanded interlibrary loan last year.\n",
    )
    found = await search_archive("ILL", None)
    assert [r.item.title for r in found.results] == ["Borrowing across the state"]
    assert [m.label for m in found.results[0].moments] == ["0:01"]


async def test_ebooks_and_e_books_find_the_same_sessions(db: Engine, tmp_path: Path) -> None:
    await vocabulary()
    await archived_talk(tmp_path, title="Lending e-books across borders", topics=())
    await archived_talk(tmp_path, title="Ebooks in the catalogue", topics=())

    joined, hyphenated = await search_archive("ebooks", None), await search_archive("e-books", None)

    expected = ["Ebooks in the catalogue", "Lending e-books across borders"]
    assert sorted(r.item.title for r in joined.results) == expected
    assert sorted(r.item.title for r in hyphenated.results) == expected


async def test_a_quoted_phrase_is_exact_and_a_bare_word_meets_its_synonyms(db: Engine, tmp_path: Path) -> None:
    await vocabulary()
    await archived_talk(tmp_path, title="Borrowing across the state", topics=("interlibrary-loan",))
    await archived_talk(
        tmp_path,
        title="Lending abroad",
        topics=(),
        captions="WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nWe expanded interlibrary loan last year.\n",
    )

    bare, quoted = await search_archive("ILL", None), await search_archive('"ILL"', None)

    assert sorted(r.item.title for r in bare.results) == ["Borrowing across the state", "Lending abroad"]
    assert [r.item.title for r in quoted.results] == ["Borrowing across the state"]  # only where "ILL" is written


async def test_a_snippet_shows_the_written_words_in_context_not_the_topic_list(db: Engine, tmp_path: Path) -> None:
    await vocabulary()
    await archived_talk(tmp_path, title="Borrowing across the state", topics=("interlibrary-loan",))

    by_topic, by_words = await search_archive("ILL", None), await search_archive("borrowing", None)

    assert "Interlibrary loan" not in str(by_topic.results[0].snippet)  # not a dump of topic names and synonyms
    assert str(by_topic.results[0].snippet).startswith("All about Borrowing across the state")
    assert "<mark>Borrowing</mark> across the state" in str(by_words.results[0].snippet)


async def test_facets_count_every_match_and_narrow_the_results(db: Engine, tmp_path: Path) -> None:
    await vocabulary()
    await archived_talk(tmp_path, title="Copyright one", presenter="Ada Okafor")
    await archived_talk(tmp_path, title="Copyright two", presenter="Ben Osei", topics=("copyright",))
    results = await search_archive("copyright", None)
    assert results.total == 2
    assert dict(results.facets["presenter"]) == {"Ada Okafor": 1, "Ben Osei": 1}
    assert dict(results.facets["topic"]) == {"Copyright": 2, "CONTU guidelines": 1}  # the parent counts its child
    assert dict(results.facets["kind"]) == {"audio": 2, "transcript": 2}
    narrowed = await search_archive("copyright", None, filters=(("presenter", "Ben Osei"),))
    assert [r.item.title for r in narrowed.results] == ["Copyright two"] and narrowed.total == 1


async def test_private_items_are_found_only_by_members(db: Engine, tmp_path: Path) -> None:
    await vocabulary()
    talk = await archived_talk(tmp_path, slug="closed-meeting", visibility="private", title="Budget secrets")
    member_id = await make_account("member@library.org", "Member")
    stranger_id = await make_account("stranger@library.org", "Stranger")
    await add_member(talk.event_id, member_id, MemberRole.attendee)
    assert (await search_archive("budget", None)).total == 0
    assert (await search_archive("budget", await get_account(stranger_id))).total == 0
    assert (await search_archive("budget", await get_account(member_id))).total == 1
    assert (await search_archive("", None)).total == 0  # browsing does not show it either


async def test_withdrawn_items_leave_the_index(db: Engine, tmp_path: Path) -> None:
    await vocabulary()
    talk = await archived_talk(tmp_path)
    await withdraw_from_archive(talk.item, "The presenter asked us to.")
    assert (await search_archive("CONTU", None)).total == 0


async def test_exclusions_and_unknown_words(db: Engine, tmp_path: Path) -> None:
    await vocabulary()
    await archived_talk(tmp_path, title="Copyright one")
    await archived_talk(tmp_path, title="Lending abroad", captions=LENDING, topics=())
    assert [r.item.title for r in (await search_archive("about -copyright", None)).results] == ["Lending abroad"]
    assert (await search_archive("zebra", None)).total == 0
    assert (await search_archive('NEAR( "a', None)).total == 0  # operators are words here, not syntax errors
    assert (await search_archive('"" ) ( * :', None)).total == 2  # nothing searchable: browse everything


async def test_the_index_follows_topics_and_qa_and_rebuilds(db: Engine, tmp_path: Path) -> None:
    await vocabulary()
    talk = await archived_talk(tmp_path, topics=())
    assert (await search_archive("guidelines", None)).total == 1  # from the captions ("guidelines second")
    await tag_session(talk.guid, ["interlibrary-loan"])
    await reindex_session(talk.guid)
    assert (await search_archive("interlending OR ILL", None)).total == 1

    listen(QaThreadChanged, reindex_for)  # as server/app.py wires it
    asker = await get_account(await make_account("ben@library.org", "Ben"))
    ctx = await qa_context(talk.slug, talk.guid, asker)
    question = await ask_question(ctx, "Does the photocopier budget count?")
    assert [r.item.title for r in (await search_archive("photocopier", None)).results] == [talk.item.title]
    organiser = await get_account(await make_account("org@library.org", "Org", admin=True))
    await answer_question(await qa_context(talk.slug, talk.guid, organiser), question, "Only for scanned chapters.")
    assert (await search_archive("scanned chapters", None)).total == 1

    assert await reindex_all() == 1
    assert (await search_archive("photocopier", None)).total == 1


def test_nothing_typed_can_break_the_fts5_syntax() -> None:
    query = parse_query('a"b NEAR(c) d* {e} OR -"f g" "h')
    assert match_expression(query) == '("a b") AND ("near c") AND ("d") AND ("e" OR "h") NOT ("f g")'
