"""Reads of chat's photos and files: the guarded accessor the file view asks."""

from __future__ import annotations

from communities.errors import NotFound
from communities.models import User
from communities.rules.conversations import access_to

from ..models import Attachment


def attachment_for(user: User, attachment_id: int) -> Attachment:
    """An attachment ``user`` may fetch; NotFound whether missing or forbidden.

    Not yet sent: its uploader's alone, while they may still post in its conversation.
    Sent: whoever may read its message's conversation — but never a deleted message's,
    and a message a moderator hid or removed only to the conversation's moderators.
    """
    attachment = (
        Attachment.objects.select_related("conversation__place", "message")
        .filter(pk=attachment_id)
        .first()
        if isinstance(attachment_id, int)
        else None
    )
    if attachment is None:
        raise NotFound()
    access = access_to(user, attachment.conversation)
    message = attachment.message
    if message is None:
        allowed = attachment.uploader_id == user.pk and access.post
    elif message.deleted_at is not None:
        allowed = False
    else:
        allowed = access.read and (not message.moderated or access.moderate)
    if not allowed:
        raise NotFound()
    return attachment
