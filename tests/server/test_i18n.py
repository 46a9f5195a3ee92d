"""Hallway in the reader's language: chosen from the browser, overridden by the person, every message translated."""

from __future__ import annotations

import html
from email.header import decode_header, make_header
import json
import re
from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from litestar import Litestar
from litestar.testing import AsyncTestClient

from events.demo import DEMO_SLUG, load_demo
from networking.protocol import ROOMS_PROTOCOL, Join
from server import accounts, notifications
from server.live import acknowledged
from server.mail import deliver_due
from server.protocol import Nothing
from server.i18n import (
    LANGUAGE_COOKIE,
    LANGUAGES,
    LOCALES_DIR,
    gettext,
    in_numbers,
    in_words,
    language_name,
    negotiate,
    ngettext,
    offer_pseudo_locales,
    speaking,
    text_direction,
)
from server.settings import Settings
from tests.accounts_flow import log_in, post
from tests.events.factories import make_account
from tests.unmarked_text import unmarked_text

Client = AsyncTestClient[Litestar]
ROOT = Path(__file__).resolve().parents[2]
TRANSLATED = [code for code in LANGUAGES if code != "en"]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@pytest.mark.parametrize(
    ("header", "chosen"),
    [
        ("de-DE,de;q=0.9,en;q=0.8", "de"),
        ("fr;q=0.1, es;q=0.5", "es"),
        ("pt-BR, fr-CA;q=0.7", "fr"),  # the first language Hallway speaks, by quality
        ("zh-CN, ja", "en"),  # none of them: English
        ("", "en"),
        ("*", "en"),
        ("de;q=0", "en"),  # q=0 means "not this one"
        ("en;q=abc, es", "es"),  # a malformed entry is skipped, the rest still counts
        ("de;q=0.\u0661, fr", "fr"),  # Unicode digits are not a quality
        ("\x00de\x01, es", "es"),
        ("de-" * 5000, "en"),  # nothing a browser sends; read no further than a browser's header
    ],
)
def test_the_browsers_preference_chooses_among_hallways_languages(header: str, chosen: str) -> None:
    assert negotiate(header) == chosen


def test_messages_and_plurals_come_in_the_language_spoken() -> None:
    with speaking("de"):
        assert gettext("Log in") == "Anmelden"
        assert gettext("Hallway now speaks %(language)s.", language="Deutsch") == "Hallway spricht jetzt Deutsch."
    with speaking("xx"):  # no catalogue: English, no error
        assert gettext("Log in") == "Log in"
    assert ngettext("%(num)s question", "%(num)s questions", 1) == "1 question"


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_catalogue_translates_every_message_with_the_same_placeholders(code: str) -> None:
    with (LOCALES_DIR / "messages.pot").open("rb") as template:
        wanted = {message.id for message in read_po(template) if message.id}
    with (LOCALES_DIR / code / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalogue = {message.id: message for message in read_po(po, locale=code) if message.id}

    assert wanted - catalogue.keys() == set(), f"{code} misses these messages: run make messages and translate"
    for key in wanted:
        message = catalogue[key]
        sources = key if isinstance(key, tuple) else (key,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings) and "fuzzy" not in message.flags, f"{code}: {key!r} is not translated"
        for text in strings:
            assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(sources[0])), f"{code}: {key!r}"


def test_the_message_template_holds_every_marked_message(tmp_path: Path) -> None:
    """A string marked in code or a template but not yet extracted would stay English in every language."""
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg", "-k", "_"]
        + ["-k", "N_", "-k", "gettext", "-k", "ngettext:1,2", "-k", "said", "-k", "word"]
        + ["--no-wrap", "-o", str(fresh), "."],
        cwd=ROOT,
        check=True,
    )
    with fresh.open("rb") as extracted, (LOCALES_DIR / "messages.pot").open("rb") as kept:
        now = {message.id for message in read_po(extracted) if message.id}
        before = {message.id for message in read_po(kept) if message.id}

    assert now == before, "run make messages and translate what is new"


async def test_a_page_speaks_the_browsers_language_and_says_so(client: Client) -> None:
    german = await client.get("/", headers={"Accept-Language": "de-AT,de;q=0.9,en;q=0.5"})
    unknown = await client.get("/", headers={"Accept-Language": "tlh;q=1, ??"})

    assert '<html lang="de" dir="ltr">' in german.text and ">Veranstaltungen</a>" in german.text
    assert german.headers["content-language"] == "de" and "Accept-Language" in german.headers["vary"]
    assert unknown.status_code == 200 and '<html lang="en"' in unknown.text and ">Events</a>" in unknown.text


