"""What the archive's organiser forms send, read into what ``archive.topics`` takes (see ``server/forms.py``)."""

from __future__ import annotations

from typing import Any

from server.forms import comma_list

TOPIC_FIELDS = ("slug", "name", "description", "parent", "synonyms")


def topic_input(values: dict[str, str]) -> dict[str, Any]:
    """The arguments of ``archive.topics.save_topic`` for a topic as typed."""
    return {
        "slug": values["slug"],
        "name": values["name"],
        "description": values["description"],
        "parent_slug": values["parent"],
        "synonyms": comma_list(values["synonyms"]),
    }


def chosen_topics(sent: list[object]) -> list[str]:
    """The topics ticked for a session, by their slugs (``tag_session`` refuses any it does not know)."""
    return [str(value) for value in sent]
