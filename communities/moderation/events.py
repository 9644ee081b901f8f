"""The live events of moderation itself: one builder per event type. Services publish them
(``realtime.feeds.publish``) inside their transaction; they leave after commit. (What a
moderator does to a message or a group is chat's event: chat/events.py.)"""

from __future__ import annotations

from typing import Any

Event = dict[str, Any]


def restriction_changed(shape: dict[str, Any]) -> Event:
    """To the restricted person: a mute or suspension began, changed or was lifted."""
    return {"type": "restriction.changed", "restriction": shape}


def report_opened(shape: dict[str, Any]) -> Event:
    return {"type": "report.opened", "report": shape}


def report_updated(shape: dict[str, Any]) -> Event:
    return {"type": "report.updated", "report": shape}
