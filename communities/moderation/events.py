"""The live events of moderation: one builder per event type. Services publish them
(``realtime.feeds.publish``) inside their transaction; they leave after commit."""

from __future__ import annotations

from typing import Any

from chat.models import Conversation, Message

Event = dict[str, Any]


def message_moderated(message: Message) -> Event:
    """To the conversation: clients drop the message; moderators' clients mark it."""
    return {
        "type": "message.moderated",
        "conversation": message.conversation_id,
        "message_id": message.pk,
        "moderated": message.moderated,
    }


def message_restored(shape: dict[str, Any]) -> Event:
    return {"type": "message.restored", "message": shape}


def message_pinned(message: Message, shape: dict[str, Any]) -> Event:
    return {
        "type": "message.pinned",
        "conversation": message.conversation_id,
        "message_id": message.pk,
        "pinned": message.pinned_at is not None,
        "message": shape,
    }


def conversation_locked(conversation: Conversation) -> Event:
    return {
        "type": "conversation.locked",
        "conversation": conversation.pk,
        "locked": conversation.locked,
    }


def restriction_changed(shape: dict[str, Any]) -> Event:
    """To the restricted person: a mute or suspension began, changed or was lifted."""
    return {"type": "restriction.changed", "restriction": shape}


def report_opened(shape: dict[str, Any]) -> Event:
    return {"type": "report.opened", "report": shape}


def report_updated(shape: dict[str, Any]) -> Event:
    return {"type": "report.updated", "report": shape}
