"""Captions: WebVTT kept, SubRip converted, and a broken file refused with the line that is wrong."""

from __future__ import annotations

import pytest

from archive.captions import format_moment, parse_captions
from archive.text_language import likely_language, mislabelled_as
from server.problems import Invalid
from tests.archive.factories import CONTU_CAPTIONS


def test_webvtt_cues_keep_their_times_to_the_millisecond_and_lose_their_markup() -> None:
    parsed = parse_captions(CONTU_CAPTIONS.encode())
    assert [(c.start, c.end) for c in parsed.cues] == [(1.0, 4.0), (5.0, 9.5), (12.25, 15.0)]
    assert parsed.cues[1].text == "The CONTU rule of five limits copies from one journal."
    assert parsed.cues[2].text == "Licences come first & guidelines second."
    assert parsed.vtt.startswith("WEBVTT")


def test_subrip_is_converted_to_webvtt() -> None:
    srt = "1\r\n00:00:01,500 --> 00:00:03,000\r\nFirst line\r\n\r\n2\r\n00:01:02,000 --> 00:01:04,000\r\nA & B\r\n"
    parsed = parse_captions(srt.encode())
    assert [(c.start, c.text) for c in parsed.cues] == [(1.5, "First line"), (62.0, "A & B")]
    assert parsed.vtt.splitlines()[:4] == ["WEBVTT", "", "00:00:01.500 --> 00:00:03.000", "First line"]
    assert "A &amp; B" in parsed.vtt  # WebVTT needs the ampersand escaped
    assert parse_captions(parsed.vtt.encode()).cues == parsed.cues


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nok\n\n00:00:0x.000 --> 00:00:03.000\nbad\n", "Line 6"),
        ("WEBVTT\n\n00:00:05.000 --> 00:00:02.000\nbackwards\n", "ends before it starts"),
        ("1\n00:00:01,000 --> 00:00:02,000\nhi\n\n2\nsoon --> later\nx\n", "Line 6"),
        ("Just some notes, no timings at all.\n", "neither WebVTT"),
        ("WEBVTT\n\nNOTE nothing here\n", "no captions"),
        ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nok\n\n00:00:05.000 -> 00:00:07.000\nlost cue\n", "Line 6"),
        ("1\n00:00:01,000 --> 00:00:02,000\nhi\n\n2\n00:00:03,000 — 00:00:04,000\nx\n", "Line 6"),
    ],
)
def test_captions_that_do_not_parse_are_refused_naming_the_line(text: str, message: str) -> None:
    with pytest.raises(Invalid) as raised:
        parse_captions(text.encode())
    assert message in raised.value.errors["captions"]


def test_captions_that_are_not_utf8_name_the_line() -> None:
    with pytest.raises(Invalid) as raised:
        parse_captions("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nDésolé\n".encode("latin-1"))
    assert "Line 4 is not UTF-8" in raised.value.errors["captions"]


def test_moments_are_written_as_people_read_them() -> None:
    assert [format_moment(s) for s in (0, 9.9, 754, 3723)] == ["0:00", "0:09", "12:34", "1:02:03"]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (
            "Los vales de la IFLA pagan los préstamos internacionales sin facturas, y las bibliotecas pequeñas "
            "también pueden prestar a otros países con el envío por correo.",
            "es",
        ),
        (
            "Wir verschicken Aufsätze aus Zeitschriften per E-Mail, und die Bibliothek ist auch für die Fernleihe "
            "mit den anderen Ländern zuständig, wenn es nicht anders geht.",
            "de",
        ),
        (
            "Nous envoyons les articles par courriel et la bibliothèque est aussi le centre du prêt entre "
            "bibliothèques pour les pays qui ne sont pas dans le réseau avec nous.",
            "fr",
        ),
        (
            "The licence comes first: if it forbids interlibrary loan, the guidelines do not help, and we keep "
            "the records for three years as they expect, with the title and the year.",
            "en",
        ),
        ("Hola, buenas tardes.", None),  # too short to tell
        ("ILL TIPASA OCLC Rapido 2026", None),  # names, not language
    ],
)
def test_the_language_a_text_reads_as(text: str, language: str | None) -> None:
    assert likely_language(text) == language


def test_a_regional_tag_declares_its_language() -> None:
    spanish = (
        "Los vales de la IFLA pagan los préstamos internacionales sin facturas y con el envío por correo de la red."
    )
    assert mislabelled_as("es-MX", spanish) == "" and mislabelled_as("en", spanish) == "es"
