"""Topic groups (专题公共群): proposing, approving, applying, deciding, leaving.

Public groups of a community: every member of it may see the approved ones and apply.
Committee staff open groups directly; a resident's proposal waits for the committee.
Who is in a group changes only here, and each change tells the person concerned
(``conversation.joined`` / ``conversation.left``) so their live connection follows.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.errors import Conflict, Forbidden, Invalid, NotFound
from communities.models import User
from communities.moderation import audit
from communities.moderation.models import AuditAction, TargetKind
from communities.moderation.settle import settle
from communities.rules import RULES, Action, gatekeeping
from communities.rules.conversations import may_start_topic
from realtime.feeds import publish
from realtime.groups import community_staff_feed, user_group

from .. import events
from ..models import Conversation, Participant
from ..selectors.topics import community_for, topic_for

TITLE_MIN, TITLE_MAX, DESCRIPTION_MAX, REASON_MAX, NOTE_MAX = 2, 60, 500, 200, 200
STAFF = RULES[Action.MODERATE_COMMUNITY]
ACTIVE, PENDING = Participant.Status.ACTIVE, Participant.Status.PENDING


def _text(value: str, field: str, errors: dict[str, str], *, low: int, high: int) -> str:
    value = value.strip() if isinstance(value, str) else ""
    if len(value) < low:
        errors[field] = _("At least %(n)d characters.") % {"n": low}
    elif len(value) > high:
        errors[field] = _("At most %(n)d characters.") % {"n": high}
    return value


def _check(errors: dict[str, str]) -> None:
    if errors:
        raise Invalid(_("Please correct the marked fields."), errors=errors)


def topic_group_create(
    *, actor: User, community_id: int, title: str, description: str = ""
) -> Conversation:
    """Staff open a group at once; a resident's proposal waits for the committee."""
    errors: dict[str, str] = {}
    title = _text(title, "title", errors, low=TITLE_MIN, high=TITLE_MAX)
    description = _text(description, "description", errors, low=0, high=DESCRIPTION_MAX)
    _check(errors)
    community, held = community_for(actor, community_id)
    staff = bool(held & STAFF)
    if not may_start_topic(held):
        raise Forbidden(
            _("Only residents and the committee may start a topic group."), code="not_resident"
        )
    with transaction.atomic():
        conversation = Conversation.objects.create(
            kind=Conversation.Kind.TOPIC,
            place=community,
            title=title,
            description=description,
            created_by=actor,
            approved=staff,
        )
        Participant.objects.create(
            conversation=conversation, user=actor, role=Participant.Role.ADMIN, status=ACTIVE
        )
        if staff:
            publish(user_group(actor.pk), events.conversation_joined(conversation))
        else:
            publish(community_staff_feed(community.pk), events.topic_proposed(conversation))
    return conversation


def _proposal_for_staff(actor: User, conversation_id: int) -> Conversation:
    access = topic_for(actor, conversation_id)
    if not access.staff:
        raise Forbidden(_("Only the committee decides on proposed groups."), code="not_staff")
    conversation = (
        Conversation.objects.select_for_update().select_related("place").get(pk=conversation_id)
    )
    if conversation.approved:
        raise Conflict(_("This group is already open."), code="not_pending")
    gatekeeping.require_may_decide(
        actor, conversation.place, TargetKind.TOPIC_PROPOSAL, conversation.pk
    )
    return conversation


def _proposal_decided(actor: User, conversation: Conversation, approved: bool, reason: str) -> None:
    """Audit a decision on a proposed group and tell the committee's consoles."""
    audit.record(
        actor=actor,
        community=conversation.place,
        action=AuditAction.APPROVE if approved else AuditAction.REJECT,
        target_kind=TargetKind.TOPIC_PROPOSAL,
        target_id=conversation.pk,
        subject=conversation.created_by,
        reason=reason,
        before={"approved": False},
        after={"approved": approved} if approved else {"deleted": True},
    )
    publish(
        community_staff_feed(conversation.place_id),
        events.topic_proposal_decided(conversation, approved=approved),
    )
    settle(
        community_id=conversation.place_id,
        kind=TargetKind.TOPIC_PROPOSAL,
        item_id=conversation.pk,
    )


def topic_group_approve(*, actor: User, conversation_id: int) -> Conversation:
    """Open a proposed group; its proposer (the admin) joins it live."""
    with transaction.atomic():
        conversation = _proposal_for_staff(actor, conversation_id)
        conversation.approved = True
        conversation.save(update_fields=["approved"])
        _proposal_decided(actor, conversation, True, "")
        for user_id in conversation.participants.filter(status=ACTIVE).values_list(
            "user_id", flat=True
        ):
            publish(user_group(user_id), events.conversation_joined(conversation))
    return conversation


