"""Reading captions: WebVTT as it is, SubRip converted to WebVTT, each cue kept for search.

webvtt-py does the parsing. It skips a cue it cannot read, and a skipped cue is a hole
in the transcript nobody notices, so every timing line is checked first and the first bad
one is reported by line number.
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass

import webvtt
from webvtt.errors import MalformedCaptionError, MalformedFileError

from server.problems import Invalid

CAPTIONS_MAX_BYTES = 5 * 1024 * 1024
_TIME = r"(?:\d{1,3}:)?\d{2}:\d{2}[.,]\d{3}"
TIMING = re.compile(rf"^\s*({_TIME})\s+-->\s+({_TIME})(?:\s+.*)?$")
# A line that starts with a time stamp is meant as a cue timing, even when its arrow is mistyped.
LOOKS_LIKE_TIMING = re.compile(rf"^\s*{_TIME}\s*[-=>–—]")
TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class ParsedCue:
    start: float
    end: float
    text: str  # plain text: voice and styling tags removed, entities decoded


@dataclass(frozen=True)
class ParsedCaptions:
    vtt: str
    cues: list[ParsedCue]


def parse_captions(data: bytes) -> ParsedCaptions:
    """Parse WebVTT or SubRip bytes; a ``Invalid`` names the first line that is wrong."""
    if len(data) > CAPTIONS_MAX_BYTES:
        raise _bad(f"Captions may be at most {CAPTIONS_MAX_BYTES // 1024 // 1024} MiB.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise _bad(f"Line {line} is not UTF-8 text.") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    is_vtt = text.lstrip().startswith("WEBVTT")
    _check_timings(text, is_vtt)
    try:
        parsed = webvtt.from_buffer(io.StringIO(text), format="vtt" if is_vtt else "srt", strict=True)
    except (MalformedFileError, MalformedCaptionError) as error:
        raise _bad(f"These captions cannot be read: {error}.") from None
    cues = [ParsedCue(_seconds(c.start), _seconds(c.end), _plain(c.text)) for c in parsed.captions]
    if not cues:
        raise _bad("There are no captions in this file.")
    return ParsedCaptions(vtt=parsed.content if is_vtt else _as_vtt(parsed), cues=cues)


def _check_timings(text: str, is_vtt: bool) -> None:
    lines = text.split("\n")
    if not is_vtt and not any("-->" in line for line in lines):
        raise _bad("Line 1: this is neither WebVTT (it must start with WEBVTT) nor SubRip.")
    previous_start = -1.0
    for number, line in enumerate(lines, start=1):
        if "-->" not in line and not LOOKS_LIKE_TIMING.match(line):
            continue
        match = TIMING.match(line)
        if match is None:
            raise _bad(
                f"Line {number}: “{line.strip()[:80]}” is not a cue timing (like 00:01:02.500 --> 00:01:05.000)."
            )
        start, end = _seconds(match.group(1)), _seconds(match.group(2))
        if end < start:
            raise _bad(f"Line {number}: the cue ends before it starts.")
        if is_vtt and start < previous_start:
            raise _bad(f"Line {number}: cues must be in order of their start time.")
        previous_start = start


def _as_vtt(parsed: webvtt.WebVTT) -> str:
    blocks = [f"{c.start} --> {c.end}\n{html.escape(c.text, quote=False)}" for c in parsed.captions]
    return "WEBVTT\n\n" + "\n\n".join(blocks) + "\n"


def _seconds(stamp: str) -> float:
    parts = stamp.replace(",", ".").split(":")
    seconds = float(parts[-1]) + 60 * int(parts[-2])
    return seconds + 3600 * int(parts[-3]) if len(parts) == 3 else seconds


def _plain(cue_text: str) -> str:
    return html.unescape(TAG.sub("", cue_text)).replace("\n", " ").strip()


def _bad(message: str) -> Invalid:
    return Invalid({"captions": message})


def format_moment(seconds: float) -> str:
    """12:34 or 1:02:03: how a moment in a recording is written for people."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
