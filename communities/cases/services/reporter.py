"""What the reporter does with a resolved case: confirm and rate it (which closes it) or
reopen it once; and the nightly close of resolved cases nobody answered."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from communities.errors import Conflict, Forbidden, Invalid
from communities.models import User

from .. import deadlines, figures, live
from ..models import Case, Entry
from .common import clean_text, locked, now, require_status, save
from .timeline import entry_write

# A resolved case nobody confirms closes after this long.
UNANSWERED = timedelta(days=7)


def _reporter(actor: User, case_id: int) -> Case:
    case, access = locked(actor, case_id)
    if not access.reporter:
        raise Forbidden(_("Only the person who reported it may do this."), code="not_reporter")
    return case


def case_rate(*, actor: User, case_id: int, rating: int, body: str = "") -> Case:
    """The reporter confirms the case resolved and rates it 1–5: it is closed."""
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        message = _("Rate it from 1 to 5.")
        raise Invalid(message, code="bad_rating", errors={"rating": message})
    text = clean_text(body, field="body", required=False, limit=500)
    with transaction.atomic():
        case = _reporter(actor, case_id)
        require_status(case, Case.Status.RESOLVED)
        at = now()
        case.status = Case.Status.CLOSED
        case.rating = rating
        case.closed_at = at
        save(case, at)
        figures.record(case, "rated", at, rating=rating)
        figures.record(case, "closed", at)
        entry_write(case, Entry.Kind.CLOSED, actor=actor, body=text, rating=rating)
        live.case_changed(case)
    return case


def case_reopen(*, actor: User, case_id: int, reason: str) -> Case:
    """Not solved after all: back to in progress at the unit that resolved it, once."""
    why = clean_text(reason, field="reason", required=True, limit=500)
    with transaction.atomic():
        case = _reporter(actor, case_id)
        require_status(case, Case.Status.RESOLVED)
        if case.reopened >= 1:
            raise Conflict(_("A case can be reopened only once."), code="already_reopened")
        at = now()
        case.status = Case.Status.IN_PROGRESS
        case.reopened += 1
        deadlines.reopened(case, at)
        figures.record(case, "reopened", at)
        save(case, at)
        entry_write(case, Entry.Kind.REOPENED, actor=actor, body=why)
        live.case_changed(case, queue_action="added")
    return case


def close_unanswered(at: datetime) -> int:
    """Close every case resolved at least seven days before ``at`` that its reporter has
    neither rated nor reopened (the task worker's nightly sweep); returns how many."""
    due = list(
        Case.objects.filter(
            status=Case.Status.RESOLVED, resolved_at__lte=at - UNANSWERED
        ).values_list("pk", flat=True)
    )
    closed = 0
    for pk in due:
        with transaction.atomic():
            case = Case.objects.select_for_update().filter(pk=pk).first()
            # Rated or reopened (and maybe resolved again) since the list was read.
            if case is None or case.status != Case.Status.RESOLVED:
                continue
            last = Entry.objects.filter(case=case, kind=Entry.Kind.RESOLVED).order_by("-id").first()
            if last is not None and last.created_at > at - UNANSWERED:
                continue
            case.status = Case.Status.CLOSED
            case.closed_at = at
            save(case, at)
            figures.record(case, "closed", at)
            entry_write(case, Entry.Kind.AUTO_CLOSED, public=True)
            live.case_changed(case)
            closed += 1
    return closed
