"""schema.org JSON-LD and oEmbed for archive items, built as data and serialised once.

Search engines and link previews read these; building dictionaries (not string templates)
keeps them valid whatever characters a title holds.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import timedelta
from html import escape
from typing import Any

from markupsafe import Markup

from archive.citation import permalink
from archive.items import ItemView
from archive.recordings import RecordingView, TranscriptLine
from events.programme import ProgrammeEvent

CLIPS_MAX = 12


def iso_duration(seconds: float) -> str:
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"PT{hours}H{minutes}M{secs}S"


ATTENDANCE = {
    "in_person": "https://schema.org/OfflineEventAttendanceMode",
    "online": "https://schema.org/OnlineEventAttendanceMode",
    "hybrid": "https://schema.org/MixedEventAttendanceMode",
}


def _where(event: ProgrammeEvent | None, event_url: str) -> dict[str, Any]:
    """schema.org asks every Event for startDate and location: the venue, the online place, or both."""
    if event is None:
        return {}
    places: list[dict[str, Any]] = []
    if event.mode != "online":
        places.append({"@type": "Place", "name": event.venue or event.title})
    if event.mode != "in_person":
        places.append({"@type": "VirtualLocation", "url": event_url})
    return {
        "startDate": event.start_date.isoformat(),
        "endDate": event.end_date.isoformat(),
        "eventAttendanceMode": ATTENDANCE.get(event.mode, ATTENDANCE["hybrid"]),
        "location": places[0] if len(places) == 1 else places,
    }


def item_json_ld(
    item: ItemView,
    base_url: str,
    recordings: list[RecordingView],
    transcript: list[TranscriptLine],
    topics: list[str],
    event: ProgrammeEvent | None = None,
) -> dict[str, Any]:
    link = permalink(base_url, item)
    event_url = f"{base_url.rstrip('/')}/events/{item.event_slug}/"
    where = _where(event, event_url)
    people = [
        {
            "@type": "Person",
            "name": p["name"],
            **({"affiliation": {"@type": "Organization", "name": p["affiliation"]}} if p.get("affiliation") else {}),
        }
        for p in item.presenters
    ]
    session = {
        "@type": "Event",
        "@id": f"{link}#session",
        "name": item.title,
        "description": item.abstract,
        "url": link,
        "startDate": item.starts_at.isoformat(),
        "endDate": (item.starts_at + timedelta(minutes=item.duration_minutes)).isoformat(),
        "inLanguage": item.language,
        "performer": people,
        "about": topics,
        **({"location": where["location"], "eventAttendanceMode": where["eventAttendanceMode"]} if where else {}),
    }
    graph: list[dict[str, Any]] = [
        {"@type": "Event", "name": item.event_title, "url": event_url, **where, "subEvent": session}
    ]
    for recording in recordings:
        media: dict[str, Any] = {
            "@type": "VideoObject" if recording.kind == "video" else "AudioObject",
            "name": item.title,
            "description": item.abstract or item.title,
            "uploadDate": item.published_at.isoformat(),
            "inLanguage": recording.language,
            "url": link,
            "recordedAt": {"@id": f"{link}#session"},
        }
        if recording.file_name:  # the file itself, and the page that plays it
            media["contentUrl"] = f"{base_url.rstrip('/')}/media/{recording.file_name}"
            media["embedUrl"] = f"{link}/embed"
        else:
            media["embedUrl"] = recording.url  # a PeerTube or YouTube page, not the media file itself
        if recording.duration:
            media["duration"] = iso_duration(recording.duration)
        if transcript:
            media["transcript"] = " ".join(line.text for line in transcript)
        if recording.kind == "video":
            media["thumbnailUrl"] = f"{base_url.rstrip('/')}/static/favicon.svg"
            media["hasPart"] = [
                {
                    "@type": "Clip",
                    "name": line.text[:110],
                    "startOffset": int(line.start),
                    "endOffset": int(line.end) + 1,
                    "url": f"{link}#t={int(line.start)}",
                }
                for line in transcript[:: max(1, len(transcript) // CLIPS_MAX)][:CLIPS_MAX]
            ]
        media["potentialAction"] = {
            "@type": "SeekToAction",
            "target": f"{link}#t={{seek_to_second_number}}",
            "startOffset-input": "required name=seek_to_second_number",
        }
        graph.append(media)
    return {"@context": "https://schema.org", "@graph": graph}


def json_ld_script(data: dict[str, Any]) -> Markup:
    """The JSON-LD inside a <script> element; "</" is escaped so no text can end the element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True).replace("</", "<\\/").replace("<!--", "<\\!--")
    return Markup(f'<script type="application/ld+json">{text}</script>')


PLAYER_CHROME = 200  # the embed page's title, controls and transcript line under the 16:9 picture
EMBED_WIDTH, EMBED_WIDTH_MIN = 640, 200


def embed_size(max_width: int | None, max_height: int | None) -> tuple[int, int]:
    """The largest embed (16:9 picture and its chrome) within both limits, as oEmbed 1.0 asks of a provider."""
    width = EMBED_WIDTH if max_width is None else max(EMBED_WIDTH_MIN, min(max_width, EMBED_WIDTH))
    if max_height is not None:
        width = max(EMBED_WIDTH_MIN, min(width, int((max_height - PLAYER_CHROME) * 16 / 9)))
    height = int(width * 9 / 16) + PLAYER_CHROME
    if max_height is not None:
        height = max(1, min(height, max_height))
    return width, height


def oembed_xml(document: dict[str, Any]) -> bytes:
    """The same answer in oEmbed's XML form: one element per field under <oembed>."""
    root = ET.Element("oembed")
    for name, value in document.items():
        ET.SubElement(root, name).text = str(value)
    body: bytes = ET.tostring(root, encoding="utf-8")
    return b'<?xml version="1.0" encoding="utf-8" standalone="yes"?>\n' + body


def oembed(
    item: ItemView, base_url: str, max_width: int | None = None, max_height: int | None = None
) -> dict[str, Any]:
    width, height = embed_size(max_width, max_height)
    src = f"{base_url.rstrip('/')}/a/{item.handle}/embed"
    return {
        "version": "1.0",
        "type": "video",
        "provider_name": "Hallway",
        "provider_url": base_url,
        "title": item.title,
        "author_name": ", ".join(item.presenter_names),
        "html": f'<iframe src="{escape(src)}" width="{width}" height="{height}" title="{escape(item.title)}" '
        'frameborder="0" allowfullscreen></iframe>',
        "width": width,
        "height": height,
    }
