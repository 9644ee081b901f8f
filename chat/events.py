"""The live events of chat: one builder per event type (docs/protocol.md lists them all).

Services publish them with ``realtime.feeds.publish`` inside their transaction; they leave
after commit. A test pins each shape.
"""

from __future__ import annotations

from typing import Any

from communities.models import User
from communities.shapes import person_out

from .models import Conversation, Letter, Message, Participant
from .shapes import conversation_out, letter_out

Event = dict[str, Any]


# --- Messages -------------------------------------------------------------------------------
def message_new(shape: dict[str, Any]) -> Event:
    """To the conversation: a message was posted (``shape``: ``message_out``)."""
    return {"type": "message.new", "message": shape}


def mention(shape: dict[str, Any]) -> Event:
    """To a person named in a message."""
    return {"type": "mention", "message": shape}


def message_edited(shape: dict[str, Any]) -> Event:
    return {"type": "message.edited", "message": shape}


def message_deleted(message: Message) -> Event:
    return {
        "type": "message.deleted",
        "conversation": message.conversation_id,
        "message_id": message.pk,
    }


def message_liked(message: Message, *, likes: int, user_id: int, liked: bool) -> Event:
    return {
        "type": "message.liked",
        "conversation": message.conversation_id,
        "message_id": message.pk,
        "likes": likes,
        "user_id": user_id,
        "liked": liked,
    }


def read_updated(conversation_id: int, up_to: int) -> Event:
    """To the reader's own stream, so their other devices clear the same unread badge."""
    return {"type": "read.updated", "conversation": conversation_id, "up_to": up_to}


# --- Moderation of messages and groups ------------------------------------------------------
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


# --- Who is in a conversation ---------------------------------------------------------------
def conversation_joined(conversation: Conversation, *, peer: User | None = None) -> Event:
    """To a person now in a conversation (their sockets follow it from now on)."""
    shape = conversation_out(conversation, peer=peer)
    return {"type": "conversation.joined", "conversation": shape}


def conversation_left(conversation: Conversation) -> Event:
    return {"type": "conversation.left", "conversation": conversation.pk}


# --- Topic groups ---------------------------------------------------------------------------
def topic_application(participant: Participant, note: str) -> Event:
    """To the group's admins and the committee: someone asks to join."""
    return {
        "type": "topic.application",
        "conversation": participant.conversation_id,
        "participant_id": participant.pk,
        "user": person_out(participant.user),
        "note": note,
    }


def topic_application_decided(participant: Participant) -> Event:
    return {
        "type": "topic.application.decided",
        "conversation": participant.conversation_id,
        "participant_id": participant.pk,
        "status": participant.status,
    }


def topic_proposed(conversation: Conversation) -> Event:
    """To the committee: a resident proposed a group."""
    return {"type": "topic.proposed", "conversation": conversation_out(conversation)}


def topic_rejected(conversation: Conversation, reason: str) -> Event:
    """To the proposer: the committee refused the group, and why."""
    return {
        "type": "topic.rejected",
        "conversation": conversation.pk,
        "title": conversation.title,
        "reason": reason,
    }


def topic_proposal_decided(conversation: Conversation, *, approved: bool) -> Event:
    """To the committee's consoles: a proposal was decided."""
    return {
        "type": "topic.proposal.decided",
        "conversation_id": conversation.pk,
        "approved": approved,
    }


# --- Letters --------------------------------------------------------------------------------
def letter_new(letter: Letter) -> Event:
    return {"type": "letter.new", "letter": letter_out(letter)}


def letter_read(letter: Letter) -> Event:
    """To the sender (and the committee's staff feed): the letter was opened."""
    assert letter.read_at is not None
    return {"type": "letter.read", "letter_id": letter.pk, "read_at": letter.read_at.isoformat()}
