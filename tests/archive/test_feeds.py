"""Feeds: Atom and podcast RSS that readers and podcast apps accept, a topic calendar, saved-search alerts."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from xml.etree import ElementTree as ET

import icalendar
from litestar import Litestar
from litestar.testing import AsyncTestClient

from archive.publishing import withdraw_from_archive
from server.jobs import run_pending
from events.releases import publish_release
from tests.archive.factories import archived_talk, vocabulary
from tests.accounts_flow import log_in, post
from tests.events.factories import local, make_event, make_session

Client = AsyncTestClient[Litestar]
ATOM = {"a": "http://www.w3.org/2005/Atom"}
ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"


async def test_atom_feeds_list_public_items_newest_first(app: Litestar, client: Client) -> None:
    await vocabulary()
    media = app.state.settings.media_root
    first = await archived_talk(media, title="First talk")
    second = await archived_talk(media, title="Second talk", topics=("interlibrary-loan",))
    gone = await archived_talk(media, title="Withdrawn talk")
    await withdraw_from_archive(gone.item, "Presenter's request.")
    await archived_talk(media, slug="closed", visibility="private", title="Private talk")

    response = await client.get("/archive/feed.atom")
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    entries = feed.findall("a:entry", ATOM)
    assert [e.findtext("a:title", namespaces=ATOM) for e in entries] == ["Second talk", "First talk"]
    assert entries[0].findtext("a:id", namespaces=ATOM) == f"http://127.0.0.1:8000/a/{second.item.handle}"
    assert entries[1].find("a:author/a:name", ATOM).text == "Ada Okafor"

    topic = ET.fromstring((await client.get("/topics/copyright/feed.atom")).content)  # CONTU is under copyright
    assert [e.findtext("a:title", namespaces=ATOM) for e in topic.findall("a:entry", ATOM)] == ["First talk"]
    event = ET.fromstring((await client.get("/archive/events/ill-days/feed.atom")).content)
    assert len(event.findall("a:entry", ATOM)) == 2
    assert (await client.get("/archive/events/closed/feed.atom")).status_code == 404
    assert first.item.handle in (await client.get("/archive/feed.atom")).text


async def test_podcast_feeds_carry_enclosures(app: Litestar, client: Client) -> None:
    await vocabulary()
    talk = await archived_talk(app.state.settings.media_root, title="Listen to me")
    rss = ET.fromstring((await client.get("/topics/contu/podcast.rss")).content)
    (item,) = rss.findall("channel/item")
    enclosure = item.find("enclosure")
    assert enclosure.get("type") == "audio/wav"
    media = await client.get(enclosure.get("url").removeprefix("http://127.0.0.1:8000"))
    assert media.status_code == 200 and int(enclosure.get("length")) == len(media.content)
    assert item.findtext("guid") == f"http://127.0.0.1:8000/a/{talk.item.handle}"
    assert item.findtext(f"{ITUNES}duration") == "16"
    assert rss.find(f"channel/{ITUNES}category").get("text") == "Education"


async def test_a_podcast_reader_sees_the_channels_page_and_picture(app: Litestar, client: Client) -> None:
    """feedparser, as podcast apps and feed readers parse: the channel links to its HTML page and shows a cover."""
    import feedparser

    await vocabulary()
    await archived_talk(app.state.settings.media_root, title="Listen to me")

    parsed = feedparser.parse((await client.get("/topics/contu/podcast.rss")).content)
    cover = await client.head(parsed.feed.image.href.removeprefix("http://127.0.0.1:8000"))

    assert not parsed.bozo and parsed.feed.link == "http://127.0.0.1:8000/topics/contu/"
    assert parsed.feed.image.href == "http://127.0.0.1:8000/static/podcast-cover.png"
    assert cover.status_code == 200 and cover.headers["content-type"] == "image/png"
    assert parsed.entries[0].enclosures[0].type == "audio/wav"


async def test_a_topic_calendar_lists_upcoming_sessions_on_it(app: Litestar, client: Client) -> None:
    await vocabulary()
    soon = datetime.now(timezone.utc).date() + timedelta(days=10)
    event_id = await make_event("next-forum", start=soon)
    coming = await make_session(event_id, "CONTU in the cloud", local(soon, 11))
    await make_session(event_id, "Lunch", local(soon, 12))
    await publish_release(event_id)
    from archive.topics import tag_session

    await tag_session(coming, ["contu"])
    calendar = icalendar.Calendar.from_ical((await client.get("/topics/copyright/upcoming.ics")).content)
    assert [str(e["summary"]) for e in calendar.walk("VEVENT")] == ["CONTU in the cloud"]
    assert str(calendar["x-wr-calname"]) == "Upcoming: Copyright"


async def test_a_saved_search_tells_its_owner_about_new_matching_items(app: Litestar, client: Client) -> None:
    await vocabulary()
    await log_in(client, "ben@library.org", "Ben")
    saved = await post(client, "/archive/saved/", {"q": "vouchers", "topic": "", "event": ""})
    assert saved.status_code == 302
    assert "“vouchers”" in (await client.get("/archive/saved/")).text
    media = app.state.settings.media_root
    await archived_talk(media, title="Copyright only")
    await archived_talk(
        media, title="Paying abroad", captions="WEBVTT\n\n00:00:03.000 --> 00:00:05.000\nIFLA vouchers help.\n"
    )
    assert "Paying abroad" not in (await client.get("/me/notifications/")).text  # checked after the request
    await run_pending()
    notifications = (await client.get("/me/notifications/")).text
    assert "New in the archive for “vouchers”: “Paying abroad”." in notifications
    assert "Copyright only" not in notifications
    assert (await post(client, "/archive/saved/999/delete")).status_code == 404


async def test_a_search_with_nothing_to_find_is_refused_and_never_blocks_publishing(
    app: Litestar, client: Client
) -> None:
    await vocabulary()
    await log_in(client, "cleo@library.org", "Cleo")
    for nothing in ("!!!", "-x", "-vouchers -copyright", '""'):
        await post(client, "/archive/saved/", {"q": nothing, "topic": "", "event": ""})
        shown = (await client.get("/archive/saved/")).text
        assert "nothing to look for" in shown and "“!!!”" not in shown, nothing
    assert (await post(client, "/archive/saved/", {"q": "vouchers", "topic": "", "event": ""})).status_code == 302
    # One kept from before such searches were refused: it must match nothing and stop nobody.
    from archive.tables import SavedSearch

    owner = (await SavedSearch.select(SavedSearch.user).first())["user"]
    await SavedSearch(user=owner, query="!!! -x", filters={}, created_at=datetime.now(timezone.utc)).save()

    await archived_talk(
        app.state.settings.media_root,
        title="Paying abroad",
        captions="WEBVTT\n\n00:00:03.000 --> 00:00:05.000\nIFLA vouchers help.\n",
    )
    await run_pending()

    notifications = (await client.get("/me/notifications/")).text
    assert "New in the archive for “vouchers”: “Paying abroad”." in notifications
    assert "!!!" not in notifications
    assert (await client.get("/a/" + (await _latest_handle()))).status_code == 200


async def _latest_handle() -> str:
    from archive.tables import ArchiveItem

    return (await ArchiveItem.select(ArchiveItem.handle).order_by(ArchiveItem.id, ascending=False).first())["handle"]


async def test_feeds_and_harvests_stay_well_formed_with_control_characters_kept_from_before(
    app: Litestar, client: Client
) -> None:
    """Titles are refused with control characters now; rows written before that must not break XML."""
    from archive.tables import ArchiveItem

    await vocabulary()
    talk = await archived_talk(app.state.settings.media_root, title="Plain title")
    await ArchiveItem.update(
        {ArchiveItem.title: "Bell\x07 and escape\x1b title", ArchiveItem.abstract: "Form\x0cfeed"}
    ).where(ArchiveItem.handle == talk.item.handle)

    for path in ("/archive/feed.atom", "/archive/podcast.rss", "/oai?verb=ListRecords&metadataPrefix=oai_dc"):
        response = await client.get(path)
        assert response.status_code == 200, path
        document = ET.fromstring(response.content)  # well-formed, or this raises
        texts = " ".join(document.itertext())
        assert "Bell and escape title" in texts and "\x07" not in texts, path
