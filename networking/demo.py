"""Networking rooms for the demo conference: a lounge, topic tables and a speed-networking room."""

from __future__ import annotations

from networking.rooms import RoomInput, create_room, list_rooms

DEMO_ROOMS = [
    RoomInput("Main lounge", "main-lounge", "lounge", "Drop in, say hello, find your people.", ["welcome"], None),
    RoomInput("Copyright & fair use", "copyright-table", "table", "Licences, the rule of five, CONTU in practice.",
              ["copyright", "licensing"], 8),
    RoomInput("International lending", "international-table", "table", "Customs, postage, IFLA vouchers, partners abroad.",
              ["international ILL"], 8),
    RoomInput("Small teams, big workloads", "small-teams-table", "table", "Two people and a scanner: tips that save hours.",
              ["workflows"], 8),
    RoomInput("Assessment & data", "assessment-table", "table", "Dashboards, fill rates, and telling the story upwards.",
              ["assessment"], 8),
    RoomInput("Speed networking", "speed-networking", "speed", "Short rounds in small groups, matched by interests.",
              ["meet people"], None),
]


async def load_networking_demo(event_id: int) -> bool:
    """Add the demo rooms to an event that has none. Returns whether it added them."""
    if await list_rooms(event_id):
        return False
    for position, room in enumerate(DEMO_ROOMS):
        room.position = position
        await create_room(event_id, room)
    return True
