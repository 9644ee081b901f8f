"""Writes of the committee's side of joining: approving or rejecting an application, and
taking a resident out of an estate."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from realtime.feeds import publish
from realtime.groups import community_staff_feed, user_group

from .. import events, signals
from ..errors import Conflict, Invalid, NotFound
from ..models import AwayMembership, JoinApplication, Membership, User
from ..moderation import audit
from ..moderation.models import AuditAction, TargetKind
from ..moderation.settle import settle
from ..rules import Action, can, community_of, gatekeeping
from ..selectors import application_for


def _decide(*, actor: User, application_id: int, status: str, reason: str = "") -> JoinApplication:
    application_for(actor, application_id, Action.DECIDE_APPLICATIONS)
    with transaction.atomic():
        application = (
            JoinApplication.objects.select_for_update()
            .select_related("estate")
            .get(pk=application_id)
        )
        if application.status != JoinApplication.Status.PENDING:
            raise Conflict(
                _("This application has already been handled (%(status)s).")
                % {"status": application.get_status_display()},
                code="not_pending",
            )
        community = application.estate.parent
        assert community is not None  # an estate always has its community
        gatekeeping.require_may_decide(actor, community, TargetKind.APPLICATION, application.pk)
        application.status = status
        application.reason = reason
        application.decided_at = timezone.now()
        application.decided_by = actor
        application.save(update_fields=["status", "reason", "decided_at", "decided_by"])
        audit.record(
            actor=actor,
            community=community,
            action=(
                AuditAction.APPROVE
                if status == JoinApplication.Status.APPROVED
                else AuditAction.REJECT
            ),
            target_kind=TargetKind.APPLICATION,
            target_id=application.pk,
            subject=application.applicant,
            reason=reason,
            before={"status": JoinApplication.Status.PENDING},
            after={"status": status},
        )
        if status == JoinApplication.Status.APPROVED and application.living_away:
            # A villager living elsewhere follows the village; they are no estate's resident.
            village_id = application.estate.parent_id
            assert village_id is not None  # an estate always has its community
            AwayMembership.objects.filter(
                user_id=application.applicant_id,
                village_id=village_id,
                status=AwayMembership.Status.ACTIVE,
            ).update(status=AwayMembership.Status.REVOKED)
            AwayMembership.objects.create(
                user_id=application.applicant_id, village_id=village_id, application=application
            )
        elif status == JoinApplication.Status.APPROVED:
            Membership.objects.filter(
                user_id=application.applicant_id,
                estate=application.estate,
                status=Membership.Status.ACTIVE,
            ).update(status=Membership.Status.REVOKED)
            membership = Membership.objects.create(
                user_id=application.applicant_id,
                estate=application.estate,
                building=application.building,
                unit=application.unit,
                room=application.room,
                application=application,
            )
            signals.membership_approved.send(sender=Membership, membership=membership)
        event = events.application_decided(application)
        publish(user_group(application.applicant_id), event)
        publish(community_staff_feed(community.pk), event)
        settle(community_id=community.pk, kind=TargetKind.APPLICATION, item_id=application.pk)
    return application


def application_approve(*, actor: User, application_id: int) -> JoinApplication:
    """Approve: the applicant becomes a member of the estate and its community (or, living
    away, an away member of the village: its notices and hometown board, no estate group)."""
    return _decide(
        actor=actor, application_id=application_id, status=JoinApplication.Status.APPROVED
    )


def application_reject(*, actor: User, application_id: int, reason: str) -> JoinApplication:
    """Reject with a reason the applicant will see."""
    reason = (reason or "").strip()
    if not reason:
        message = _("Give the applicant a reason.")
        raise Invalid(message, errors={"reason": message})
    if len(reason) > 200:
        message = _("At most %(n)d characters.") % {"n": 200}
        raise Invalid(message, errors={"reason": message})
    return _decide(
        actor=actor,
        application_id=application_id,
        status=JoinApplication.Status.REJECTED,
        reason=reason,
    )


def membership_revoke(*, actor: User, membership_id: int, reason: str) -> Membership:
    """The committee takes a resident out of an estate (and its group, at once)."""
    reason = (reason or "").strip()
    if not reason:
        message = _("Give the resident a reason.")
        raise Invalid(message, errors={"reason": message})
    membership = (
        Membership.objects.select_related("estate")
        .filter(pk=membership_id, status=Membership.Status.ACTIVE)
        .first()
    )
    if membership is None or not can(actor, Action.MODERATE_COMMUNITY, membership.estate):
        raise NotFound()
    with transaction.atomic():
        membership.status = Membership.Status.REVOKED
        membership.save(update_fields=["status"])
        audit.record(
            actor=actor,
            community=community_of(membership.estate),
            action=AuditAction.REVOKE,
            target_kind=TargetKind.MEMBERSHIP,
            target_id=membership.pk,
            subject=membership.user,
            reason=reason,
            before={"status": Membership.Status.ACTIVE, "estate": membership.estate_id},
            after={"status": Membership.Status.REVOKED, "estate": membership.estate_id},
        )
        publish(user_group(membership.user_id), events.membership_changed(membership, reason))
    return membership