async def test_a_visitor_chooses_a_language_that_outlasts_the_browsers(client: Client) -> None:
    chosen = await post(client, "/language", {"language": "fr", "next": "/archive/"}, headers={"Accept-Language": "de"})
    page = await client.get("/archive/", headers={"Accept-Language": "de"})
    refused = await post(client, "/language", {"language": "tlh", "next": "/"})

    assert chosen.status_code == 302 and chosen.headers["location"] == "/archive/"
    assert client.cookies[LANGUAGE_COOKIE] == "fr"
    assert '<html lang="fr"' in page.text and "Hallway est maintenant en français." in page.text
    assert refused.status_code == 400 and client.cookies[LANGUAGE_COOKIE] == "fr"


async def test_an_accounts_language_follows_it_to_another_browser(client: Client, app: Litestar) -> None:
    await log_in(client, "ada@library.org", "Ada")
    await post(client, "/language", {"language": "es", "next": "/"})

    async with AsyncTestClient(app=app, base_url="http://127.0.0.1:8000") as elsewhere:
        await log_in(elsewhere, "ada@library.org", create=False)
        page = await elsewhere.get("/", headers={"Accept-Language": "de"})

    assert elsewhere.cookies.get(LANGUAGE_COOKIE) == "es"
    assert '<html lang="es"' in page.text and ">Cerrar sesión</button>" in page.text


async def test_a_language_chosen_before_logging_in_wins_over_the_accounts(client: Client, app: Litestar) -> None:
    await log_in(client, "ada@library.org", "Ada")
    await post(client, "/language", {"language": "es", "next": "/"})

    async with AsyncTestClient(app=app, base_url="http://127.0.0.1:8000") as elsewhere:
        await post(elsewhere, "/language", {"language": "fr", "next": "/login"})
        await log_in(elsewhere, "ada@library.org", create=False)
        page = await elsewhere.get("/")
    async with AsyncTestClient(app=app, base_url="http://127.0.0.1:8000") as third:
        await log_in(third, "ada@library.org", create=False)

    assert '<html lang="fr"' in page.text
    assert third.cookies.get(LANGUAGE_COOKIE) == "fr"  # the account keeps the latest choice


@pytest.mark.parametrize(
    ("code", "written"),
    [
        ("en", "Sat 27 Mar, 10:05 CET / Saturday 27 March / 2027-03-27 10:05 CET"),
        ("de", "Sa., 27. März, 10:05 CET / Samstag, 27. März / 2027-03-27 10:05 CET"),
        ("fr", "sam. 27 mars, 10:05 CET / samedi 27 mars / 2027-03-27 10:05 CET"),
        ("es", "sáb, 27 mar, 10:05 CET / sábado, 27 de marzo / 2027-03-27 10:05 CET"),
    ],
)
def test_dates_and_times_are_written_the_readers_way(code: str, written: str) -> None:
    moment = datetime(2027, 3, 27, 10, 5, tzinfo=ZoneInfo("Europe/Berlin"))

    with speaking(code):
        shown = [in_words(moment, "%a %-d %b, %H:%M %Z"), in_words(moment.date(), "%A %-d %B")]
        shown.append(in_words(moment, "%Y-%m-%d %H:%M %Z"))  # ISO dates read the same everywhere

    assert " / ".join(shown) == written


async def test_the_schedule_names_its_days_in_the_readers_language(client: Client) -> None:
    await load_demo(today=date(2027, 3, 9))
    heading = re.compile(r'<h2 id="day-\d+">([^<]+)</h2>')

    english = heading.findall((await client.get(f"/events/{DEMO_SLUG}/schedule/")).text)
    german = heading.findall(
        (await client.get(f"/events/{DEMO_SLUG}/schedule/", headers={"Accept-Language": "de"})).text
    )

    assert english and len(german) == len(english)
    for in_english, in_german in zip(english, german):
        day = datetime.strptime(in_english, "%A %d %B").replace(year=2027).date()
        weekday = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"][day.weekday()]
        assert in_german == f"{weekday}, {day.day}. {GERMAN_MONTHS[day.month - 1]}"


GERMAN_MONTHS = "Januar Februar März April Mai Juni Juli August September Oktober November Dezember".split()


