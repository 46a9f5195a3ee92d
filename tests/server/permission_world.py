"""The world the permission matrix walks: eight people and one event of each visibility.

Everyone holds the same role in all three events, so a cell's answer depends only on who
asks and how visible the event is. Each event's content carries a marker word of its own,
so lists, feeds, searches and harvests can be asked whether they show that event.
Things a request destroys (a session, a recording, a saved search...) are made once per
cell ahead of time as "victims", so the order of the cells does not matter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import AsyncIterator
from zoneinfo import ZoneInfo

from archive.demo import pdf_bytes
from archive.media import AUDIO, MATERIAL, store_upload
from archive.publishing import archive_session
from archive.recordings import add_captions, add_material, add_recording, wav_bytes
from archive.saved_searches import save_search
from archive.search.indexing import reindex_all
from archive.tables import CaptionTrack, Recording
from archive.topics import save_topic, tag_session
from events import editing
from events.access import add_member, event_access
from events.agenda import create_agenda_feed
from events.editing import EventInput, RoomInput, SessionInput
from events.invitations import invite
from events.releases import publish_release, published_programme
from events.tables import Attendance, EventMember, MemberRole
from networking.connections import ask_to_connect
from networking.rooms import RoomInput as LoungeInput, create_room, sanction
from networking.speed import start_round
from networking.tables import SanctionKind
from server.accounts import ProfileInput, create_account, get_account, update_profile
from server.notifications import unsubscribe_signature
from sessions.polls import create_poll, set_poll_status
from sessions.questions import ask_question, qa_context

ROLES = ("anonymous", "stranger", "attendee", "other_presenter", "presenter", "other_organiser", "organiser", "admin")
VISIBILITIES = ("public", "unlisted", "private")
PASSWORD = "matrix password 1234"
TOPIC = "matrix-topic"
ZONE = ZoneInfo("Europe/Berlin")
DAY = date.today() + timedelta(days=30)
# Kinds of things a single request destroys or uses up, made once per (role, visibility).


@dataclass
class EventWorld:
    visibility: str
    slug: str
    marker: str
    event_id: int
    session_slug: str
    guid: str
    question_id: int
    spare_question_id: int  # the attendee's second question, never answered: reworded, then withdrawn
    poll_id: int
    lounge_slug: str
    lounge_id: int
    speed_room_id: int
    breakout_slug: str  # a speed-networking group of the attendee and the other presenter
    breakout_id: int
    banned_slug: str  # a table that has banned the other presenter
    banned_id: int
    handle: str
    recording_id: int
    caption_id: int
    media_file: str
    material_id: int
    presenter_ids: list[int]
    victims: dict[tuple[str, str], object] = field(default_factory=dict)  # (kind, role) -> id or guid


@dataclass
class World:
    accounts: dict[str, int]  # role -> user id (no entry for anonymous)
    emails: dict[str, str]
    events: dict[str, EventWorld]
    other_event_slug: str
    bystander_id: int
    agenda_token: str
    unsubscribe_signature: str
    base_url: str
    victims: dict[tuple[str, str], object] = field(default_factory=dict)  # (kind, role) -> id


async def _chunks(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def build_world(media_root: Path, secret_key: str, base_url: str) -> World:
    """Make the people, the three events and their victims, through the functions the pages use."""

    accounts: dict[str, int] = {}
    emails: dict[str, str] = {}
    for role in ROLES[1:]:
        emails[role] = f"{role.replace('_', '-')}@matrix.example"
        accounts[role] = await create_account(
            emails[role], PASSWORD, role.replace("_", " ").title(), admin=role == "admin", confirmed=True
        )
    bystander = await create_account("bystander@matrix.example", PASSWORD, "Bystander")
    for user_id, name in ((bystander, "Bystander"), (accounts["attendee"], "Attendee")):  # in the directory
        await update_profile(user_id, ProfileInput(display_name=name, listed=True))
    await save_topic(TOPIC, "Matrix topic")
    other = "matrix-other"
    other_id = await editing.create_event(
        EventInput(slug=other, title="Another event", timezone="Europe/Berlin", start_date=DAY, end_date=DAY),
        accounts["other_organiser"],
    )
    events = {visibility: await _event(visibility, accounts, media_root) for visibility in VISIBILITIES}
    await reindex_all()
    world = World(
        accounts=accounts,
        emails=emails,
        events=events,
        other_event_slug=other,
        bystander_id=bystander,
        agenda_token=await create_agenda_feed(accounts["attendee"], secret_key),
        unsubscribe_signature=unsubscribe_signature(accounts["attendee"], secret_key),
        base_url=base_url,
    )
    for number, role in enumerate(ROLES):
        world.victims[("saved_search", role)] = await save_search(accounts["attendee"], f"victim {number}", ())
        sender = await create_account(f"sender-{number}@matrix.example", PASSWORD, f"Sender {number}")
        world.victims[("connection_request", role)] = await ask_to_connect(sender, accounts["attendee"], "Hello")
        world.victims[("invitation", role)] = (
            await invite(other_id, f"invited-{number}@matrix.example", "attendee", accounts["other_organiser"])
        ).token
    return world


async def _event(visibility: str, accounts: dict[str, int], media_root: Path) -> EventWorld:
    """One event with a published, archived session presented by "presenter", and all its victims."""

    slug, marker = f"matrix-{visibility}", f"quokka{visibility}"
    event_id = await editing.create_event(
        EventInput(
            slug=slug,
            title=f"Matrix {visibility} {marker}",
            timezone="Europe/Berlin",
            start_date=DAY,
            end_date=DAY,
            visibility=visibility,
        ),
        accounts["organiser"],
    )
    await editing.save_room(event_id, RoomInput(name="Main Hall"))
    await add_member(event_id, accounts["attendee"], MemberRole.attendee)
    presenter_ids = []
    for role in ("presenter", "other_presenter"):
        await add_member(event_id, accounts[role], MemberRole.presenter)
        presenter_ids.append(await editing.save_presenter(event_id, role.title(), user_id=accounts[role]))

    async def session(title: str, presenter: int, hour: int) -> str:
        starts = datetime.combine(DAY, time(hour % 24, 0), ZONE)
        return await editing.save_session(
            event_id,
            SessionInput(
                title=title,
                starts_at=starts,
                ends_at=starts + timedelta(minutes=30),
                room="Main Hall",
                abstract=f"About {marker}.",
                presenter_ids=[presenter],
            ),
        )

    guid = await session(f"Talk {marker}", presenter_ids[0], 9)
    await session(f"Other talk {marker}", presenter_ids[1], 10)
    victims: dict[tuple[str, str], object] = {}
    for number, role in enumerate(ROLES):
        victims[("session", role)] = await session(f"Victim {number}", presenter_ids[0], 11 + number)
        victims[("archived", role)] = await session(f"Archived victim {number}", presenter_ids[0], 11 + number)
        victims[("api_session", role)] = await session(f"API victim {number}", presenter_ids[0], 11 + number)
        victims[("registrant", role)] = registrant = await create_account(
            f"registrant-{visibility}-{number}@matrix.example", PASSWORD, f"Registrant {number}"
        )
        await add_member(event_id, registrant, MemberRole.attendee)
        await EventMember.update({EventMember.attendance: Attendance.in_person}).where(EventMember.user == registrant)
    await publish_release(event_id, "First")
    await tag_session(guid, [TOPIC])
    stored = await store_upload(_chunks(wav_bytes(2)), media_root, AUDIO)
    recording_id = await add_recording(guid, "audio", stored=stored, original_name="talk.wav", media_root=media_root)
    await add_captions(recording_id, f"WEBVTT\n\n00:00:00.500 --> 00:00:01.500\nWe talk about {marker}.\n".encode())
    slides = await store_upload(_chunks(pdf_bytes("Slides", ("one",))), media_root, MATERIAL)
    material_id = await add_material(guid, "Slides", stored=slides, original_name="slides.pdf")
    for role in ROLES:
        victims[("recording", role)] = await add_recording(guid, "video", url=f"https://video.example/{role}")
        victims[("material", role)] = await add_material(guid, f"Link {role}", url=f"https://slides.example/{role}")
    access = await event_access(slug, None)
    assert access is not None
    programme = await published_programme(event_id)
    item = await archive_session(access, programme.session(guid))
    for role in ROLES:
        await archive_session(access, programme.session(str(victims[("archived", role)])))

    organiser = await get_account(accounts["organiser"])
    attendee = await get_account(accounts["attendee"])
    organiser_ctx = await qa_context(slug, guid, organiser)
    question_id = await ask_question(await qa_context(slug, guid, attendee), f"What about {marker}?")
    spare_question_id = await ask_question(await qa_context(slug, guid, attendee), f"And {marker}, later?")
    poll_id = await create_poll(organiser_ctx, f"Poll {marker}", ["Yes", "No"])
    await set_poll_status(organiser_ctx, poll_id, "open")
    lounge = await create_room(event_id, LoungeInput(name=f"Lounge {marker}", slug="lounge", kind="lounge"))
    speed_room = await create_room(event_id, LoungeInput(name="Speed networking", slug="speed", kind="speed"))
    group = (await start_round(speed_room, [accounts["attendee"], accounts["other_presenter"]], 30, 2)).groups[0]
    banned_table = await create_room(event_id, LoungeInput(name="Banned table", slug="banned-table", kind="table"))
    await sanction(banned_table.id, accounts["other_presenter"], SanctionKind.ban, accounts["organiser"])
    recording = await Recording.select(Recording.file_name).where(Recording.id == recording_id).first()
    caption = await CaptionTrack.select(CaptionTrack.id).where(CaptionTrack.recording == recording_id).first()
    return EventWorld(
        visibility=visibility,
        slug=slug,
        marker=marker,
        event_id=event_id,
        session_slug=programme.session(guid).slug,
        guid=guid,
        question_id=question_id,
        spare_question_id=spare_question_id,
        poll_id=poll_id,
        lounge_slug="lounge",
        lounge_id=lounge.id,
        speed_room_id=speed_room.id,
        breakout_slug=group.breakout.slug,
        breakout_id=group.breakout.id,
        banned_slug=banned_table.slug,
        banned_id=banned_table.id,
        handle=item.handle,
        recording_id=recording_id,
        caption_id=caption["id"],
        media_file=recording["file_name"],
        material_id=material_id,
        presenter_ids=presenter_ids,
        victims=victims,
    )
