"""The interface's languages: which one a person reads, and its translations of every marked message.

The language is chosen once per request (and per socket event, per email) and kept in a context variable,
so every marked string in a template, a flash message, a form error or an acknowledgement is translated
without being handed the request: ``gettext`` (also ``_`` in templates) and ``ngettext`` read it.

A person's choice wins (the cookie a visitor or an account sets from the footer; an account's profile
restores it at log-in and picks the language of its mail); otherwise the browser's ``Accept-Language``;
otherwise English. A language without a catalogue, or a malformed header, falls back to English, never
to an error. Catalogues are the ``.po`` files under ``server/locales``, read when first needed (no build
step): ``make messages`` extracts the marked strings and updates them.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any, Iterator, cast

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton, match_skeleton
from babel.messages.mofile import write_mo
from babel.numbers import format_decimal
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from litestar.types import ASGIApp, Message, Receive, Scope, Send

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
LANGUAGE_COOKIE = "hallway_lang"
DEFAULT = "en"


@dataclass(frozen=True)
class Language:
    code: str  # BCP 47, as in <html lang>
    name: str  # in the language itself, as the switcher offers it
    direction: str = "ltr"
    formats_as: str = ""  # the CLDR locale for dates and numbers, when it is not ``code``


LANGUAGES: dict[str, Language] = {
    language.code: language
    for language in (
        Language("en", "English"),
        Language("de", "Deutsch"),
        Language("es", "Español"),
        Language("fr", "Français"),
    )
}

# A pseudo-locale (Android's ar-XB): the English text laid out right to left, so a developer or a test sees
# that every page mirrors before a right-to-left translation exists. Offered only with HALLWAY_PSEUDO_LOCALES.
RIGHT_TO_LEFT_PSEUDO = Language("ar-XB", "English, right to left (pseudo-locale)", "rtl", formats_as="en")


def offer_pseudo_locales(offered: bool) -> None:
    """Add the pseudo-locale to the languages people can choose (development and tests), or take it away."""
    if offered:
        LANGUAGES[RIGHT_TO_LEFT_PSEUDO.code] = RIGHT_TO_LEFT_PSEUDO
    else:
        LANGUAGES.pop(RIGHT_TO_LEFT_PSEUDO.code, None)


_current: ContextVar[str] = ContextVar("hallway_language", default=DEFAULT)
# One entry of Accept-Language: a tag (letters, digits and hyphens) and an optional quality.
_ENTRY = re.compile(r"^\s*([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*)\s*(?:;\s*q\s*=\s*([01](?:\.[0-9]{0,3})?))?\s*$")
_HEADER_MAX = 500  # a longer Accept-Language is not a browser's; its first part is read
_TAG_MAX = 35  # the longest language tag RFC 5646 (4.4.1) asks implementations to accept


def supported(code: str | None) -> str | None:
    """The language ``code`` names among those Hallway speaks (``de-AT`` is German), else None."""
    if not code:
        return None
    exact = code.strip().replace("_", "-").lower()
    found = next((known for known in LANGUAGES if known.lower() == exact), None)
    if found:
        return found
    primary = code.strip().split("-")[0].split("_")[0].lower()
    return primary if primary in LANGUAGES else None


def negotiate(accept_language: str | None) -> str:
    """The language a browser prefers most among Hallway's, by its ``Accept-Language`` (RFC 9110 12.5.4)."""
    wanted: list[tuple[float, int, str]] = []
    for position, entry in enumerate((accept_language or "")[:_HEADER_MAX].split(",")):
        match = _ENTRY.match(entry)
        if not match or len(match.group(1)) > _TAG_MAX:
            continue  # a malformed entry is ignored, not an error
        quality = float(match.group(2)) if match.group(2) else 1.0
        if quality > 0:
            wanted.append((-quality, position, match.group(1)))
    for _quality, _position, tag in sorted(wanted):
        found = DEFAULT if tag == "*" else supported(tag)
        if found:
            return found
    return DEFAULT


def language_of(cookie: str | None, accept_language: str | None) -> str:
    """A request's language: the one the person chose (its cookie), else their browser's."""
    return supported(cookie) or negotiate(accept_language)


def current_language() -> str:
    return _current.get()


def text_direction() -> str:
    return LANGUAGES[current_language()].direction


def formatting_locale() -> str:
    """The CLDR locale that writes dates, times and numbers for the current language."""
    code = current_language()
    return LANGUAGES[code].formats_as or code if code in LANGUAGES else DEFAULT


@contextmanager
def speaking(code: str | None) -> Iterator[str]:
    """Translate into ``code`` (a person's language, for their mail or their socket) inside the block."""
    token = _current.set(supported(code) or DEFAULT)
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def use_language(code: str) -> None:
    """Set the language for the rest of this task (a request: the middleware calls it first)."""
    _current.set(supported(code) or DEFAULT)


@lru_cache(maxsize=None)
def translations(code: str) -> NullTranslations:
    """The catalogue of ``code`` (read from its .po file once per process); English is the source text."""
    source = LOCALES_DIR / code / "LC_MESSAGES" / "messages.po"
    if code == DEFAULT or not source.exists():
        return NullTranslations()
    with source.open("rb") as po:
        catalogue = read_po(po, locale=code)
    compiled = BytesIO()
    write_mo(compiled, catalogue, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled)


def language_name(code: str) -> str:
    """A content language's name in the reader's language ("Englisch" for ``en`` in German), else the code."""
    try:
        return Locale.parse(code.replace("-", "_")).get_display_name(formatting_locale()) or code
    except (ValueError, TypeError, UnknownLocaleError):  # a code CLDR does not know is shown as it is
        return code


