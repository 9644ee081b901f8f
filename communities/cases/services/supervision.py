"""Supervision (督办): a street or district supervisor urges a case with a note; the unit
holding it answers in the timeline. Both entries are internal."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from communities.errors import Conflict, Forbidden, Invalid
from communities.models import User
from communities.moderation import audit
from communities.moderation.models import AuditAction, TargetKind

from .. import deadlines, live
from ..models import Entry, Urge
from ..shapes import holder_name
from .common import ACTIVE, clean_text, locked, now, require_handler, require_status, save
from .timeline import entry_write


def case_urge(*, actor: User, case_id: int, note: str) -> Urge:
    text = clean_text(note, field="note", required=True, limit=500)
    with transaction.atomic():
        case, access = locked(actor, case_id)
        if not access.supervisor:
            raise Forbidden(
                _("Only the supervisors above the case may urge it."), code="not_supervisor"
            )
        require_status(case, *ACTIVE)
        at = now()
        item = entry_write(
            case,
            Entry.Kind.URGED,
            actor=actor,
            public=False,
            body=text,
            to_unit=holder_name(case),
        )
        urge = Urge.objects.create(
            case=case, supervisor=actor, note=text, entry=item, created_at=at
        )
        case.open_urges += 1
        save(case, at)
        audit.record(
            actor=actor,
            community=case.community,
            action=AuditAction.URGE,
            target_kind=TargetKind.CASE,
            target_id=case.pk,
            subject=case.reporter,
            reason=text,
            before={"tier": case.tier, "unit_id": case.unit_id},
            after={"urge_id": urge.pk},
        )
        live.case_changed(case)
    return urge


def urge_answer(*, actor: User, case_id: int, urge_id: int, body: str) -> Entry:
    text = clean_text(body, field="body", required=True)
    with transaction.atomic():
        case, access = locked(actor, case_id)
        require_handler(access)
        urge = (
            Urge.objects.select_for_update().filter(pk=urge_id, case=case).first()
            if isinstance(urge_id, int) and not isinstance(urge_id, bool)
            else None
        )
        if urge is None:
            message = _("No such urge on this case.")
            raise Invalid(message, code="bad_urge", errors={"urge_id": message})
        if urge.answered_at is not None:
            raise Conflict(_("This urge has already been answered."), code="already_answered")
        at = now()
        item = entry_write(
            case,
            Entry.Kind.URGE_ANSWERED,
            actor=actor,
            public=False,
            body=text,
            from_unit=holder_name(case),
            answers=urge.entry,
        )
        urge.answered_at = at
        urge.answer = item
        urge.save(update_fields=["answered_at", "answer"])
        case.open_urges = max(0, case.open_urges - 1)
        deadlines.responded(case, at)
        save(case, at)
        live.case_changed(case)
    return item