@pytest.mark.usefixtures("db")
async def test_mail_speaks_its_recipients_language_whoever_caused_it(smtp) -> None:
    server, inbox, _ = smtp
    ada, ben = await make_account("ada@library.org", "Ada"), await make_account("ben@library.org", "Ben")
    await accounts.remember_language(ada, "de")
    notifications.email_notifications("https://hallway.example.org", "a-secret-key-long-enough-0123", enabled=True)

    with speaking("fr"):  # a French-speaking organiser's action
        for person in (ada, ben):
            await notifications.notify(person, "test", "A session you starred moved.")
    await deliver_due(server)

    bodies = {message["To"]: message.get_payload(decode=True).decode() for message in inbox.messages}
    assert "Sie erhalten diese Nachricht aufgrund Ihrer E-Mail-Einstellungen in Hallway." in bodies["ada@library.org"]
    assert "You receive this because of your Hallway email settings." in bodies["ben@library.org"]


async def test_a_live_refusal_speaks_the_connections_language() -> None:
    async def join(sid: str, data: Join) -> Nothing:
        return Nothing()

    async def german(sid: str) -> str:
        return "de"

    answer = acknowledged(join, ROOMS_PROTOCOL.receives[0], german)

    assert await answer("sid", {"event": "ill-days", "room": "7"}) == {
        "ok": False,
        "error": "'room' muss eine positive ganze Zahl sein.",
        "fields": {"room": "'room' muss eine positive ganze Zahl sein."},
    }
    assert (await answer("sid", None))["error"] == "'event' muss die Adresse einer Veranstaltung sein."


# Templates whose words are not all marked yet (issue 20 goes on). The list only shrinks: a template
# leaves it once it is marked, and the test below then keeps it marked.
TEMPLATES = ROOT / "templates"


