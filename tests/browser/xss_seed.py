"""Put hostile text into every field people can write, through the functions the pages use.

Run as ``python -m tests.browser.xss_seed`` with a site's HALLWAY_* environment; prints JSON
with the addresses of the pages that show each field, for the browser test to open.
"""

from __future__ import annotations

import asyncio
import json
from datetime import date, datetime, time, timedelta
from typing import AsyncIterator
from zoneinfo import ZoneInfo

# Classic vectors, each leaving a trace the browser test looks for: a dialog, an element with
# id xss-marker, a CSP report, or "49" where {{7*7}} was written.
PAYLOADS = (
    '<b id="xss-marker">b</b><script>alert("s1")</script>',
    '"><img src=x onerror=alert("i1") id="xss-marker">{{7*7}}',
    "'><svg onload=alert('v1')><details open ontoggle=alert('d1')>",
    "</textarea></title><iframe src=\"javascript:alert('f1')\"></iframe>",
    "javascript:alert('j1')//<a href=\"javascript:alert('a1')\">x</a>",
)
SLUG = "xss-event"


def payload(number: int, limit: int) -> str:
    return PAYLOADS[number % len(PAYLOADS)][:limit]


async def seed() -> dict[str, object]:
    from archive.items import publish_session
    from archive.media import AUDIO, MATERIAL, StoredFile, store_upload
    from archive.recordings import add_captions, add_material, add_recording, wav_bytes
    from archive.search.indexing import reindex_all
    from archive.topics import save_topic, tag_session
    from archive.demo import pdf_bytes
    from events import editing
    from events.access import add_member, event_access
    from events.editing import EventInput, RoomInput, SessionInput
    from events.releases import publish_release, published_programme
    from events.tables import MemberRole
    from networking.rooms import RoomInput as LoungeInput, create_room, post_message
    from server.accounts import ProfileInput, create_account, get_account, update_profile
    from server.database import configure_database
    from server.settings import load_settings
    from sessions.polls import create_poll, set_poll_status
    from sessions.questions import answer_question, ask_question, qa_context

    settings = load_settings()
    configure_database(settings)
    fields = 0
    author = await create_account("xss-author@library.org", "long enough pass", payload(0, 100))
    await update_profile(
        author,
        ProfileInput(
            display_name=payload(1, 100),
            affiliation=payload(2, 200),
            bio=payload(3, 2000),
            pronouns=payload(4, 40),
            job_role=payload(0, 100),
            expertise=[payload(1, 60), payload(2, 60)],
            contact_about=payload(3, 500),
            listed=True,
        ),
    )
    fields += 8
    account = await get_account(author)
    zone = ZoneInfo("Europe/Berlin")
    day = date.today() + timedelta(days=1)
    event_id = await editing.create_event(
        EventInput(
            slug=SLUG,
            title=payload(2, 200),
            timezone="Europe/Berlin",
            start_date=day,
            end_date=day,
            description=payload(3, 5000),
            venue=payload(4, 300),
        ),
        author,
    )
    await editing.save_room(
        event_id, RoomInput(name=payload(0, 100), location=payload(1, 200), description=payload(2, 2000))
    )
    await editing.save_track(event_id, payload(3, 100))
    presenter = await editing.save_presenter(
        event_id, payload(4, 200), payload(0, 200), payload(1, 2000), user_id=author
    )
    starts = datetime.combine(day, time(10, 0), zone)
    guid = await editing.save_session(
        event_id,
        SessionInput(
            title=payload(1, 300),
            subtitle=payload(2, 300),
            abstract=payload(3, 5000),
            description=payload(4, 5000),
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            room=payload(0, 100),
            track=payload(3, 100),
            tags=["R&D"],
            presenter_ids=[presenter],
        ),
    )  # tags allow letters, digits and - & + . only
    await publish_release(event_id, payload(2, 2000))
    fields += 14
    access = await event_access(SLUG, account)
    programme = await published_programme(event_id)
    session = programme.session(guid)
    ctx = await qa_context(SLUG, guid, account)
    question = await ask_question(ctx, payload(1, 1000))
    await answer_question(
        ctx, question, payload(4, 1000) + " [click](javascript:alert('m1')) <script>alert('m2')</script>"
    )
    poll = await create_poll(ctx, payload(2, 500), [payload(3, 200), payload(0, 200)])
    await set_poll_status(ctx, poll, "open")
    fields += 5
    lounge = await create_room(
        event_id, LoungeInput(name=payload(3, 100), slug="xss-lounge", kind="lounge", description=payload(4, 1000))
    )
    await add_member(event_id, author, MemberRole.attendee)
    await post_message(lounge.id, author, payload(0, 2000))
    fields += 3
    await save_topic("xss-topic", payload(1, 120), description=payload(2, 2000), synonyms=[payload(3, 120)])
    await tag_session(guid, ["xss-topic"])

    async def chunks(data: bytes) -> AsyncIterator[bytes]:
        yield data

    media = settings.media_root
    stored = await store_upload(chunks(wav_bytes(3)), media, AUDIO)
    recording = await add_recording(
        guid, "audio", stored=stored, original_name=payload(4, 150) + ".wav", media_root=media
    )
    vtt = "WEBVTT\n\n00:00:00.500 --> 00:00:02.000\n" + payload(0, 200).replace("-->", "") + "\n"
    await add_captions(recording, vtt.encode())
    slides: StoredFile = await store_upload(chunks(pdf_bytes("x", ("y",))), media, MATERIAL)
    await add_material(guid, payload(1, 200), stored=slides, original_name=payload(2, 150) + ".pdf")
    item = await publish_session(access, session)
    await reindex_all()
    fields += 7
    pages = [
        "/",
        f"/events/{SLUG}/",
        f"/events/{SLUG}/schedule/",
        f"/events/{SLUG}/schedule/?view=list",
        f"/events/{SLUG}/sessions/{session.slug}/",
        f"/events/{SLUG}/sessions/{session.slug}/questions/",
        f"/events/{SLUG}/sessions/{session.slug}/live/",
        f"/events/{SLUG}/changes/",
        f"/events/{SLUG}/lounge/",
        f"/events/{SLUG}/lounge/xss-lounge/",
        f"/events/{SLUG}/people/",
        "/people/",
        f"/a/{item.handle}",
        f"/a/{item.handle}/embed",
        "/archive/",
        "/archive/search?q=" + "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "/archive/search?q=marker",
        "/topics/",
        "/topics/xss-topic/",
        f"/events/{SLUG}/manage/",
        f"/events/{SLUG}/manage/archive/",
        f"/events/{SLUG}/manage/archive/{guid}/",
        f"/events/{SLUG}/insights/",
        f"/events/{SLUG}/manage/check-in",
        "/me/questions/",
        "/me/profile",
    ]
    return {
        "fields": fields,
        "payloads": len(PAYLOADS),
        "pages": pages,
        "email": "xss-author@library.org",
        "password": "long enough pass",
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(seed())))
