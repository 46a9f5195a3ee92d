"""Finds the words a template shows that are not marked for translation (tests/server/test_i18n.py).

The template's HTML is rebuilt with every Jinja expression, statement and ``{% trans %}`` block
replaced by a mark, then read as HTML: words left in text or in spoken attributes (aria-label, title,
alt, placeholder) were written in English and would stay English in every language.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from jinja2 import Environment

_ENV = Environment(extensions=["jinja2.ext.i18n"])
SPOKEN_ATTRIBUTES = {"aria-label", "title", "alt", "placeholder", "aria-description", "aria-roledescription"}
# Names of things and formats, written the same in every language.
SAME_IN_EVERY_LANGUAGE = {
    "Hallway",
    "frab",
    "XML",
    "JSON",
    "iCalendar",
    "RSS",
    "Atom",
    "BibTeX",
    "RIS",
    "CSV",
    "PDF",
    "OAI",
    "PMH",
}
MARK = "\x00"


def _without_jinja(source: str) -> str:
    out: list[str] = []
    inside_trans = 0
    tokens = list(_ENV.lex(source))
    for index, (_, kind, value) in enumerate(tokens):
        if kind == "block_begin":
            name = next((v for _, k, v in tokens[index + 1 : index + 3] if k == "name"), "")
            inside_trans += {"trans": 1, "endtrans": -1}.get(name, 0)
        elif kind == "variable_begin":
            out.append(MARK)
        elif kind == "data":
            out.append(MARK if inside_trans else value)
    return "".join(out)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.in_code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.in_code += tag in ("script", "style")
        for name, value in attrs:
            if name in SPOKEN_ATTRIBUTES and value and _words(value):
                self.found.append(f'{tag} {name}="{value}"')

    def handle_endtag(self, tag: str) -> None:
        self.in_code -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self.in_code and _words(data):
            self.found.append(data.strip().replace(MARK, "…"))


def _words(text: str) -> list[str]:
    return [word for word in re.findall(r"[^\W\d_]{2,}", text.replace(MARK, " ")) if word not in SAME_IN_EVERY_LANGUAGE]


def unmarked_text(source: str) -> list[str]:
    """The pieces of text in a template's source that nobody marked for translation."""
    reader = _Reader()
    reader.feed(_without_jinja(source))
    return reader.found
