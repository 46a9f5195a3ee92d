"""Archive feeds: Atom for news readers, podcast RSS with enclosures, iCal of upcoming sessions per topic.

feedgen writes the Atom and RSS (with its podcast extension), so escaping, dates and the
iTunes elements podcast apps expect are its job, not ours. Feeds are public: they list
items of public events only, whoever asks.
"""

from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import urlsplit

from feedgen.feed import FeedGenerator

from events.access import event_access
from events.calendar import CalendarPart, build_calendar
from events.catalogue import list_public_events
from events.releases import published_programme

from archive.citation import permalink
from archive.items import ItemView
from server.validation import without_control_characters
from archive.derivatives import derivatives_of
from archive.recordings import media_by_session

FEED_SIZE = 100
PODCAST_COVER = "/static/podcast-cover.png"  # 1400×1400 PNG, the smallest square Apple Podcasts accepts


def _text(value: str) -> str:
    """What people wrote, without the characters XML cannot carry (feedgen refuses them with an error)."""
    return without_control_characters(value)


def _feed(title: str, page_url: str, self_url: str, subtitle: str) -> FeedGenerator:
    feed = FeedGenerator()
    feed.id(page_url)
    feed.title(_text(title))
    feed.subtitle(_text(subtitle or title))
    feed.link(href=self_url, rel="self")
    feed.link(href=page_url, rel="alternate")  # last: RSS's channel <link> is the last one given, and must be the page
    feed.language("en")
    feed.generator("Hallway")
    return feed


def _newest(items: list[ItemView]) -> list[ItemView]:
    """The newest archived items, oldest first: feedgen puts each added entry on top."""
    return list(reversed(sorted(items, key=lambda item: (item.published_at, item.id), reverse=True)[:FEED_SIZE]))


def _updated(items: list[ItemView]) -> datetime:
    return max((item.updated_at for item in items), default=datetime(2000, 1, 1, tzinfo=timezone.utc))


def atom_feed(
    items: list[ItemView], *, title: str, page_url: str, self_url: str, base_url: str, subtitle: str = ""
) -> bytes:
    feed = _feed(title, page_url, self_url, subtitle)
    feed.updated(_updated(items))
    for item in _newest(items):
        entry = feed.add_entry()
        entry.id(permalink(base_url, item))
        entry.title(_text(item.title))
        entry.link(href=permalink(base_url, item))
        entry.summary(_text(item.abstract or item.title))
        entry.published(item.published_at)
        entry.updated(item.updated_at)
        for name in item.presenter_names or ["Hallway"]:
            entry.author(name=_text(name))
        entry.category(term=item.event_slug, label=_text(item.event_title))
    atom: bytes = feed.atom_str(pretty=True)
    return atom


async def podcast_feed(
    items: list[ItemView], *, title: str, page_url: str, self_url: str, base_url: str, subtitle: str = ""
) -> bytes:
    """RSS 2.0 with one enclosure per item (its first stored recording, compressed), as podcast apps expect."""
    feed = _feed(title, page_url, self_url, subtitle)
    feed.load_extension("podcast")
    feed.podcast.itunes_category("Education")
    feed.podcast.itunes_explicit("no")
    feed.podcast.itunes_author("Hallway")
    feed.description(_text(subtitle or title))
    cover = f"{base_url.rstrip('/')}{PODCAST_COVER}"
    feed.image(url=cover, title=_text(title), link=page_url)
    feed.podcast.itunes_image(cover)  # podcast apps show the channel by its square picture
    feed.lastBuildDate(_updated(items))
    newest = _newest(items)
    media = await media_by_session([item.session_guid for item in newest], with_cues=False)
    compressed = await derivatives_of([m.first_file.id for m in media.values() if m.first_file is not None])
    for item in newest:
        recording = media[item.session_guid].first_file
        if recording is None:
            continue
        # The compressed copy once it exists (a WAV is too big for a phone); the original until then.
        enclosure = compressed.get(recording.id) or recording
        entry = feed.add_entry()
        entry.guid(permalink(base_url, item), permalink=True)
        entry.title(_text(item.title))
        entry.link(href=permalink(base_url, item))
        entry.description(_text(item.abstract or item.title))
        entry.published(item.published_at)
        entry.enclosure(f"{base_url.rstrip('/')}/media/{enclosure.file_name}", str(enclosure.size), enclosure.mime_type)
        entry.podcast.itunes_author(_text(", ".join(item.presenter_names)) or "Hallway")
        if recording.duration:
            entry.podcast.itunes_duration(int(recording.duration))
    rss: bytes = feed.rss_str(pretty=True)
    return rss


async def upcoming_topic_calendar(
    session_guids: set[str], *, topic_name: str, base_url: str, page_url: str, now: datetime | None = None
) -> bytes:
    """Upcoming sessions on a topic, across every public event's published programme."""
    now = now or datetime.now(timezone.utc)
    parts = []
    for event in await list_public_events():
        if event.end_date < now.date():
            continue
        access = await event_access(event.slug, None)
        programme = await published_programme(access.event_id) if access else None
        if programme is None:
            continue
        sessions = tuple(s for s in programme.sessions if s.guid in session_guids and s.ends_at > now)
        if sessions:
            parts.append(CalendarPart(programme.without_private_links(), sessions))
    host = urlsplit(base_url).hostname or "hallway"
    return build_calendar(parts, base_url=base_url, host=host, name=f"Upcoming: {topic_name}", page_url=page_url)
