"""The party branch's gatekeeping (把关): items only the party secretary may decide.

An item is gated when a committee member referred it to the secretary (a ``Gate`` row)
or by rule: a post waiting for review on the party-building board, or a party member's
report-in (报到) waiting for confirmation. A gated item is
decided by the community's party secretary or by someone they delegated to; everyone
else gets Forbidden with code ``gated``, whatever their other rights. The decide
services (join applications, post review, topic groups, reports) call
``require_may_decide`` before they write.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.errors import Conflict, Forbidden, Invalid, NotFound
from communities.models import Place, Role, RoleKind, User
from communities.rules import Action, can, standing
from communities.rules.gatekeeping import DELEGATE_HOLDERS, gate_of
from communities.rules.moderation import staff_community
from communities.shapes import person_out
from realtime.feeds import publish
from realtime.groups import community_staff_feed

from . import audit
from .models import AuditAction, Delegation, Gate, TargetKind


def gate_out(gate: Gate | None) -> dict[str, Any]:
    """How an item's gate shows in the console."""
    if gate is None:
        return {"gated": False, "gate_note": "", "gated_by": None}
    return {
        "gated": True,
        "gate_note": gate.note,
        "gated_by": person_out(gate.referred_by) if gate.referred_by else None,
    }


def gate_refer(
    *, actor: User, community: Place, target_kind: str, target_id: int, note: str = ""
) -> Gate:
    """A committee member refers an item of ``community`` to the party secretary.

    The caller has checked that the item belongs to ``community`` (the console does).
    """
    if not can(actor, Action.MODERATE_COMMUNITY, community):
        raise NotFound()
    if target_kind not in TargetKind.values:
        raise Invalid(_("Unknown kind of item."), code="bad_kind")
    note = (note or "").strip()
    if len(note) > 200:
        message = _("A note may have at most %(n)d characters.") % {"n": 200}
        raise Invalid(message, errors={"note": message})
    if gate_of(target_kind, target_id) is not None:
        raise Conflict(_("This item already waits for the party secretary."), code="already_gated")
    try:
        with transaction.atomic():
            gate = Gate.objects.create(
                community=community,
                target_kind=target_kind,
                target_id=target_id,
                referred_by=actor,
                note=note,
            )
            audit.record(
                actor=actor,
                community=community,
                action=AuditAction.REFER,
                target_kind=target_kind,
                target_id=target_id,
                reason=note,
                after={"gated": True},
            )
            publish(community_staff_feed(community.pk), gated_event(gate))
    except IntegrityError:
        raise Conflict(
            _("This item already waits for the party secretary."), code="already_gated"
        ) from None
    return gate


def gated_event(gate: Gate) -> dict[str, Any]:
    """To the committee's consoles: an item now needs the secretary's decision."""
    return {
        "type": "console.gated",
        "kind": gate.target_kind,
        "item_id": gate.target_id,
        **gate_out(gate),
    }


# --- Delegation -------------------------------------------------------------------------
def delegations_event(community_id: int) -> dict[str, Any]:
    """To the committee's consoles: who may decide gated items changed (reload them)."""
    return {"type": "console.delegations", "community": community_id}


def delegation_out(delegation: Delegation) -> dict[str, Any]:
    return {
        "id": delegation.pk,
        "community": delegation.community_id,
        "secretary": person_out(delegation.secretary),
        "delegate": person_out(delegation.delegate),
        "created_at": delegation.created_at.isoformat(),
    }


def delegations_of(user: User, community_id: int) -> list[Delegation]:
    """The active delegations of a community, for its staff."""
    community = staff_community(user, community_id)
    return list(
        Delegation.objects.filter(community=community, ended_at__isnull=True)
        .select_related("secretary", "delegate")
        .order_by("id")
    )


def _secretary_of(actor: User, community_id: int) -> Place:
    community = staff_community(actor, community_id)
    if not Role.objects.filter(user=actor, kind=RoleKind.PARTY_SECRETARY, place=community).exists():
        raise Forbidden(
            _("Only the party secretary can delegate gatekeeping."), code="not_secretary"
        )
    return community


def delegate(*, actor: User, community_id: int, user_id: int) -> Delegation:
    """The party secretary lets ``user_id`` decide the community's gated items."""
    community = _secretary_of(actor, community_id)
    person = (
        User.objects.filter(pk=user_id, is_active=True).first()
        if isinstance(user_id, int)
        else None
    )
    if person is None or person.pk == actor.pk:
        message = _("Choose someone else who works for the community or its party branch.")
        raise Invalid(message, errors={"user_id": message})
    if not standing(person, community) & DELEGATE_HOLDERS:
        message = _("Gatekeeping can only be delegated to staff or party members of the community.")
        raise Invalid(message, errors={"user_id": message})
    try:
        with transaction.atomic():
            delegation = Delegation.objects.create(
                community=community, secretary=actor, delegate=person
            )
            audit.record(
                actor=actor,
                community=community,
                action=AuditAction.DELEGATE,
                target_kind=TargetKind.DELEGATION,
                target_id=delegation.pk,
                subject=person,
                after={"delegate": person.pk},
            )
            publish(community_staff_feed(community.pk), delegations_event(community.pk))
    except IntegrityError:
        raise Conflict(
            _("This person already decides for you."), code="already_delegated"
        ) from None
    return delegation


def undelegate(*, actor: User, community_id: int, delegation_id: int) -> Delegation:
    """The party secretary ends an active delegation of their community; NotFound for a
    delegation that is not an active one of ``community_id``."""
    delegation = (
        Delegation.objects.select_related("community", "delegate")
        .filter(pk=delegation_id, community_id=community_id, ended_at__isnull=True)
        .first()
        if isinstance(delegation_id, int)
        else None
    )
    if delegation is None:
        raise NotFound()
    _secretary_of(actor, delegation.community_id)
    with transaction.atomic():
        delegation.ended_at = timezone.now()
        delegation.save(update_fields=["ended_at"])
        audit.record(
            actor=actor,
            community=delegation.community,
            action=AuditAction.UNDELEGATE,
            target_kind=TargetKind.DELEGATION,
            target_id=delegation.pk,
            subject=delegation.delegate,
            before={"delegate": delegation.delegate_id},
        )
        publish(
            community_staff_feed(delegation.community_id),
            delegations_event(delegation.community_id),
        )
    return delegation
