"""Mutes (one group) and suspensions (a whole community), lifting them, and revoking
someone's memberships."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chat import moderation as chat_moderation
from communities.errors import Conflict, Forbidden, Invalid, NotFound
from communities.models import Membership, Place, User
from communities.moderation import audit, events
from communities.moderation.audit import clean_reason
from communities.moderation.models import AuditAction, Restriction, TargetKind
from communities.moderation.shapes import restriction_out
from communities.rules import RULES, Action, standing
from communities.rules.moderation import staff_community
from realtime.feeds import publish
from realtime.groups import user_group

MINUTES_MAX = 30 * 24 * 60


def _minutes(minutes: object) -> timedelta:
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 < minutes <= MINUTES_MAX:
        message = _("Choose from 1 minute to 30 days.")
        raise Invalid(message, errors={"minutes": message})
    return timedelta(minutes=minutes)


def _person(user_id: object) -> User:
    person = (
        User.objects.filter(pk=user_id, is_active=True).first()
        if isinstance(user_id, int) and not isinstance(user_id, bool)
        else None
    )
    if person is None:
        message = _("No such person here.")
        raise Invalid(message, code="not_member", errors={"user_id": message})
    return person


# --- Mutes and suspensions ------------------------------------------------------------------
def _restrict(
    *,
    actor: User,
    community: Place,
    person: User,
    kind: str,
    conversation: Any,  # a chat conversation (a mute), or None (a suspension)
    length: timedelta,
    reason: str,
) -> Restriction:
    """Replace the person's active restriction of this kind (and conversation) by a new one."""
    now = timezone.now()
    with transaction.atomic():
        previous = list(
            Restriction.objects.select_for_update().filter(
                kind=kind,
                community=community,
                conversation=conversation,
                user=person,
                lifted_at__isnull=True,
                until__gt=now,
            )
        )
        for old in previous:
            old.lifted_at, old.lifted_by = now, actor
            old.save(update_fields=["lifted_at", "lifted_by"])
        restriction = Restriction.objects.create(
            kind=kind,
            community=community,
            conversation=conversation,
            user=person,
            reason=reason,
            until=now + length,
            created_by=actor,
        )
        audit.record(
            actor=actor,
            community=community,
            action=AuditAction.MUTE if kind == Restriction.Kind.MUTE else AuditAction.SUSPEND,
            target_kind=TargetKind.CONVERSATION if conversation else TargetKind.USER,
            target_id=conversation.pk if conversation else person.pk,
            subject=person,
            reason=reason,
            before={"until": previous[-1].until.isoformat()} if previous else {},
            after={"until": restriction.until.isoformat(), "restriction": restriction.pk},
        )
        publish(user_group(person.pk), events.restriction_changed(restriction_out(restriction)))
    return restriction


def _cannot_restrict() -> Forbidden:
    return Forbidden(
        _("You cannot restrict yourself or the community's staff."), code="cannot_restrict"
    )


def member_mute(
    *, actor: User, conversation_id: int, user_id: int, minutes: int, reason: str
) -> Restriction:
    """Keep a member from posting in one group for a while (1 minute to 30 days)."""
    conversation, community = chat_moderation.moderated_conversation(actor, conversation_id)
    length = _minutes(minutes)
    reason = clean_reason(reason, required=True)
    person = _person(user_id)
    if person.pk == actor.pk or chat_moderation.moderates(person, conversation):
        raise _cannot_restrict()
    if not chat_moderation.is_member(conversation, person.pk):
        message = _("This person is not in the group.")
        raise Invalid(message, code="not_member", errors={"user_id": message})
    return _restrict(
        actor=actor,
        community=community,
        person=person,
        kind=Restriction.Kind.MUTE,
        conversation=conversation,
        length=length,
        reason=reason,
    )


def member_suspend(
    *, actor: User, community_id: int, user_id: int, minutes: int, reason: str
) -> Restriction:
    """Keep a member from posting anywhere in the community (groups, knocks, boards,
    comments) for a while; they see the reason and the end."""
    community = staff_community(actor, community_id)
    length = _minutes(minutes)
    reason = clean_reason(reason, required=True)
    person = _person(user_id)
    held = standing(person, community)
    if person.pk == actor.pk or held & RULES[Action.MODERATE_COMMUNITY]:
        raise _cannot_restrict()
    if not held & RULES[Action.VIEW_COMMUNITY]:
        message = _("This person is not a member of the community.")
        raise Invalid(message, code="not_member", errors={"user_id": message})
    return _restrict(
        actor=actor,
        community=community,
        person=person,
        kind=Restriction.Kind.SUSPENSION,
        conversation=None,
        length=length,
        reason=reason,
    )


def may_lift(user: User, restriction: Restriction) -> bool:
    """A mute: the conversation's moderators; a suspension: the community's staff."""
    if restriction.conversation is not None:
        return chat_moderation.moderates(user, restriction.conversation)
    return bool(standing(user, restriction.community) & RULES[Action.MODERATE_COMMUNITY])


def restriction_lift(*, actor: User, restriction_id: int) -> Restriction:
    restriction = (
        Restriction.objects.select_related("community", "conversation__place", "user", "created_by")
        .filter(pk=restriction_id)
        .first()
        if isinstance(restriction_id, int)
        else None
    )
    if restriction is None or not may_lift(actor, restriction):
        raise NotFound()
    with transaction.atomic():
        locked = Restriction.objects.select_for_update().get(pk=restriction.pk)
        if locked.lifted_at is not None or locked.until <= timezone.now():
            raise Conflict(_("This restriction has already ended."), code="not_active")
        restriction.lifted_at, restriction.lifted_by = timezone.now(), actor
        restriction.save(update_fields=["lifted_at", "lifted_by"])
        mute = restriction.kind == Restriction.Kind.MUTE
        audit.record(
            actor=actor,
            community=restriction.community,
            action=AuditAction.UNMUTE if mute else AuditAction.UNSUSPEND,
            target_kind=TargetKind.CONVERSATION if mute else TargetKind.USER,
            target_id=restriction.conversation_id if mute else restriction.user_id,  # type: ignore[arg-type]
            subject=restriction.user,
            before={"until": restriction.until.isoformat(), "restriction": restriction.pk},
            after={"lifted": True},
        )
        publish(
            user_group(restriction.user_id),
            events.restriction_changed(restriction_out(restriction)),
        )
    return restriction


# --- Revoking a membership ------------------------------------------------------------------
def member_revoke(*, actor: User, community_id: int, user_id: int, reason: str) -> list[Membership]:
    """Take a person out of every estate of the community (the console knows people, not
    memberships); one audit entry per membership."""
    from communities.services import membership_revoke

    community = staff_community(actor, community_id)
    reason = clean_reason(reason, required=True)
    person = _person(user_id)
    if person.pk == actor.pk:
        raise _cannot_restrict()
    memberships = list(
        Membership.objects.filter(
            user=person, estate__parent=community, status=Membership.Status.ACTIVE
        ).order_by("pk")
    )
    if not memberships:
        message = _("This person lives in none of the community's estates.")
        raise Invalid(message, code="not_member", errors={"user_id": message})
    with transaction.atomic():
        return [
            membership_revoke(actor=actor, membership_id=membership.pk, reason=reason)
            for membership in memberships
        ]