@pytest.mark.parametrize("name", sorted(str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html")))
def test_a_template_shows_no_unmarked_text(name: str) -> None:
    assert unmarked_text((TEMPLATES / name).read_text()) == [], f"{name} shows text nobody marked for translation"


def test_the_unmarked_text_finder_sees_text_and_spoken_attributes_but_not_marked_ones() -> None:
    source = """<nav aria-label="Main"><a href="{{ url }}" title="{{ _('Home') }}">Events</a></nav>
    <p>{% trans n=3 %}{{ n }} people{% endtrans %} · {{ _("Archive") }}</p><script>let x = "words";</script>"""

    assert unmarked_text(source) == ['nav aria-label="Main"', "Events"]


async def test_scripts_get_their_sentences_in_the_pages_language(client: Client) -> None:
    german = (await client.get("/", headers={"Accept-Language": "de"})).text
    english = (await client.get("/")).text

    embedded = re.search(r'<meta name="hallway-messages" content="([^"]*)">', german)
    assert embedded is not None
    table = json.loads(html.unescape(embedded.group(1)))
    assert table["You are in the room."] == "Sie sind im Raum."
    assert table["Your question is posted."] == "Ihre Frage ist veröffentlicht."
    assert '<meta name="hallway-messages" content="{}">' in english  # English is the source


async def test_an_address_that_matches_nothing_is_refused_in_the_readers_language(client: Client) -> None:
    missing = await client.get("/no-such-page", headers={"Accept-Language": "fr"})

    assert missing.status_code == 404
    assert '<html lang="fr"' in missing.text and "<h1>Introuvable</h1>" in missing.text


async def test_a_sessions_language_is_named_in_the_readers_and_its_words_are_marked_as_its_own(client: Client) -> None:
    await load_demo(today=date(2027, 3, 9))
    schedule = (await client.get(f"/events/{DEMO_SLUG}/schedule/?view=list")).text
    first = re.search(rf'href="(/events/{DEMO_SLUG}/sessions/[^"/]+/)"', schedule)
    assert first is not None

    german = (await client.get(first.group(1), headers={"Accept-Language": "de"})).text

    assert "Sprache: Englisch" in german
    assert re.search(r'<h1><span lang="en">[^<]+</span>', german)  # a screen reader reads the English title as English


async def test_the_archive_speaks_the_readers_language_and_names_content_languages(
    app: Litestar, client: Client
) -> None:
    from tests.archive.factories import archived_talk, vocabulary

    await vocabulary()
    talk = await archived_talk(
        app.state.settings.media_root,
        title="Préstamo interbibliotecario sin fronteras",
        captions="WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nLos vales de la IFLA pagan los préstamos.\n",
        language="es",
    )
    german = {"Accept-Language": "de"}

    search = (await client.get("/archive/search", params={"q": "vales"}, headers=german)).text
    item = (await client.get(f"/a/{talk.item.handle}", headers={"Accept-Language": "fr"})).text

    assert "1 Sitzung zu „vales“" in search and ">Spanisch</a>" in search  # the language facet, named in German
    assert "Archiv durchsuchen" in search and "Diese Suche speichern" not in search  # saving needs an account
    assert "langue\u00a0: espagnol" in item and "Sous-titres en espagnol (WebVTT)" in item
    assert "Transcription" in item and "Citer" in item


async def test_the_changes_page_reads_the_stored_changelog_in_the_readers_language(client: Client) -> None:
    await load_demo(today=date(2027, 3, 9))

    german = (await client.get(f"/events/{DEMO_SLUG}/changes/", headers={"Accept-Language": "de"})).text
    spanish = (await client.get(f"/events/{DEMO_SLUG}/changes/", headers={"Accept-Language": "es"})).text

    assert "Programmänderungen" in german and "<strong>Verschoben:</strong>" in german
    assert "<strong>Abgesagt:</strong>" in german and "Moved:" not in german
    assert "<strong>Cancelada:</strong>" in spanish and "Versión 2" in spanish


@pytest.mark.usefixtures("db")
async def test_a_notification_is_kept_as_its_sentence_and_read_in_each_readers_language(smtp) -> None:
    server, inbox, _ = smtp
    ada = await make_account("ada@library.org", "Ada")
    await accounts.remember_language(ada, "de")
    pushed: list[dict[str, object]] = []

    async def publisher(recipient: int, payload: dict[str, object]) -> None:
        pushed.append(payload)

    notifications.publish_notifications_with(publisher)
    notifications.email_notifications("https://hallway.example.org", "a-secret-key-long-enough-0123", enabled=True)
    words = notifications.said("%(name)s answered a question on “%(title)s”.", name="Ben", title="Fair use")

    with speaking("fr"):  # whoever answered spoke French
        await notifications.notify(ada, "question-answered", words, "/q/1")
    await deliver_due(server)
    with speaking("es"):
        on_the_page = (await notifications.list_notifications(ada))[0].text

    assert pushed[0]["text"] == "Ben hat eine Frage zu „Fair use“ beantwortet."  # her open pages: her language
    assert (
        str(make_header(decode_header(inbox.messages[0]["Subject"]))) == "Ben hat eine Frage zu „Fair use“ beantwortet."
    )
    assert on_the_page == "Ben respondió una pregunta sobre «Fair use»."  # read later, in the page's language


async def test_the_right_to_left_pseudo_locale_is_offered_only_when_switched_on(
    settings: Settings, sqlite_engine: object
) -> None:
    from server.app import build_litestar_app

    async with AsyncTestClient(app=build_litestar_app(settings)) as plain:
        ordinary = await plain.get("/", headers={"Accept-Language": "ar-XB"})
    async with AsyncTestClient(app=build_litestar_app(replace(settings, pseudo_locales=True))) as client:
        mirrored = await client.get("/", headers={"Accept-Language": "ar-XB, de;q=0.5"})
        client.cookies.set(LANGUAGE_COOKIE, "ar-xb")
        chosen = await client.get("/")

    assert '<html lang="en" dir="ltr">' in ordinary.text and 'value="ar-XB"' not in ordinary.text
    assert '<html lang="ar-XB" dir="rtl">' in mirrored.text and "Events" in mirrored.text  # English words
    assert '<html lang="ar-XB" dir="rtl">' in chosen.text
    assert 'value="ar-XB"' in mirrored.text  # the switcher offers it


def test_the_pseudo_locale_writes_dates_and_numbers_as_english_does() -> None:
    offer_pseudo_locales(True)
    moment = datetime(2027, 3, 27, 10, 5, tzinfo=ZoneInfo("Europe/Berlin"))
    with speaking("ar-XB"):
        assert (in_words(moment, "%a %-d %b, %H:%M"), in_numbers(12345.5), text_direction()) == (
            "Sat 27 Mar, 10:05",
            "12,345.5",
            "rtl",
        )


@pytest.mark.parametrize("code", ["NaN", "zz", "a" * 40, "x-\x00", "", "\u0661\u0662"])
def test_a_content_language_nobody_knows_is_shown_as_it_is(code: str) -> None:
    with speaking("de"):
        assert language_name(code) == code
    with speaking("de"):
        assert language_name("es") == "Spanisch"
