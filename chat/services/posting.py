"""Whether someone may post in a conversation now: what sending a message and uploading
a photo or file for one both ask first."""

from __future__ import annotations

from django.utils.translation import gettext as _

from communities.errors import Forbidden
from communities.models import User
from communities.rules import moderation
from communities.rules.conversations import refuse_if_blocked

from ..models import Conversation
from ..selectors import conversation_for


def refuse_if_restricted(author: User, conversation: Conversation) -> None:
    """Muted here, or suspended in the conversation's community: Forbidden (one query)."""
    moderation.refuse_if_restricted(
        author,
        community_id=moderation.community_of_conversation(conversation),
        conversation_id=conversation.pk,
    )


def postable(author: User, conversation_id: int) -> Conversation:
    """The conversation, if ``author`` may post in it now: NotFound when it is unseen or
    not theirs to post in, Forbidden when read-only, muted, suspended or blocked."""
    conversation = conversation_for(author, conversation_id, post=True)
    if conversation.locked:
        raise Forbidden(_("This conversation is read-only."), code="locked")
    refuse_if_restricted(author, conversation)
    refuse_if_blocked(author, conversation)
    return conversation
