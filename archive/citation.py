"""How to cite an archive item: plain text, BibTeX and RIS, all from the same facts."""

from __future__ import annotations

import re

from archive.items import ItemView
from server.validation import without_control_characters


def permalink(base_url: str, item: ItemView) -> str:
    return f"{base_url.rstrip('/')}/a/{item.handle}"


def _authors(item: ItemView) -> list[str]:
    return [p["name"] for p in item.presenters] or ["Anonymous"]


def _surname_first(name: str) -> str:
    parts = name.rsplit(" ", 1)
    return f"{parts[1]}, {parts[0]}" if len(parts) == 2 else name


def plain_citation(item: ItemView, base_url: str) -> str:
    authors = "; ".join(_surname_first(a) for a in _authors(item))
    return (
        f"{authors} ({item.year}). {item.title}. Presented at {item.event_title}, "
        f"{item.starts_at:%-d %B %Y}. {permalink(base_url, item)}"
    )


def _one_line(text: str) -> str:
    """Citation fields are single lines: a line break in a title would start a new RIS tag or BibTeX field."""
    return " ".join(without_control_characters(text).split())


def _bibtex_text(text: str) -> str:
    return re.sub(r"([{}\\&%$#_])", r"\\\1", _one_line(text))


def bibtex_citation(item: ItemView, base_url: str) -> str:
    fields = [
        ("author", " and ".join(_bibtex_text(a) for a in _authors(item))),
        ("title", "{" + _bibtex_text(item.title) + "}"),
        ("howpublished", _bibtex_text(f"Presented at {item.event_title}")),
        ("year", str(item.year)),
        ("month", f"{item.starts_at:%b}".lower()),
        ("url", permalink(base_url, item)),
        ("note", "Recording, transcript and Q\\&A"),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{hallway-{item.handle},\n{body}\n}}\n"


def ris_citation(item: ItemView, base_url: str, *, sound_only: bool = False) -> str:
    """RIS: ``SOUND`` for a talk kept as audio only, ``VIDEO`` otherwise."""
    lines = [("TY", "SOUND" if sound_only else "VIDEO")]
    lines += [("AU", _one_line(_surname_first(a))) for a in _authors(item)]
    lines += [
        ("TI", _one_line(item.title)),
        ("T2", _one_line(item.event_title)),
        ("PY", str(item.year)),
        ("DA", f"{item.starts_at:%Y/%m/%d}"),
        ("LA", _one_line(item.language)),
        ("UR", permalink(base_url, item)),
        ("AB", _one_line(item.abstract)),
        ("ER", ""),
    ]
    return "".join(f"{tag}  - {value}\r\n" for tag, value in lines)
