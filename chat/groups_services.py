"""Topic groups (专题公共群): proposing, approving, applying, deciding, leaving.

Public groups of a community: every member of it may see the approved ones and apply.
Committee staff open groups directly; a resident's proposal waits for the committee.
Who is in a group changes only here, and each change tells the person concerned
(``conversation.joined`` / ``conversation.left``) so their live connection follows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.errors import Conflict, Forbidden, Invalid, NotFound
from communities.models import COMMUNITY_KINDS, Place, User
from communities.moderation import audit, claims
from communities.moderation.models import AuditAction, TargetKind
from communities.rules import RESIDENT, RULES, Action, gatekeeping, standing
from realtime.feeds import publish
from realtime.groups import community_staff_feed, user_group

from .models import Conversation, Participant
from .shapes import conversation_out, person_out

TITLE_MIN, TITLE_MAX, DESCRIPTION_MAX, REASON_MAX, NOTE_MAX = 2, 60, 500, 200, 200
ACTIVE, PENDING = Participant.Status.ACTIVE, Participant.Status.PENDING


@dataclass(frozen=True)
class TopicAccess:
    """One topic group as one person sees it."""

    conversation: Conversation
    staff: bool  # may moderate the community the group belongs to
    participant: Participant | None  # the person's own row, whatever its status

    @property
    def member(self) -> bool:
        return self.participant is not None and self.participant.status == ACTIVE

    @property
    def admin(self) -> bool:
        row = self.participant
        return self.staff or (
            row is not None and row.status == ACTIVE and row.role == Participant.Role.ADMIN
        )


# --- Events: one builder per type ------------------------------------------------
def joined_event(conversation: Conversation) -> dict[str, Any]:
    return {"type": "conversation.joined", "conversation": conversation_out(conversation)}


def left_event(conversation: Conversation) -> dict[str, Any]:
    return {"type": "conversation.left", "conversation": conversation.pk}


def application_event(participant: Participant, note: str) -> dict[str, Any]:
    return {
        "type": "topic.application",
        "conversation": participant.conversation_id,
        "participant_id": participant.pk,
        "user": person_out(participant.user),
        "note": note,
    }


def decided_event(participant: Participant) -> dict[str, Any]:
    return {
        "type": "topic.application.decided",
        "conversation": participant.conversation_id,
        "participant_id": participant.pk,
        "status": participant.status,
    }


def proposed_event(conversation: Conversation) -> dict[str, Any]:
    return {"type": "topic.proposed", "conversation": conversation_out(conversation)}


def rejected_event(conversation: Conversation, reason: str) -> dict[str, Any]:
    return {
        "type": "topic.rejected",
        "conversation": conversation.pk,
        "title": conversation.title,
        "reason": reason,
    }


# --- Reads ----------------------------------------------------------------------------
def _community_for(user: User, community_id: int) -> tuple[Place, frozenset[str]]:
    """A community ``user`` may view, with their standing there; NotFound otherwise."""
    community = Place.objects.filter(pk=community_id, kind__in=COMMUNITY_KINDS).first()
    held = standing(user, community) if community is not None else frozenset()
    if community is None or not held & RULES[Action.VIEW_COMMUNITY]:
        raise NotFound()
    return community, held


def topic_for(user: User, conversation_id: int) -> TopicAccess:
    """A topic group ``user`` may see; NotFound whether missing or forbidden.

    Approved groups are public to the community; a proposal only to the committee and
    its proposer; members keep seeing their group even after moving away.
    """
    conversation = (
        Conversation.objects.select_related("place")
        .filter(pk=conversation_id, kind=Conversation.Kind.TOPIC)
        .first()
    )
    if conversation is None:
        raise NotFound()
    held = standing(user, conversation.place)
    participant = Participant.objects.filter(conversation=conversation, user=user).first()
    access = TopicAccess(conversation, bool(held & RULES[Action.MODERATE_COMMUNITY]), participant)
    viewer = bool(held & RULES[Action.VIEW_COMMUNITY])
    if not (access.staff or access.member or (conversation.approved and viewer)):
        raise NotFound()
    return access


def topic_list(user: User, community_id: int) -> QuerySet[Conversation]:
    """The community's topic groups with member counts and my own status, in one query."""
    community, held = _community_for(user, community_id)
    mine = Participant.objects.filter(conversation=OuterRef("pk"), user=user)
    topics = Conversation.objects.filter(place=community, kind=Conversation.Kind.TOPIC)
    if not held & RULES[Action.MODERATE_COMMUNITY]:
        my_groups = Participant.objects.filter(user=user, status=ACTIVE).values("conversation_id")
        topics = topics.filter(Q(approved=True) | Q(pk__in=my_groups))
    return topics.annotate(
        member_count=Count("participants", filter=Q(participants__status=ACTIVE)),
        my_status=Subquery(mine.values("status")[:1]),
        my_role=Subquery(mine.values("role")[:1]),
    ).order_by("approved", "title", "pk")


def topic_members(user: User, conversation_id: int) -> list[Participant]:
    """Who is in a group: shown to its members and the committee only."""
    access = topic_for(user, conversation_id)
    if not (access.member or access.staff):
        raise Forbidden(_("Only members of the group see who is in it."), code="members_only")
    return list(
        Participant.objects.filter(conversation=access.conversation, status=ACTIVE)
        .select_related("user")
        .order_by("role", "joined_at", "pk")  # "admin" sorts before "member"
    )


def topic_applications(user: User, conversation_id: int) -> list[Participant]:
    access = topic_for(user, conversation_id)
    if not access.admin:
        raise Forbidden(_("Only the group's admins see its applications."), code="not_admin")
    return list(
        Participant.objects.filter(conversation=access.conversation, status=PENDING)
        .select_related("user")
        .order_by("joined_at", "pk")
    )


# --- Writes --------------------------------------------------------------------------
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
    community, held = _community_for(actor, community_id)
    staff = bool(held & RULES[Action.MODERATE_COMMUNITY])
    if not staff and RESIDENT not in held:
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
            publish(user_group(actor.pk), joined_event(conversation))
        else:
            publish(community_staff_feed(community.pk), proposed_event(conversation))
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
        {
            "type": "topic.proposal.decided",
            "conversation_id": conversation.pk,
            "approved": approved,
        },
    )
    claims.settle(
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
            publish(user_group(user_id), joined_event(conversation))
    return conversation


def topic_group_reject(*, actor: User, conversation_id: int, reason: str) -> None:
    """Refuse a proposal: it is deleted, and its proposer is told why."""
    errors: dict[str, str] = {}
    reason = _text(reason, "reason", errors, low=1, high=REASON_MAX)
    _check(errors)
    with transaction.atomic():
        conversation = _proposal_for_staff(actor, conversation_id)
        event = rejected_event(conversation, reason)
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
            event = application_event(participant, note)
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
        publish(user_group(row.user_id), decided_event(row))
        publish(community_staff_feed(community.pk), decided_event(row))
        claims.settle(community_id=community.pk, kind=TargetKind.TOPIC_APPLICATION, item_id=row.pk)
        if approve:
            publish(user_group(row.user_id), joined_event(row.conversation))
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
            publish(user_group(user.pk), left_event(row.conversation))


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
        publish(user_group(row.user_id), left_event(access.conversation))
