"""Hiding, removing, restoring and pinning messages; locking groups."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chat.models import Conversation, Message, Moderated
from chat.selectors import message_for
from chat.shapes import message_out
from communities.errors import Conflict, Forbidden
from communities.models import Place, User
from communities.moderation import audit, events
from communities.moderation.models import AuditAction, TargetKind
from communities.rules import community_of
from communities.rules.conversations import access_to
from realtime.feeds import publish
from realtime.groups import conversation_group

from .common import clean_reason, moderated_conversation
from .reports import report_actioned, report_for_action


# --- Messages -------------------------------------------------------------------------------
def _moderated_message(actor: User, message_id: int) -> tuple[Message, Place]:
    """A message ``actor`` moderates, and its community; 404 unseen, 403 not a moderator."""
    message = message_for(actor, message_id)
    if not access_to(actor, message.conversation).moderate:
        raise Forbidden(_("Only the group's moderators may do this."), code="not_moderator")
    return message, community_of(message.conversation.place)


def _message_state(message: Message) -> dict[str, Any]:
    return {"moderated": message.moderated, "pinned": message.pinned_at is not None}


def _fresh_message(message_id: int) -> Message:
    return Message.objects.select_related("conversation__place", "author", "reply_to__author").get(
        pk=message_id
    )


def _message_verdict(*, actor: User, message_id: int, verdict: str, reason: str) -> Message:
    reason = clean_reason(reason, required=True)
    message, community = _moderated_message(actor, message_id)
    if message.deleted_at is not None:
        raise Conflict(_("This message was deleted by its author."), code="deleted")
    if message.moderated == verdict:
        return message
    report = report_for_action(actor, community, TargetKind.MESSAGE, message.pk)
    before = _message_state(message)
    with transaction.atomic():
        message.moderated = verdict
        message.moderated_at = timezone.now()
        message.moderated_by = actor
        message.pinned_at = None
        message.save(update_fields=["moderated", "moderated_at", "moderated_by", "pinned_at"])
        audit.record(
            actor=actor,
            community=community,
            action=AuditAction.HIDE if verdict == Moderated.HIDDEN else AuditAction.REMOVE,
            target_kind=TargetKind.MESSAGE,
            target_id=message.pk,
            subject=message.author,
            reason=reason,
            before=before,
            after=_message_state(message),
        )
        publish(conversation_group(message.conversation_id), events.message_moderated(message))
        report_actioned(report, actor, reason)
    return _fresh_message(message.pk)


def message_hide(*, actor: User, message_id: int, reason: str) -> Message:
    """Take a message out of everyone's view but the moderators' (restorable)."""
    return _message_verdict(
        actor=actor, message_id=message_id, verdict=Moderated.HIDDEN, reason=reason
    )


def message_remove(*, actor: User, message_id: int, reason: str) -> Message:
    """As hiding, with the stronger verdict (illegal content, private information)."""
    return _message_verdict(
        actor=actor, message_id=message_id, verdict=Moderated.REMOVED, reason=reason
    )


def message_restore(*, actor: User, message_id: int, reason: str = "") -> Message:
    reason = clean_reason(reason, required=False)
    message, community = _moderated_message(actor, message_id)
    if not message.moderated:
        raise Conflict(_("This message is not hidden or removed."), code="not_moderated")
    before = _message_state(message)
    with transaction.atomic():
        message.moderated, message.moderated_at, message.moderated_by = "", None, None
        message.save(update_fields=["moderated", "moderated_at", "moderated_by"])
        audit.record(
            actor=actor,
            community=community,
            action=AuditAction.RESTORE,
            target_kind=TargetKind.MESSAGE,
            target_id=message.pk,
            subject=message.author,
            reason=reason,
            before=before,
            after=_message_state(message),
        )
        message = _fresh_message(message.pk)
        shape = message_out(message, likes=message.likes.count())
        publish(conversation_group(message.conversation_id), events.message_restored(shape))
    return message


def message_pin(*, actor: User, message_id: int, pinned: bool, reason: str = "") -> Message:
    """Pin a visible message to the top of its conversation, or unpin it."""
    reason = clean_reason(reason, required=False)
    message, community = _moderated_message(actor, message_id)
    if pinned and (message.moderated or message.deleted_at is not None):
        raise Conflict(_("Only a visible message can be pinned."), code="not_visible")
    if (message.pinned_at is not None) == pinned:
        return message
    before = _message_state(message)
    with transaction.atomic():
        message.pinned_at = timezone.now() if pinned else None
        message.save(update_fields=["pinned_at"])
        audit.record(
            actor=actor,
            community=community,
            action=AuditAction.PIN if pinned else AuditAction.UNPIN,
            target_kind=TargetKind.MESSAGE,
            target_id=message.pk,
            subject=message.author,
            reason=reason,
            before=before,
            after=_message_state(message),
        )
        message = _fresh_message(message.pk)
        shape = message_out(message, likes=message.likes.count())
        publish(conversation_group(message.conversation_id), events.message_pinned(message, shape))
    return message


# --- Conversations --------------------------------------------------------------------------
def conversation_lock(
    *, actor: User, conversation_id: int, locked: bool, reason: str = ""
) -> Conversation:
    """Make a group read-only (``locked``) or open it again."""
    reason = clean_reason(reason, required=False)
    conversation, community = moderated_conversation(actor, conversation_id)
    if conversation.locked == locked:
        return conversation
    with transaction.atomic():
        conversation.locked = locked
        conversation.save(update_fields=["locked"])
        audit.record(
            actor=actor,
            community=community,
            action=AuditAction.LOCK if locked else AuditAction.UNLOCK,
            target_kind=TargetKind.CONVERSATION,
            target_id=conversation.pk,
            reason=reason,
            before={"locked": not locked},
            after={"locked": locked},
        )
        publish(conversation_group(conversation.pk), events.conversation_locked(conversation))
    return conversation
