"""The archive through its pages: an organiser prepares and publishes a talk; everyone else finds and plays it."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from archive.demo import pdf_bytes
from archive.recordings import wav_bytes
from archive.topics import save_topic
from events import editing
from events.releases import publish_release
from server.accounts import account_id_by_email
from tests.archive.factories import CONTU_CAPTIONS, RECORDING, archived_talk, vocabulary
from tests.accounts_flow import log_in, post
from tests.events.factories import local, make_event, make_session

Client = AsyncTestClient[Litestar]


def media_root(app: Litestar) -> Path:
    return app.state.settings.media_root


def stored(app: Litestar) -> list[Path]:
    root = media_root(app)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
async def prepared(app: Litestar, client: Client) -> str:
    """A published programme with one talk, organised by org@library.org (logged in)."""
    await log_in(client, "org@library.org", "Olu Organiser")
    event_id = await make_event(organiser_id=await account_id_by_email("org@library.org"), start=date(2026, 3, 27))
    person = await editing.save_presenter(event_id, "Ada Okafor", "Northgate University")
    guid = await make_session(
        event_id,
        "Copyright at the desk",
        local(date(2026, 3, 27), 10),
        presenter_ids=[person],
        abstract="Licences, CONTU and the request desk.",
    )
    await publish_release(event_id)
    await vocabulary()
    return f"/events/ill-days/manage/archive/{guid}/"


async def upload(client: Client, manage: str, data: bytes, kind: str, name: str) -> object:
    return await client.post(
        f"{manage}upload",
        params={"kind": kind, "name": name},
        content=data,
        headers={"x-csrftoken": client.cookies["hallway_csrf"], "accept": "application/json"},
    )


async def test_an_organiser_uploads_captions_tags_and_publishes_then_anyone_finds_the_moment(
    app: Litestar, client: Client, prepared: str
) -> None:
    response = await upload(client, prepared, RECORDING, "audio", "Talk recording.wav")
    assert response.status_code == 201, response.text
    assert response.json()["mime_type"] == "audio/wav"
    slides = await upload(client, prepared, pdf_bytes("CONTU", ("Five copies",)), "material", "slides.pdf")
    assert slides.status_code == 201
    page = (await client.get(prepared)).text
    recording_id = re.search(r"recordings/(\d+)/captions", page).group(1)
    captions = await client.post(
        f"{prepared}recordings/{recording_id}/captions",
        data={"_csrf_token": client.cookies["hallway_csrf"], "language": "en", "provenance": "corrected"},
        files={"file": ("talk.vtt", CONTU_CAPTIONS.encode(), "text/vtt")},
        follow_redirects=False,
    )
    assert captions.status_code == 302, captions.text
    await post(client, f"{prepared}topics", {"topic": "contu"})
    published = await post(client, f"{prepared}publish")
    assert published.status_code == 302
    handle = re.search(r"/a/([a-z0-9]{8})", (await client.get(prepared)).text).group(1)
    await post(client, "/logout")

    results = (await client.get("/archive/search", params={"q": '"rule of five"'})).text
    assert f'href="/a/{handle}?t=5#t=5"' in results
    assert "0:05</span> — The CONTU <mark>rule of five</mark> limits copies" in results
    item = (await client.get(f"/a/{handle}")).text
    assert '<track kind="captions" srclang="en" label="EN"' in item
    assert 'data-start="5.0"' in item and "The CONTU rule of five limits copies from one journal." in item
    assert "CONTU guidelines" in item and "Copyright" in item  # the topic and its parent
    assert re.search(r'<a href="/media/[^"]+\.pdf">slides\.pdf</a> <span class="meta">application/pdf', item)

    api = (await client.get("/api/v1/archive/search", params={"q": "rule of five"})).json()
    (hit,) = api["results"]
    assert hit["url"] == f"http://127.0.0.1:8000/a/{handle}"
    assert {"seconds": 5.0, "url": f"http://127.0.0.1:8000/a/{handle}?t=5"}.items() <= hit["moments"][0].items()


async def test_uploads_are_refused_by_content_and_leave_nothing(app: Litestar, client: Client, prepared: str) -> None:
    response = await upload(client, prepared, pdf_bytes("Not audio", ("x",)), "audio", "talk.mp3")
    assert response.status_code == 400
    assert "not an audio recording" in response.text and "application/pdf" in response.text
    assert stored(app) == []
    bad = await client.post(f"{prepared}upload", params={"kind": "audio"}, content=wav_bytes(1))
    assert bad.status_code == 403  # no CSRF token: refused before a byte is stored
    assert stored(app) == []


async def test_captions_that_do_not_parse_are_refused_with_their_line(client: Client, prepared: str) -> None:
    await upload(client, prepared, wav_bytes(2), "audio", "talk.wav")
    recording_id = re.search(r"recordings/(\d+)/captions", (await client.get(prepared)).text).group(1)
    response = await client.post(
        f"{prepared}recordings/{recording_id}/captions",
        data={"_csrf_token": client.cookies["hallway_csrf"]},
        files={"file": ("bad.vtt", b"WEBVTT\n\n00:00:01.000 --> soon\nhello\n", "text/vtt")},
    )
    assert response.status_code == 400
    assert "Line 3: “00:00:01.000 --&gt; soon” is not a cue timing" in response.text


async def test_others_cannot_prepare_the_archive(client: Client, prepared: str) -> None:
    await post(client, "/logout")
    await log_in(client, "stranger@library.org", "Stranger")
    assert (await upload(client, prepared, wav_bytes(1), "audio", "x.wav")).status_code == 403
    assert (await post(client, f"{prepared}publish")).status_code == 403


async def test_media_are_served_in_ranges_so_players_can_seek(app: Litestar, client: Client) -> None:
    await vocabulary()
    talk = await archived_talk(media_root(app))
    item = (await client.get(f"/a/{talk.item.handle}")).text
    media_url = re.search(r'<source src="(/media/[^"]+)" type="audio/wav">', item).group(1)
    whole = await client.get(media_url)
    assert whole.status_code == 200 and whole.headers["accept-ranges"] == "bytes"
    assert whole.content == RECORDING
    part = await client.get(media_url, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == RECORDING[100:200]
    assert part.headers["content-range"] == f"bytes 100-199/{len(whole.content)}"
    tail = await client.get(media_url, headers={"Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.content == whole.content[-10:]
    beyond = await client.get(media_url, headers={"Range": f"bytes={len(whole.content)}-"})
    assert beyond.status_code == 416 and beyond.headers["content-range"] == f"bytes */{len(whole.content)}"
    assert (await client.get("/media/../secret_key")).status_code == 404
    assert (await client.get("/media/%2e%2e/secret_key")).status_code == 404


async def test_a_withdrawn_item_leaves_a_tombstone_with_its_citation(app: Litestar, client: Client) -> None:
    await log_in(client, "org@library.org", "Olu Organiser")
    await vocabulary()
    talk = await archived_talk(media_root(app), organiser_id=await account_id_by_email("org@library.org"))
    response = await post(
        client,
        f"/events/ill-days/manage/archive/{talk.guid}/withdraw",
        {"reason": "The presenter asked us to withdraw it."},
    )
    assert response.status_code == 302
    tombstone = await client.get(f"/a/{talk.item.handle}")
    assert tombstone.status_code == 410
    assert "The presenter asked us to withdraw it." in tombstone.text
    assert (
        f"Okafor, Ada (2026). Copyright at the desk. Presented at Ill Days, 27 March 2026. "
        f"http://127.0.0.1:8000/a/{talk.item.handle}" in tombstone.text
    )
    assert "<audio" not in tombstone.text
    assert (await client.get("/archive/search", params={"q": "CONTU"})).text.count("/a/") == 0


async def test_old_addresses_redirect_forever(app: Litestar, client: Client) -> None:
    await vocabulary()
    talk = await archived_talk(media_root(app))
    old = "/archive/ill-days/copyright-at-the-desk"
    first = await client.get(old, follow_redirects=False)
    assert first.status_code == 301 and first.headers["location"] == f"/a/{talk.item.handle}"
    assert (await client.get("/archive/ill-days/no-such-talk", follow_redirects=False)).status_code == 404


async def test_private_items_stay_private_everywhere(app: Litestar, client: Client) -> None:
    await vocabulary()
    talk = await archived_talk(media_root(app), slug="closed-meeting", visibility="private", title="Budget secrets")
    handle = talk.item.handle
    item_html_paths = [f"/a/{handle}", f"/a/{handle}/embed", f"/a/{handle}/cite/bibtex"]
    for path in item_html_paths:
        assert (await client.get(path)).status_code == 404, path
    assert (await client.get("/archive/closed-meeting/budget-secrets", follow_redirects=False)).status_code == 404
    assert (await client.get("/oembed", params={"url": f"http://127.0.0.1:8000/a/{handle}"})).status_code == 404
    for path in (
        "/archive/feed.atom",
        "/archive/podcast.rss",
        "/topics/contu/feed.atom",
        "/archive/",
        "/api/v1/archive/search?q=budget",
        "/oai?verb=ListIdentifiers&metadataPrefix=oai_dc",
    ):
        assert handle not in (await client.get(path)).text, path
    await log_in(client, "member@library.org", "Member")
    from events.access import add_member
    from events.tables import MemberRole

    await add_member(talk.event_id, await account_id_by_email("member@library.org"), MemberRole.attendee)
    assert (await client.get(f"/a/{handle}")).status_code == 200
    assert handle in (await client.get("/api/v1/archive/search", params={"q": "budget"})).text


async def test_citations_json_ld_and_oembed_describe_the_item(app: Litestar, client: Client) -> None:
    await vocabulary()
    talk = await archived_talk(media_root(app))
    handle = talk.item.handle
    bibtex = await client.get(f"/a/{handle}/cite/bibtex")
    assert bibtex.headers["content-type"].startswith("application/x-bibtex")
    assert bibtex.text.startswith(
        f"@misc{{hallway-{handle},\n  author = {{Ada Okafor}},\n  title = {{{{Copyright at the desk}}}}"
    )
    ris = (await client.get(f"/a/{handle}/cite/ris")).text  # the talk is kept as audio only: SOUND
    assert ris.startswith("TY  - SOUND\r\nAU  - Okafor, Ada\r\nTI  - Copyright at the desk\r\n") and ris.endswith(
        "ER  - \r\n"
    )

    page = (await client.get(f"/a/{handle}")).text
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    event, audio = data["@graph"]
    assert event["@type"] == "Event" and event["subEvent"]["name"] == "Copyright at the desk"
    assert event["subEvent"]["performer"][0]["name"] == "Ada Okafor"
    assert audio["@type"] == "AudioObject" and audio["duration"] == "PT0H0M16S"
    assert audio["potentialAction"]["target"] == f"http://127.0.0.1:8000/a/{handle}#t={{seek_to_second_number}}"
    assert "rule of five" in audio["transcript"]

    embed = (await client.get("/oembed", params={"url": f"http://127.0.0.1:8000/a/{handle}"})).json()
    assert embed["type"] == "video" and embed["version"] == "1.0"
    assert f'src="http://127.0.0.1:8000/a/{handle}/embed"' in embed["html"]
    assert (await client.get(f"/a/{handle}/embed")).status_code == 200
    assert (await client.get("/oembed", params={"url": "http://elsewhere.org/a/x"})).status_code == 404


async def test_oembed_keeps_within_both_limits_speaks_xml_and_is_discovered_the_specs_way(
    app: Litestar, client: Client
) -> None:
    import xml.etree.ElementTree as ET
    from urllib.parse import parse_qs, urlsplit

    await vocabulary()
    talk = await archived_talk(media_root(app))
    url = f"http://127.0.0.1:8000/a/{talk.item.handle}"

    small = (await client.get("/oembed", params={"url": url, "maxwidth": "400", "maxheight": "200"})).json()
    tall = (await client.get("/oembed", params={"url": url, "maxheight": "380"})).json()
    xml = await client.get("/oembed", params={"url": url, "format": "xml", "maxwidth": "320"})
    other = await client.get("/oembed", params={"url": url, "format": "yaml"})
    page = (await client.get(f"/a/{talk.item.handle}")).text
    link = re.search(r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', page).group(1)

    assert small["width"] <= 400 and small["height"] <= 200 and f'height="{small["height"]}"' in small["html"]
    assert tall["height"] <= 380 and tall["width"] <= 640
    assert xml.status_code == 200 and xml.headers["content-type"].startswith("text/xml")
    root = ET.fromstring(xml.content)
    assert root.tag == "oembed" and root.findtext("version") == "1.0" and int(root.findtext("width")) <= 320
    assert other.status_code == 501
    query = parse_qs(urlsplit(link.replace("&amp;", "&")).query)
    assert query == {"url": [url], "format": ["json"]} and "%2F" in link  # the address encoded, as the spec shows
    assert 'type="text/xml+oembed"' in page


async def test_json_ld_expands_with_dates_places_and_the_recordings_file_and_player(
    app: Litestar, client: Client
) -> None:
    """Read as a linked-data processor would (pyld, with schema.org's context given locally): every Event has a start
    date and a location; a media file is contentUrl, the page that plays it embedUrl."""
    from pyld import jsonld

    await vocabulary()
    talk = await archived_talk(media_root(app))
    page = (await client.get(f"/a/{talk.item.handle}")).text
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    data["@context"] = {"@vocab": "https://schema.org/"}  # the same terms, without fetching schema.org

    expanded = jsonld.expand(data)
    events = [node for node in jsonld.flatten(expanded) if "https://schema.org/Event" in node.get("@type", [])]
    audio = next(node for node in jsonld.flatten(expanded) if "https://schema.org/AudioObject" in node.get("@type", []))
    S = "https://schema.org/"

    assert len(events) == 2 and all(S + "startDate" in event and S + "location" in event for event in events)
    assert audio[S + "contentUrl"][0]["@value"].startswith("http://127.0.0.1:8000/media/")
    assert audio[S + "embedUrl"][0]["@value"] == f"http://127.0.0.1:8000/a/{talk.item.handle}/embed"


async def test_a_video_link_is_offered_and_described_with_its_clips(app: Litestar, client: Client) -> None:
    from archive.recordings import add_recording

    await vocabulary()
    talk = await archived_talk(media_root(app))
    await add_recording(talk.guid, "video", url="https://peertube.example.org/w/copyright-desk", duration=600)
    page = (await client.get(f"/a/{talk.item.handle}")).text
    assert (
        'href="https://peertube.example.org/w/copyright-desk"' in page
        and "Watch the video at peertube.example.org" in page
    )
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    video = next(node for node in data["@graph"] if node["@type"] == "VideoObject")
    assert video["embedUrl"] == "https://peertube.example.org/w/copyright-desk" and video["duration"] == "PT0H10M0S"
    assert {
        "@type": "Clip",
        "startOffset": 5,
        "url": f"http://127.0.0.1:8000/a/{talk.item.handle}#t=5",
    }.items() <= video["hasPart"][1].items()


async def test_topic_pages_include_their_sub_topics(app: Litestar, client: Client) -> None:
    await vocabulary()
    await save_topic("fair-use", "Fair use", parent_slug="copyright")
    await archived_talk(media_root(app), title="The five copies", topics=("contu",))
    parent = (await client.get("/topics/copyright/")).text
    assert "The five copies" in parent and 'href="/topics/contu/"' in parent
    assert "Nothing archived on this topic yet." in (await client.get("/topics/fair-use/")).text
    assert (await client.get("/topics/nothing-here/")).status_code == 404


async def test_a_private_event_answers_exactly_like_a_missing_one(app: Litestar, client: Client) -> None:
    await vocabulary()
    talk = await archived_talk(app.state.settings.media_root, slug="board-only", visibility="private")
    json_headers = {"accept": "application/json"}
    private = await client.get(f"/archive/board-only/{talk.item.session_slug}", headers=json_headers)
    missing = await client.get("/archive/no-such-event/no-such-talk", headers=json_headers)
    assert (private.status_code, private.json()) == (missing.status_code, missing.json())

    await log_in(client, "curious@library.org", "Curious")
    taken = {}
    for slug in ("board-only", "admin"):  # a private event's address, and a word Hallway keeps
        response = await post(
            client,
            "/events/new",
            {"slug": slug, "title": "Mine", "timezone": "UTC", "start_date": "2027-01-01", "end_date": "2027-01-01"},
        )
        taken[slug] = re.findall(r'id="slug-error">([^<]*)<', response.text)
    assert taken["board-only"] == taken["admin"]
    assert "not available" in str(taken["board-only"])


async def test_a_line_break_in_a_title_cannot_start_a_new_citation_field(app: Litestar, client: Client) -> None:
    """Titles kept from before line breaks were refused: citations still read one field per line."""
    from archive.tables import ArchiveItem

    await vocabulary()
    talk = await archived_talk(app.state.settings.media_root)
    await ArchiveItem.update({ArchiveItem.title: "Fair use\r\nER  - \r\nTY  - JOUR\nkeyword = {x}"}).where(
        ArchiveItem.handle == talk.item.handle
    )

    ris = (await client.get(f"/a/{talk.item.handle}/cite/ris")).text
    bibtex = (await client.get(f"/a/{talk.item.handle}/cite/bibtex")).text

    assert [line[:2] for line in ris.splitlines()].count("TY") == 1 and ris.count("ER  -") == 1
    assert (
        next(line for line in ris.splitlines() if line.startswith("TI"))
        == "TI  - Fair use ER - TY - JOUR keyword = {x}"
    )
    title = next(line for line in bibtex.splitlines() if line.strip().startswith("title"))
    assert title.strip() == "title = {{Fair use ER - TY - JOUR keyword = \\{x\\}}},"


async def test_every_kind_of_file_is_served_with_its_own_type(app: Litestar, client: Client) -> None:
    """Players and PDF viewers go by Content-Type; with nosniff, a wrong one breaks them."""
    await vocabulary()
    talk = await archived_talk(media_root(app))
    item = (await client.get(f"/a/{talk.item.handle}")).text
    audio = re.search(r'<source src="(/media/[^"]+)" type="audio/wav">', item).group(1)
    for headers in ({}, {"Range": "bytes=0-99"}):
        response = await client.get(audio, headers=headers)
        head = await client.head(audio, headers=headers)
        assert response.headers["content-type"] == head.headers["content-type"] == "audio/wav", headers
        assert head.status_code == response.status_code and head.content == b""
        assert head.headers["content-length"] == response.headers["content-length"]
    slides = await _slides_url(app, client, talk)
    for headers in ({}, {"Range": "bytes=0-9"}):
        response = await client.get(slides, headers=headers)
        head = await client.head(slides, headers=headers)
        assert response.headers["content-type"] == head.headers["content-type"] == "application/pdf", headers
        assert response.headers["content-disposition"].startswith("inline")
        assert head.status_code == response.status_code and head.content == b""


async def _slides_url(app: Litestar, client: Client, talk: Any) -> str:
    from archive.media import MATERIAL, store_upload
    from archive.recordings import add_material
    from tests.archive.factories import chunks

    stored = await store_upload(chunks(pdf_bytes("Slides", ("one",))), media_root(app), MATERIAL)
    await add_material(talk.guid, "Slides", stored=stored, original_name="slides.pdf")
    return f"/media/{stored.file_name}"


async def test_a_refused_caption_file_is_shown_on_the_page_with_the_line_and_what_was_chosen(
    client: Client, prepared: str
) -> None:
    assert (await upload(client, prepared, RECORDING, "audio", "talk.wav")).status_code == 201
    recording_id = re.search(r"recordings/(\d+)/captions", (await client.get(prepared)).text).group(1)
    broken = CONTU_CAPTIONS.replace("00:00:05.000 --> 00:00:09.500", "00:00:05.000 -> 00:00:09.500")
    refused = await client.post(
        f"{prepared}recordings/{recording_id}/captions",
        data={"_csrf_token": client.cookies["hallway_csrf"], "language": "es", "provenance": "corrected"},
        files={"file": ("talk.vtt", broken.encode(), "text/vtt")},
        follow_redirects=False,
    )

    assert refused.status_code == 400 and refused.headers["content-type"].startswith("text/html")
    page = refused.text
    summary = page.index('class="error-summary"')
    assert summary < page.index("Recordings and captions") and "Line 6" in page[summary : summary + 600]
    assert 'value="es"' in page and 'value="corrected" selected' in page  # what was chosen is kept
    assert f'action="{prepared}recordings/{recording_id}/captions"' in page  # forms still post to the right place


async def test_a_follow_up_asked_under_the_player_comes_back_to_the_player_at_that_moment(
    app: Litestar, client: Client
) -> None:
    await vocabulary()
    talk = await archived_talk(media_root(app))
    handle = talk.item.handle
    item = (await client.get(f"/a/{handle}")).text
    thread = re.search(r'hx-get="([^"]+)"', item).group(1).replace("&amp;", "&")
    as_guest = (await client.get(thread)).text
    await log_in(client, "ben@library.org", "Ben")
    as_ben = (await client.get(thread)).text
    ask_path = re.search(r'<form method="post" action="([^"]+/ask)"', as_ben).group(1)

    asked = await post(
        client, ask_path, {"body": "Does the rule of five hold for e-books?", "next": f"/a/{handle}?t=42"}
    )
    elsewhere = await post(client, ask_path, {"body": "And for articles?", "next": "https://evil.example/"})

    assert f'href="/login?next=/a/{handle}"' in as_guest  # logging in to ask returns to the player
    assert f'<input type="hidden" name="next" value="/a/{handle}" data-return-to>' in as_ben
    assert asked.status_code == 302 and asked.headers["location"] == f"/a/{handle}?t=42"
    assert elsewhere.status_code == 302 and elsewhere.headers["location"] == "/"  # never another site


async def test_facet_links_never_pile_up_a_facet_twice(app: Litestar, client: Client) -> None:
    """A crawler following every facet link once found 7,000 addresses: each facet now appears at most once."""
    await vocabulary()
    await archived_talk(media_root(app))
    await archived_talk(media_root(app), title="Lending abroad", topics=("interlibrary-loan",))
    browse = (await client.get("/archive/")).text
    narrowed = (await client.get("/archive/?topic=Interlibrary+loan")).text
    twice = await client.get("/archive/?topic=Interlibrary+loan&topic=CONTU+guidelines")

    links = re.findall(r'<a href="(/archive/[^"]*)" rel="nofollow">', narrowed)
    assert 'rel="nofollow">Interlibrary loan</a>' in browse
    assert links and not any(link.count("topic=") > 1 for link in links)
    assert not any("topic=CONTU" in link for link in links)  # the chosen facet is changed by removing it
    assert twice.status_code == 400 and "Choose one topic at a time" in twice.text


async def test_an_item_says_how_long_its_recording_is_beside_the_sessions_length(app: Litestar, client: Client) -> None:
    await vocabulary()
    talk = await archived_talk(media_root(app))

    page = (await client.get(f"/a/{talk.item.handle}")).text

    assert "a 45-minute talk · recording 0:16" in page  # a sixteen-second clip is not passed off as 45 minutes


async def test_the_embedded_player_counts_plays_without_a_token_but_never_for_hidden_items(
    app: Litestar, client: Client
) -> None:
    """A player embedded on another site has no Hallway page to take a CSRF token from; its play still counts."""
    from server.activity import flush, tallies

    await vocabulary()
    talk = await archived_talk(media_root(app))
    embed = (await client.get(f"/a/{talk.item.handle}/embed")).text
    played_url = re.search(r'data-played-url="([^"]+)"', embed).group(1)
    assert played_url == f"/a/{talk.item.handle}/played"
    client.cookies.clear()  # a visitor on another site: no cookie, no token

    assert (await client.post(played_url)).status_code == 204
    await flush()
    assert sum(t.value for t in await tallies("archive.play", [talk.item.handle])) == 1

    secret = await archived_talk(media_root(app), slug="closed-meeting", visibility="private", title="Budget secrets")
    assert (await client.post(f"/a/{secret.item.handle}/played")).status_code == 404


SPANISH_CAPTIONS = """WEBVTT

00:00:01.000 --> 00:00:04.000
Hoy hablo del préstamo interbibliotecario entre países de América Latina.

00:00:04.000 --> 00:00:08.000
Muchas bibliotecas pequeñas no tienen presupuesto para los envíos internacionales.

00:00:08.000 --> 00:00:12.000
Por eso creamos una red de bibliotecas que se prestan sin cobrar entre sí, con los vales de la IFLA.
"""


async def test_captions_declared_in_the_wrong_language_are_flagged_and_relabelled(
    client: Client, prepared: str
) -> None:
    await upload(client, prepared, wav_bytes(12), "audio", "talk.wav")
    recording_id = re.search(r"recordings/(\d+)/captions", (await client.get(prepared)).text).group(1)
    response = await client.post(
        f"{prepared}recordings/{recording_id}/captions",
        data={"_csrf_token": client.cookies["hallway_csrf"], "language": "en"},
        files={"file": ("talk.vtt", SPANISH_CAPTIONS.encode(), "text/vtt")},
        follow_redirects=False,
    )
    assert response.status_code == 302  # kept as declared

    page = (await client.get(prepared)).text
    assert "The English (en) captions read like Spanish (es)." in page
    track_id = re.search(r"captions/(\d+)/language", page).group(1)
    for hostile, message in (
        ("\u0661\u0662", "Use a language code such as en, fr or pt-br."),
        ("e" * 40, "Use a language code such as en, fr or pt-br."),
        ("中文", "Use a language code such as en, fr or pt-br."),
        ("es\x00", "cannot contain the NUL character"),
    ):
        refused = await post(client, f"{prepared}captions/{track_id}/language", {"language": hostile})
        assert refused.status_code == 400 and message in refused.text, hostile
    elsewhere = await post(client, f"{prepared}captions/{int(track_id) + 999}/language", {"language": "es"})
    assert elsewhere.status_code == 404

    relabelled = await post(client, f"{prepared}captions/{track_id}/language", {"language": "es"})

    assert relabelled.status_code == 302
    page = (await client.get(prepared)).text
    assert "read like" not in page and "captions: es (machine-made)" in page


async def test_captions_in_their_declared_language_raise_no_flag(client: Client, prepared: str) -> None:
    await upload(client, prepared, wav_bytes(12), "audio", "talk.wav")
    recording_id = re.search(r"recordings/(\d+)/captions", (await client.get(prepared)).text).group(1)
    for language, text in (("es-MX", SPANISH_CAPTIONS), ("en", CONTU_CAPTIONS)):
        await client.post(
            f"{prepared}recordings/{recording_id}/captions",
            data={"_csrf_token": client.cookies["hallway_csrf"], "language": language},
            files={"file": ("talk.vtt", text.encode(), "text/vtt")},
        )
    assert "read like" not in (await client.get(prepared)).text
