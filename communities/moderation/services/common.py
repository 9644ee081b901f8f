"""What every moderation write checks: a moderator's reason, and the community of a place."""

from __future__ import annotations

from django.utils.translation import gettext as _

from chat.models import Conversation
from chat.selectors import conversation_access_for
from communities.errors import Forbidden, Invalid
from communities.models import Place, User
from communities.rules import community_of

REASON_MAX = 200


# --- Checks ---------------------------------------------------------------------------------
def clean_reason(reason: object, *, required: bool) -> str:
    """A moderator's reason: required for hiding, removing, muting, suspending, revoking."""
    text = reason.strip() if isinstance(reason, str) else ""
    if required and not text:
        message = _("Please give a reason.")
        raise Invalid(message, errors={"reason": message})
    if len(text) > REASON_MAX:
        message = _("At most %(n)d characters.") % {"n": REASON_MAX}
        raise Invalid(message, errors={"reason": message})
    return text


def moderated_conversation(actor: User, conversation_id: int) -> tuple[Conversation, Place]:
    """A conversation ``actor`` moderates, and its community; 404 unseen, 403 otherwise."""
    conversation, access = conversation_access_for(actor, conversation_id)
    if not access.moderate:
        raise Forbidden(_("Only the group's moderators may do this."), code="not_moderator")
    return conversation, community_of(conversation.place)
