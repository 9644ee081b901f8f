"""Moving a case between the tiers (问题分层处置): escalate (community → the street's
desk), assign (→ an office of the same street), refer (→ a department of the district),
hand off (→ the city grid platform, with its reference number), send back (one tier down).

A hop keeps the case's status (a submitted case escalated counts as answered), restarts
its deadlines at the new tier, writes one public timeline entry and one audit entry
(``before``/``after``: the tier and unit it left and reached, ``reason`` the why), and
moves it from one live queue to the other.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from communities.errors import Invalid
from communities.models import User
from communities.moderation import audit
from communities.moderation.models import AuditAction
from communities.moderation.models import TargetKind as AuditTarget

from .. import deadlines, live
from ..models import Case, Entry, Tier, Unit
from ..shapes import holder_name
from .common import (
    ACTIVE,
    clean_text,
    first_response,
    locked,
    now,
    require_handler,
    require_status,
    require_tier,
    save,
)
from .handling import settle_console
from .timeline import entry_write

REASON_MAX = 500


def _state(case: Case) -> dict[str, Any]:
    return {"tier": case.tier, "unit_id": case.unit_id, "unit": holder_name(case)}


def _desk(case: Case) -> Unit | None:
    return Unit.objects.filter(place_id=case.street_id, kind=Unit.Kind.STREET, active=True).first()


def _bad_unit(message: str) -> Invalid:
    return Invalid(message, code="bad_unit", errors={"unit_id": message})


def _hop(
    case: Case,
    *,
    actor: User,
    action: str,
    kind: str,
    tier: str,
    unit: Unit | None,
    reason: str,
    to_unit: str = "",
) -> None:
    """Move ``case`` (locked, checked) to ``tier``/``unit`` with every record of it."""
    at = now()
    before = _state(case)
    before_ref, before_streams = live.queue_ref(case), live.queue_streams(case)
    from_name = holder_name(case)
    was_community = case.tier == Tier.COMMUNITY
    case.tier = tier
    case.unit = unit
    first_response(case, at)
    deadlines.arrive(case, at)
    save(case, at)
    after = _state(case)
    entry_write(
        case,
        kind,
        actor=actor,
        body=reason,
        from_unit=from_name,
        to_unit=to_unit or after["unit"],
    )
    audit.record(
        actor=actor,
        community=case.community,
        action=action,
        target_kind=AuditTarget.CASE,
        target_id=case.pk,
        subject=case.reporter,
        reason=reason,
        before=before,
        after=after,
    )
    live.case_moved(case, before_ref=before_ref, before_streams=before_streams)
    if was_community:
        settle_console(case)


def case_escalate(*, actor: User, case_id: int, reason: str) -> Case:
    """The committee takes a case it cannot solve to its street's case desk."""
    why = clean_text(reason, field="reason", required=True, limit=REASON_MAX)
    with transaction.atomic():
        case, access = locked(actor, case_id)
        require_handler(access)
        require_status(case, *ACTIVE)
        require_tier(case, Tier.COMMUNITY)
        desk = _desk(case)
        if desk is None:
            raise _bad_unit(_("The street has no case desk to escalate to."))
        _hop(
            case,
            actor=actor,
            action=AuditAction.ESCALATE,
            kind=Entry.Kind.ESCALATED,
            tier=Tier.STREET,
            unit=desk,
            reason=why,
        )
    return case


def _street_unit(actor: User, case_id: int) -> tuple[Case, Any]:
    case, access = locked(actor, case_id)
    require_handler(access)
    require_status(case, *ACTIVE)
    require_tier(case, Tier.STREET)
    return case, access


def _route(
    *,
    actor: User,
    case_id: int,
    unit_id: int,
    reason: str,
    kind: str,
    entry: str,
    action: str,
    tier: str,
    refused: str,
) -> Case:
    """The street's desk gives a case to an active unit of ``kind`` (an office of the
    case's street, or a department of its district)."""
    with transaction.atomic():
        case, _access = _street_unit(actor, case_id)
        place_id = case.street_id if kind == Unit.Kind.OFFICE else case.district_id
        unit = Unit.objects.filter(pk=unit_id, kind=kind, place_id=place_id, active=True).first()
        if unit is None:
            raise _bad_unit(refused)
        _hop(case, actor=actor, action=action, kind=entry, tier=tier, unit=unit, reason=reason)
    return case


def case_assign(*, actor: User, case_id: int, unit_id: int, reason: str = "") -> Case:
    """The street's desk gives a case to one of the street's offices (科室)."""
    return _route(
        actor=actor,
        case_id=case_id,
        unit_id=unit_id,
        reason=clean_text(reason, field="reason", required=False, limit=REASON_MAX),
        kind=Unit.Kind.OFFICE,
        entry=Entry.Kind.ASSIGNED,
        action=AuditAction.ASSIGN,
        tier=Tier.OFFICE,
        refused=_("Choose one of the street's offices."),
    )


def case_refer(*, actor: User, case_id: int, unit_id: int, reason: str) -> Case:
    """The street's desk refers a case to a department of the district (职能部门)."""
    return _route(
        actor=actor,
        case_id=case_id,
        unit_id=unit_id,
        reason=clean_text(reason, field="reason", required=True, limit=REASON_MAX),
        kind=Unit.Kind.DEPARTMENT,
        entry=Entry.Kind.REFERRED,
        action=AuditAction.REFER_CASE,
        tier=Tier.DEPARTMENT,
        refused=_("Choose one of the district's departments."),
    )


def case_hand_off(*, actor: User, case_id: int, reference: str, reason: str = "") -> Case:
    """The street's desk hands a case to the city grid platform (网格化, "9+X"), noting the
    platform's reference number; it keeps entering the platform's updates."""
    ref = clean_text(reference, field="reference", required=True, limit=64)
    why = clean_text(reason, field="reason", required=False, limit=REASON_MAX)
    with transaction.atomic():
        case, _access = _street_unit(actor, case_id)
        case.grid_reference = ref
        _hop(
            case,
            actor=actor,
            action=AuditAction.HAND_OFF,
            kind=Entry.Kind.HANDED_OFF,
            tier=Tier.GRID,
            unit=case.unit,
            reason=why,
            to_unit=f"{_('city grid platform')} {ref}",
        )
    return case


def case_send_back(*, actor: User, case_id: int, reason: str) -> Case:
    """One tier down: an office, a department or the grid → the street's desk; the
    street → the community's committee."""
    why = clean_text(reason, field="reason", required=True, limit=REASON_MAX)
    with transaction.atomic():
        case, access = locked(actor, case_id)
        require_handler(access)
        require_status(case, *ACTIVE)
        require_tier(case, Tier.STREET, Tier.OFFICE, Tier.DEPARTMENT, Tier.GRID)
        if case.tier == Tier.STREET:
            tier, unit = Tier.COMMUNITY, None
        else:
            tier, unit = Tier.STREET, _desk(case)
            if unit is None:
                raise _bad_unit(_("The street has no case desk to send it back to."))
        _hop(
            case,
            actor=actor,
            action=AuditAction.SEND_BACK,
            kind=Entry.Kind.SENT_BACK,
            tier=tier,
            unit=unit,
            reason=why,
        )
    return case
