"""Networking rooms for the demo conference: a lounge, topic tables and a speed-networking room."""

from __future__ import annotations

import secrets

from events.access import add_member
from events.tables import MemberRole
from networking.rooms import RoomInput, create_room, list_rooms
from server.accounts import ProfileInput, account_id_by_email, create_account, update_profile

DEMO_ROOMS = [
    RoomInput("Main lounge", "main-lounge", "lounge", "Drop in, say hello, find your people.", ["welcome"], None),
    RoomInput(
        "Copyright & fair use",
        "copyright-table",
        "table",
        "Licences, the rule of five, CONTU in practice.",
        ["copyright", "licensing"],
        8,
    ),
    RoomInput(
        "International lending",
        "international-table",
        "table",
        "Customs, postage, IFLA vouchers, partners abroad.",
        ["international ILL"],
        8,
    ),
    RoomInput(
        "Small teams, big workloads",
        "small-teams-table",
        "table",
        "Two people and a scanner: tips that save hours.",
        ["workflows"],
        8,
    ),
    RoomInput(
        "Assessment & data",
        "assessment-table",
        "table",
        "Dashboards, fill rates, and telling the story upwards.",
        ["assessment"],
        8,
    ),
    RoomInput(
        "Speed networking",
        "speed-networking",
        "speed",
        "Short rounds in small groups, matched by interests.",
        ["meet people"],
        None,
    ),
]


# People for the directory. Their passwords are random and never shown, so nobody can log in as them.
DEMO_PEOPLE = [
    (
        "Maja Lindqvist",
        "she/her",
        "Uppsala Regional Library",
        "International lending coordinator",
        ["international ILL", "IFLA vouchers", "customs"],
        "Sending and receiving loans across borders in Europe.",
    ),
    (
        "Tomás Ramírez",
        "he/him",
        "Universidad del Valle Central",
        "Systems librarian",
        ["workflow automation", "request routing"],
        "Routing rules, scripts and APIs for ILL systems.",
    ),
    (
        "Wei Chen",
        "",
        "Lakeshore Community College",
        "ILL coordinator",
        ["small teams", "workflows"],
        "Running ILL with two people: templates and batching.",
    ),
    (
        "Harriet Whitfield",
        "she/her",
        "State Library Consortium",
        "Licensing negotiator",
        ["licensing", "e-books", "copyright"],
        "Licence clauses that allow interlibrary loan of e-books.",
    ),
    (
        "Kenji Nakamura",
        "he/him",
        "Pacific Rim Research Library",
        "Assessment librarian",
        ["assessment", "dashboards"],
        "Turning transaction logs into reports administrators read.",
    ),
    (
        "Claire Dubois",
        "elle",
        "Bibliothèque interuniversitaire de Lyon",
        "Accessibility specialist",
        ["accessible formats", "Marrakesh Treaty"],
        "Getting accessible copies to patrons with print disabilities.",
    ),
    (
        "Siobhan Brennan",
        "she/her",
        "County Library Service",
        "Rural outreach librarian",
        ["consortia", "courier routes"],
        "Resource sharing across small and rural branches.",
    ),
    (
        "Jonas Müller",
        "he/him",
        "Deutsche Fernleihe Network",
        "Copyright compliance officer",
        ["copyright", "CONTU", "compliance reporting"],
        "Keeping records and answering auditors.",
    ),
]


async def load_networking_demo(event_id: int) -> bool:
    """Add the demo rooms and directory people to an event that has no rooms. Returns whether it added them."""
    if await list_rooms(event_id):
        return False
    for position, room in enumerate(DEMO_ROOMS):
        room.position = position
        await create_room(event_id, room)
    for name, pronouns, institution, role, expertise, about in DEMO_PEOPLE:
        email = name.lower().replace(" ", ".").encode("ascii", "ignore").decode() + "@demo.hallway.invalid"
        user_id = await account_id_by_email(email) or await create_account(
            email, secrets.token_urlsafe(24), name, confirmed=True
        )
        await update_profile(
            user_id,
            ProfileInput(
                name,
                institution,
                "",
                pronouns=pronouns,
                job_role=role,
                expertise=expertise,
                contact_about=about,
                contact_details=f"Ask at the conference desk for {name}.",
                listed=True,
            ),
        )
        await add_member(event_id, user_id, MemberRole.attendee)
    return True
