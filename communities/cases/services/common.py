"""What every case service starts from: the case locked for the change, the writer's part
in it, the state checks, clean text."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from communities.errors import Conflict, Forbidden, Invalid, NotFound
from communities.models import User
from communities.rules.cases import ACTIVE, CaseAccess

from ..models import Case, Tier

BODY_MAX = 2000


def now() -> datetime:
    return timezone.now()


def clean_text(value: object, *, field: str, required: bool, limit: int = BODY_MAX) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        message = _("Please write something.")
        raise Invalid(message, errors={field: message})
    if len(text) > limit:
        message = _("At most %(n)d characters.") % {"n": limit}
        raise Invalid(message, errors={field: message})
    return text


def locked(actor: User, case_id: object) -> tuple[Case, CaseAccess]:
    """The case, locked until the transaction ends, and ``actor``'s part in it; NotFound
    whether it is missing or not theirs to see. Call inside ``transaction.atomic``."""
    case = (
        Case.objects.select_for_update().filter(pk=case_id).first()
        if isinstance(case_id, int) and not isinstance(case_id, bool)
        else None
    )
    if case is None:
        raise NotFound()
    access = CaseAccess.of(actor, case)
    if not access.sees:
        raise NotFound()
    return case, access


def require_handler(access: CaseAccess) -> None:
    """Only the unit holding the case acts on it (supervisors and residents read)."""
    if not access.handles:
        if access.read_only:
            raise Forbidden(
                _("Supervisors follow a case and may urge it; they do not handle it."),
                code="read_only",
            )
        raise Forbidden(_("Only the unit handling this case may do this."), code="not_handler")


def require_status(case: Case, *statuses: str) -> None:
    if case.status not in statuses:
        if case.status not in ACTIVE and case.status != Case.Status.RESOLVED:
            raise Conflict(_("This case is no longer open."), code="not_open")
        raise Conflict(_("The case's state does not allow this."), code="wrong_status")


def require_tier(case: Case, *tiers: str) -> None:
    if case.tier not in tiers:
        raise Conflict(_("The case is not at a tier where this can be done."), code="wrong_tier")


def save(case: Case, at: datetime) -> None:
    case.updated_at = at
    case.save()


def first_response(case: Case, at: datetime) -> None:
    """The first answer the case ever got: counted once (working minutes since raised)."""
    from .. import deadlines, figures

    if case.first_response_at is not None:
        return
    case.first_response_at = at
    case.response_minutes = deadlines.working_minutes(case.created_at, at)
    figures.record(case, "responded", at, minutes=case.response_minutes)


__all__ = ["ACTIVE", "Tier"]
