"""Organiser insights: how an event went and how the archive is used, from aggregate figures only."""
