"""Checks every package applies to what people and programs send: ids, one-line texts, numbers, years.

Bad input is reported with :class:`server.problems.Invalid`."""

from __future__ import annotations

from server.i18n import _
import re
import unicodedata

from server.problems import Invalid


ID_LIMIT = 2**31  # PostgreSQL's integer ids; SQLite refuses numbers past 2**63 with an OverflowError


def row_id(name: str, value: object) -> int:
    """``value`` as the id of a row, or refused by its field (``name``) when no row could have it."""
    if not is_row_id(value):
        raise Invalid({name: _("'%(name)s' must be a positive whole number.", name=name)})
    assert isinstance(value, int)
    return value


def is_row_id(value: object) -> bool:
    """Whether ``value`` could name a row: ids that cannot exist are refused before any query sees them."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < ID_LIMIT


# Characters no one types: C0 controls but tab and line breaks, DEL, and the C1 controls. NUL in
# particular cannot be stored in PostgreSQL text, and none of them may appear in XML 1.0.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_LINE_BREAK = re.compile(r"[\r\n\u0085\u2028\u2029]")


def has_control_characters(text: str) -> bool:
    return bool(_CONTROL.search(text))


def line_problem(text: str) -> str | None:
    """Why ``text`` cannot be a one-line value (a name, a title), or ``None`` when it can."""
    if _LINE_BREAK.search(text) or "\t" in text or _CONTROL.search(text):
        return _("Use one line of text, without line breaks or control characters.")
    return None


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be a longer text (an abstract, a message), or ``None`` when it can."""
    if _CONTROL.search(text):
        return _("Remove the control characters from this text.")
    return None


def has_visible_text(text: str) -> bool:
    """Whether ``text`` shows anything: spaces, zero-width and other format characters alone show nothing."""
    return any(not char.isspace() and unicodedata.category(char) not in ("Cf", "Cc", "Zs", "Zl", "Zp") for char in text)


def without_control_characters(text: str) -> str:
    """For imports, which keep what they can: control characters dropped, line breaks kept."""
    return _CONTROL.sub("", text)


_WHOLE_NUMBER = re.compile(r"[0-9]{1,18}")


def whole_number(text: str) -> int | None:
    """``text`` as a whole number when it is plain ASCII digits (at most 18), else ``None``.

    ``str.isdigit`` accepts "²" and other Unicode digits that ``int`` refuses (or reads as
    numbers no one typed), and ``int`` of thousands of digits raises; neither reaches ``int`` here.
    """
    return int(text) if _WHOLE_NUMBER.fullmatch(text) else None


_XML_INVALID_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def xml_safe_bytes(document: bytes) -> bytes:
    """Drop the bytes XML 1.0 cannot carry from a serialised UTF-8 document.

    ElementTree writes control characters from text as they are, which makes the document
    ill-formed for every reader. These bytes never occur inside a UTF-8 multi-byte sequence,
    so removing them cannot damage other characters.
    """
    return _XML_INVALID_BYTES.sub(b"", document)


EARLIEST_YEAR, LATEST_YEAR = 1900, 2199


def year_problem(moment: object) -> str | None:
    """Dates far in the past or future are typing mistakes, and break calendars that add hours to them."""
    year = getattr(moment, "year", None)
    if isinstance(year, int) and not EARLIEST_YEAR <= year <= LATEST_YEAR:
        return f"Use a date between the years {EARLIEST_YEAR} and {LATEST_YEAR}."
    return None