@lru_cache(maxsize=None)
def _script_messages(code: str) -> dict[str, str]:
    source = LOCALES_DIR / code / "LC_MESSAGES" / "messages.po"
    if code == DEFAULT or not source.exists():
        return {}
    with source.open("rb") as po:
        catalogue = read_po(po, locale=code)
    return {
        message.id: message.string
        for message in catalogue
        if isinstance(message.id, str)
        and isinstance(message.string, str)
        and message.string
        and any(path.startswith("static/") for path, _ in message.locations)
    }


def script_messages() -> dict[str, str]:
    """The translations the scripts under static/ use, in the current language (the layout embeds them as
    JSON; static/base/i18n.js reads them): English text to translated text, nothing for English."""
    return _script_messages(current_language())


def gettext(message: str, **values: Any) -> str:
    """``message`` in the current language; ``%(name)s`` placeholders are filled from ``values``."""
    text = translations(current_language()).gettext(message)
    return text % values if values else text


def ngettext(singular: str, plural: str, count: int, **values: Any) -> str:
    """The form of the message for ``count`` in the current language (``%(num)s`` is the count)."""
    text = translations(current_language()).ngettext(singular, plural, count)
    return text % {"num": count, **values}


_ = gettext


def N_(message: str) -> str:
    """Mark ``message`` for translation where it is defined (a constant); it is translated where it is said."""
    return message


# The strftime fields Hallway's pages use, as CLDR skeleton letters (in a skeleton's canonical order).
_DATE_FIELDS = {"%Y": "y", "%B": "MMMM", "%b": "MMM", "%A": "EEEE", "%a": "E", "%-d": "d", "%d": "d"}
_TIME_FIELDS = {"%H": "H", "%M": "m", "%S": "s"}
_SKELETON_ORDER = "yMEd"


def in_numbers(value: float) -> str:
    """A number as the reader writes it: "1.5" in English, "1,5" in German, "12 345" in French."""
    return str(format_decimal(value, locale=formatting_locale()))


def in_words(moment: date | datetime, pattern: str) -> str:
    """``moment`` written as ``pattern`` (strftime) says, in the current language.

    English keeps the pattern exactly. Other languages get their own order and names for the same
    fields (CLDR's, through Babel): "%a %-d %b, %H:%M" is "Sa., 27. März, 10:05" in German. ISO dates
    (%Y-%m-%d) and zone abbreviations (%Z) read the same everywhere.
    """
    code = formatting_locale()
    if code == DEFAULT or "%Y-%m-%d" in pattern:
        return moment.strftime(pattern)
    date_letters = [letters for field, letters in _DATE_FIELDS.items() if field in pattern]
    skeleton = "".join(sorted(date_letters, key=lambda letters: _SKELETON_ORDER.index(letters[0])))
    time_skeleton = "".join(letters for field, letters in _TIME_FIELDS.items() if field in pattern)
    written_date = _date_in(skeleton, moment, code) if skeleton else ""
    written_time = (
        format_skeleton(time_skeleton, moment, locale=code) if time_skeleton and isinstance(moment, datetime) else ""
    )
    if written_date and written_time:
        combined = str(Locale.parse(code).datetime_formats["medium"]).replace("{1}", written_date)
        written = combined.replace("{0}", written_time)
    else:
        written = written_date or written_time
    if "%Z" in pattern and isinstance(moment, datetime):
        written += f" {moment.strftime('%Z')}"
    return written


def _date_in(skeleton: str, moment: date, code: str) -> str:
    """The locale's nearest pattern for ``skeleton``, widened to full names where the skeleton asks for them
    (CLDR offers "Sa., 27. März" for a skeleton that wants "Samstag, 27. März")."""
    locale = Locale.parse(code)
    nearest = match_skeleton(skeleton, locale.datetime_skeletons) or skeleton
    pattern = str(locale.datetime_skeletons.get(nearest, nearest))
    if "EEEE" in skeleton:
        pattern = re.sub(r"E+", "EEEE", pattern)
    if "MMMM" in skeleton:
        pattern = re.sub(r"(?<!M)M{3}(?!M)|L{3,4}", "MMMM", pattern)
    return format_date(moment, pattern, locale=locale)


def _raw_gettext(message: str) -> str:
    return translations(current_language()).gettext(message)


def _raw_ngettext(singular: str, plural: str, count: int) -> str:
    return translations(current_language()).ngettext(singular, plural, count)


TEMPLATE_GETTEXT = (_raw_gettext, _raw_ngettext)
"""What Jinja's i18n extension calls (it fills the placeholders itself)."""


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return ""


def _cookie(header: str, name: str) -> str | None:
    for part in header.split(";"):
        key, _equals, value = part.strip().partition("=")
        if key == name:
            return value
    return None


def connection_language(cookie_header: str, accept_language: str) -> str:
    """The language of a connection that carries these headers (a socket, as its page was chosen)."""
    return language_of(_cookie(cookie_header, LANGUAGE_COOKIE), accept_language)


class LanguageMiddleware:
    """Choose each request's language before anything else runs, and say it in the response's headers.

    Pages differ by language, so they vary by ``Accept-Language`` and by the cookie that overrides it.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        code = language_of(_cookie(_header(scope, b"cookie"), LANGUAGE_COOKIE), _header(scope, b"accept-language"))
        token = _current.set(code)

        async def send_with_language(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                kind = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                if kind.startswith(b"text/html"):
                    headers += [(b"content-language", code.encode()), (b"vary", b"Accept-Language, Cookie")]
                message = cast(Message, {**message, "headers": headers})
            await send(message)

        try:
            await self.app(scope, receive, send_with_language)
        finally:
            _current.reset(token)
