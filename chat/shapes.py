"""The wire shapes of chat objects; each is built here, by one function."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from communities.models import User
from communities.shapes import person_out

from .models import Attachment, ChatSettings, Conversation, Letter, Message

EXCERPT = 40


def attachment_out(attachment: Attachment) -> dict[str, Any]:
    """A photo (``width``, ``height``, a thumbnail) or a PDF (``name``); its addresses
    are the checking view's, never a file's own."""
    base = f"/api/chat/attachments/{attachment.pk}"
    image = attachment.kind == Attachment.Kind.IMAGE
    return {
        "id": attachment.pk,
        "kind": attachment.kind,
        "url": base,
        "thumbnail_url": f"{base}/thumbnail" if image else None,
        "width": attachment.width if image else None,
        "height": attachment.height if image else None,
        "name": None if image else attachment.name,
        "size": attachment.size,
    }


def _attachments(message: Message) -> list[dict[str, Any]]:
    """The message's files (prefetched by the history reads), in their order."""
    return [attachment_out(item) for item in message.attachments.all()]


def message_out(
    message: Message, *, likes: int | None = None, moderator: bool = False
) -> dict[str, Any]:
    """A message; ``moderator``: built for a moderator of the conversation, who sees the
    excerpt of a reply to a hidden or removed message (others get it empty, as deleted).
    Live frames are built once for everyone, so they use the non-moderator form."""
    deleted = message.deleted_at is not None
    reply = message.reply_to
    # A quote of a deleted message, or one taken down that this reader may not see.
    gone = reply is not None and bool(reply.deleted_at or (reply.moderated and not moderator))
    return {
        "id": message.pk,
        "conversation": message.conversation_id,
        "author": person_out(message.author),
        "client_id": message.client_id,
        "body": "" if deleted else message.body,
        "attachments": [] if deleted else _attachments(message),
        "reply_to": (
            {
                "id": reply.pk,
                "author": person_out(reply.author),
                "excerpt": "" if gone else reply.body[:EXCERPT],
                # An empty excerpt of a message still there: it had only photos or files.
                "deleted": gone,
            }
            if reply is not None
            else None
        ),
        "mentions": list(message.mentions),
        "likes": likes if likes is not None else getattr(message, "like_count", 0),
        "created_at": message.created_at.isoformat(),
        "edited_at": message.edited_at.isoformat() if message.edited_at else None,
        "deleted": deleted,
        "moderated": message.moderated,
        "pinned": message.pinned_at is not None,
    }


def conversation_out(
    conversation: Conversation,
    *,
    unread: int = 0,
    peer: User | None = None,
    moderate: bool = False,
    muted_until: datetime | None = None,
) -> dict[str, Any]:
    """A conversation as one person sees it; a knock is titled with the other person.

    ``moderate``: this person may moderate it; ``muted_until``: until when they may not
    post in it (a mute here or a suspension in its community), see
    ``selectors.moderation_flags``."""
    return {
        "id": conversation.pk,
        "kind": conversation.kind,
        "title": peer.name if peer is not None else (conversation.title or conversation.place.name),
        "description": conversation.description,
        "place": conversation.place_id,
        "locked": conversation.locked,
        "unread": unread,
        "peer": person_out(peer) if peer is not None else None,
        "moderate": moderate,
        "muted_until": muted_until.isoformat() if muted_until is not None else None,
    }


def letter_out(letter: Letter) -> dict[str, Any]:
    committee = letter.committee
    return {
        "id": letter.pk,
        "sender": person_out(letter.sender),
        "recipient": person_out(letter.recipient) if letter.recipient else None,
        "committee": {"id": committee.pk, "name": committee.name} if committee else None,
        "subject": letter.subject,
        "body": letter.body,
        "created_at": letter.created_at.isoformat(),
        "read_at": letter.read_at.isoformat() if letter.read_at else None,
        "read_by": person_out(letter.read_by) if letter.read_by else None,
    }


def chat_settings_out(settings: ChatSettings) -> dict[str, Any]:
    return {
        "refuse_strangers": settings.refuse_strangers,
        "hide_presence": settings.hide_presence,
    }
