"""The names under which the programme counts its use, for ``server.activity`` and the insights pages."""

from __future__ import annotations

EVENT_VIEW = "event.view"  # page views of an event's pages, per hour, keyed by event id