def topic_group_reject(*, actor: User, conversation_id: int, reason: str) -> None:
    """Refuse a proposal: it is deleted, and its proposer is told why."""
    errors: dict[str, str] = {}
    reason = _text(reason, "reason", errors, low=1, high=REASON_MAX)
    _check(errors)
    with transaction.atomic():
        conversation = _proposal_for_staff(actor, conversation_id)
        event = events.topic_rejected(conversation, reason)
        proposers = list(conversation.participants.values_list("user_id", flat=True))
        _proposal_decided(actor, conversation, False, reason)
        conversation.delete()
        for user_id in proposers:
            publish(user_group(user_id), event)


def topic_group_apply(*, user: User, conversation_id: int, note: str = "") -> Participant:
    """Ask to join an open group; its admins and the committee are told."""
    errors: dict[str, str] = {}
    note = _text(note, "note", errors, low=0, high=NOTE_MAX)
    _check(errors)
    access = topic_for(user, conversation_id)
    conversation = access.conversation
    if not conversation.approved:
        raise Conflict(_("This group is not open yet."), code="not_open")
    try:
        with transaction.atomic():
            participant, created = Participant.objects.select_for_update().get_or_create(
                conversation=conversation, user=user, defaults={"status": PENDING, "note": note}
            )
            if not created:
                if participant.status == PENDING:
                    raise _duplicate()
                if participant.status == ACTIVE:
                    raise Conflict(_("You are already in this group."), code="already_member")
                participant.status, participant.role = PENDING, Participant.Role.MEMBER
                participant.joined_at, participant.note = timezone.now(), note
                participant.save(update_fields=["status", "role", "joined_at", "note"])
            event = events.topic_application(participant, note)
            publish(community_staff_feed(conversation.place_id), event)
            admins = conversation.participants.filter(status=ACTIVE, role=Participant.Role.ADMIN)
            for admin_id in admins.values_list("user_id", flat=True):
                publish(user_group(admin_id), event)
    except IntegrityError:
        raise _duplicate() from None  # a second request raced past get_or_create
    return participant


def _duplicate() -> Conflict:
    return Conflict(_("Your application is already waiting."), code="duplicate_pending")


def topic_group_decide(*, actor: User, participant_id: int, approve: bool) -> Participant:
    """An admin of the group, or the committee, lets an applicant in or not."""
    conversation_id = (
        Participant.objects.filter(pk=participant_id, conversation__kind=Conversation.Kind.TOPIC)
        .values_list("conversation_id", flat=True)
        .first()
    )
    if conversation_id is None or not topic_for(actor, conversation_id).admin:
        raise NotFound()  # applications are not shown to anyone else
    with transaction.atomic():
        row = (
            Participant.objects.select_for_update()
            .select_related("conversation__place", "user")
            .get(pk=participant_id)
        )
        if row.status != PENDING:
            raise Conflict(_("This application has already been handled."), code="not_pending")
        community = row.conversation.place
        gatekeeping.require_may_decide(actor, community, TargetKind.TOPIC_APPLICATION, row.pk)
        row.status = ACTIVE if approve else Participant.Status.REJECTED
        row.joined_at = timezone.now()
        row.save(update_fields=["status", "joined_at"])
        audit.record(
            actor=actor,
            community=community,
            action=AuditAction.APPROVE if approve else AuditAction.REJECT,
            target_kind=TargetKind.TOPIC_APPLICATION,
            target_id=row.pk,
            subject=row.user,
            before={"status": PENDING},
            after={"status": row.status},
        )
        publish(user_group(row.user_id), events.topic_application_decided(row))
        publish(community_staff_feed(community.pk), events.topic_application_decided(row))
        settle(community_id=community.pk, kind=TargetKind.TOPIC_APPLICATION, item_id=row.pk)
        if approve:
            publish(user_group(row.user_id), events.conversation_joined(row.conversation))
    return row


def topic_group_leave(*, user: User, conversation_id: int) -> None:
    """Leave a group (or withdraw a waiting application)."""
    with transaction.atomic():
        row = (
            Participant.objects.select_for_update()
            .select_related("conversation__place")
            .filter(conversation_id=conversation_id, user=user, status__in=[ACTIVE, PENDING])
            .filter(conversation__kind=Conversation.Kind.TOPIC)
            .first()
        )
        if row is None:
            raise NotFound()
        was_member = row.status == ACTIVE
        row.status = Participant.Status.LEFT
        row.save(update_fields=["status"])
        if was_member:
            publish(user_group(user.pk), events.conversation_left(row.conversation))


def topic_group_remove(*, actor: User, conversation_id: int, user_id: int) -> None:
    """An admin or the committee removes a member; only the committee removes an admin."""
    access = topic_for(actor, conversation_id)
    if not access.admin:
        raise Forbidden(_("Only the group's admins may remove members."), code="not_admin")
    with transaction.atomic():
        row = (
            Participant.objects.select_for_update()
            .filter(conversation=access.conversation, user_id=user_id, status=ACTIVE)
            .first()
        )
        if row is None:
            raise NotFound()
        if row.role == Participant.Role.ADMIN and not access.staff:
            raise Forbidden(_("Only the committee may remove a group admin."), code="admin")
        row.status = Participant.Status.REMOVED
        row.save(update_fields=["status"])
        publish(user_group(row.user_id), events.conversation_left(access.conversation))
