"""Chat's door for moderation: what the moderation app calls, and nothing else of chat.

Hiding, removing, restoring and pinning messages and locking groups are chat's writes
(each with its audit entry, its live event and, for a verdict, ``content_moderated`` so an
open report of the message is marked acted on); the guarded reads a moderator needs (the
conversation they moderate, a message as they see it, the pinned messages); what a report
of a message says; and where the console finds the chat items waiting for a committee.
Who moderates what is ``communities.rules.conversations``.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from communities import signals
from communities.errors import Conflict, Forbidden, NotFound
from communities.models import Place, User
from communities.moderation import audit
from communities.moderation.audit import clean_reason
from communities.moderation.models import AuditAction, TargetKind
from communities.moderation.sources import Source, short
from communities.rules import community_of, gatekeeping
from communities.rules.conversations import access_to, moderation_flags
from communities.shapes import person_out
from realtime.feeds import publish
from realtime.groups import conversation_group

from . import events
from .models import Conversation, Letter, Message, Moderated, Participant
from .selectors import (
    conversation_access_for,
    conversation_for,
    member_ids,
    message_for,
    pinned_messages,
)
from .shapes import conversation_out, message_out


def moderated_conversation(actor: User, conversation_id: int) -> tuple[Conversation, Place]:
    """A conversation ``actor`` moderates, and its community; 404 unseen, 403 otherwise."""
    conversation, access = conversation_access_for(actor, conversation_id)
    if not access.moderate:
        raise Forbidden(_("Only the group's moderators may do this."), code="not_moderator")
    return conversation, community_of(conversation.place)


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
    gatekeeping.require_may_act_on(actor, community, TargetKind.MESSAGE, message.pk)
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
        signals.content_moderated.send(
            sender=Message,
            target_kind=TargetKind.MESSAGE,
            target_id=message.pk,
            actor=actor,
            note=reason,
        )
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


# --- What a moderator sees ------------------------------------------------------------------
def message_as_moderator(message: Message) -> dict[str, Any]:
    """A message as its moderator sees it (marked, with the excerpt of what it replies to)."""
    return message_out(message, likes=message.likes.count(), moderator=True)


def conversation_as_moderator(user: User, conversation: Conversation) -> dict[str, Any]:
    """The conversation's shape for ``user``: whether they moderate it, until when they
    are muted there."""
    flags = moderation_flags(user, [conversation])[conversation.pk]
    return conversation_out(conversation, moderate=flags.moderate, muted_until=flags.muted_until)


def pinned_of(user: User, conversation_id: int) -> list[dict[str, Any]]:
    """The pinned messages of a conversation ``user`` may read, the latest pinned first."""
    conversation = conversation_for(user, conversation_id)
    return [message_out(m) for m in pinned_messages(conversation)]


def moderates(user: User, conversation: Conversation) -> bool:
    return access_to(user, conversation).moderate


def is_member(conversation: Conversation, user_id: int) -> bool:
    """In the group (for an estate group: a resident of the estate)."""
    return user_id in member_ids(conversation.pk)


# --- Reports --------------------------------------------------------------------------------
def reported_message(reporter: User, message_id: int) -> tuple[Place, User, str]:
    """The community, author and text of a message ``reporter`` can read and report;
    NotFound for one deleted, or taken down (unless they moderate it)."""
    message = message_for(reporter, message_id)
    hidden = message.moderated and not access_to(reporter, message.conversation).moderate
    if message.deleted_at is not None or hidden:
        raise NotFound()
    return community_of(message.conversation.place), message.author, message.body


def conversations_of_messages(message_ids: list[int]) -> dict[int, int]:
    """The conversation of each message, to open a reported one at: one query."""
    return dict(Message.objects.filter(pk__in=message_ids).values_list("pk", "conversation_id"))


# --- The committee console ------------------------------------------------------------------
def _topic_proposal(item: Conversation) -> dict[str, Any]:
    return {
        "title": item.title,
        "summary": short(item.description),
        "author": person_out(item.created_by) if item.created_by else None,
        "link": f"/chat/topics?community={item.place_id}",
        "extra": {"description": item.description},
    }


def _topic_application(item: Participant) -> dict[str, Any]:
    conversation = item.conversation
    return {
        "title": conversation.title,
        "summary": short(item.note),
        "author": person_out(item.user),
        "link": f"/chat/topics?community={conversation.place_id}",
        "extra": {"conversation": {"id": conversation.pk, "title": conversation.title}},
    }


def _letter(item: Letter) -> dict[str, Any]:
    return {
        "title": item.subject,
        "summary": short(item.body),
        "author": person_out(item.sender),
        "link": f"/letters/{item.pk}",
        "extra": {},
    }


def _proposals() -> QuerySet[Conversation]:
    return (
        Conversation.objects.filter(kind=Conversation.Kind.TOPIC)
        .select_related("created_by")
        .annotate(console_community=F("place_id"), console_at=F("created_at"))
    )


def _applications() -> QuerySet[Participant]:
    return (
        Participant.objects.filter(
            conversation__kind=Conversation.Kind.TOPIC, conversation__approved=True
        )
        .select_related("conversation", "user")
        .annotate(console_community=F("conversation__place_id"), console_at=F("joined_at"))
    )


def _letters() -> QuerySet[Letter]:
    return (
        Letter.objects.filter(committee__isnull=False)
        .select_related("sender")
        .annotate(console_community=F("committee_id"), console_at=F("created_at"))
    )


CONSOLE_SOURCES = (
    Source(TargetKind.TOPIC_PROPOSAL, _proposals, {"approved": False}, _topic_proposal),
    Source(
        TargetKind.TOPIC_APPLICATION,
        _applications,
        {"status": Participant.Status.PENDING},
        _topic_application,
    ),
    Source(TargetKind.LETTER, _letters, {"read_at__isnull": True}, _letter),
)
