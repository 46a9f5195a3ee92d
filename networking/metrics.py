"""The names under which the rooms count who is in them, for ``server.activity`` and the insights pages."""

from __future__ import annotations

ROOM_OCCUPANCY = "networking.room"  # peak people in a networking room at once, per hour, keyed by room id
