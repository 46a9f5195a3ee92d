"""What the lounge's forms send, read into ``networking.rooms``' input shapes (see ``server/forms.py``)."""

from __future__ import annotations

from networking.rooms import RoomInput
from networking.tables import RoomKind
from server.forms import SEATS, comma_list, optional_whole_number

ROOM_FIELDS = ("name", "slug", "kind", "description", "tags", "capacity", "video_url")


def room_input(values: dict[str, str]) -> RoomInput:
    return RoomInput(
        name=values["name"],
        slug=values["slug"].strip().lower(),
        kind=values["kind"] or RoomKind.table.value,
        description=values["description"],
        tags=comma_list(values["tags"]),
        capacity=optional_whole_number(values, "capacity", SEATS),
        video_url=values["video_url"].strip(),
    )
