"""Timed work on cases, run by the task worker (``manage.py db_worker``): each deadline's
amber and red checks, and the nightly close of resolved cases nobody answered.

``communities.cases.deadlines`` queues two ``check_deadline`` runs for every deadline (at its
amber moment and at the deadline itself) once the writing transaction commits. A check
carries the ``deadline_version`` it was queued for: if the case moved on since (answered,
escalated, resolved …), the deadline it was queued for no longer stands and it does nothing.
A worker that was down runs the checks late, in order; a late amber check of a deadline
already passed flags it red, and the red check after it finds nothing left to do.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django_tasks import task

from communities.daily import NIGHT, daily

from . import deadlines, figures, live
from .models import Case, Entry
from .services import reporter, timeline

# The statuses a deadline runs in: once resolved, the reporter's confirmation is awaited
# (closed after 7 days by ``close_unanswered``), not the unit's.
WATCHED = frozenset({Case.Status.SUBMITTED, Case.Status.ACCEPTED, Case.Status.IN_PROGRESS})


def _due_text(case: Case, due: datetime) -> str:
    shown = formats.date_format(timezone.localtime(due), "Y-m-d H:i")
    if case.tier_responded_at is None:
        return _("Respond by %(due)s.") % {"due": shown}
    return _("Resolve by %(due)s.") % {"due": shown}


@task()
def check_deadline(case_id: int, version: int) -> str:
    """Flag the case amber in the last 20 % of its current deadline, red once it passed;
    what it did ("amber", "red", or why nothing)."""
    now = timezone.now()
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None:
            return "gone"
        if case.deadline_version != version or case.status not in WATCHED:
            return "moved on"
        due = deadlines.current_deadline(case)
        if due is None:
            return "no deadline"
        if now >= due:
            if case.flag == Case.Flag.RED:
                return "red already"
            first = not case.overdue
            case.flag = Case.Flag.RED
            case.overdue = True
            case.save(update_fields=["flag", "overdue"])
            if first:
                figures.record(case, "overdue", now)
            kind, body = Entry.Kind.BREACHED, _("The deadline passed. %(due)s")
        else:
            if case.flag != Case.Flag.NONE:
                return "flagged already"
            case.flag = Case.Flag.AMBER
            case.save(update_fields=["flag"])
            kind, body = Entry.Kind.AMBER, _("The deadline is near. %(due)s")
        timeline.entry_write(case, kind, public=False, body=body % {"due": _due_text(case, due)})
        live.case_changed(case)
        live.case_flagged(case)
    return str(case.flag)


def _enqueue(case_id: int, version: int, moment: datetime) -> object:
    return check_deadline.using(run_after=moment).enqueue(case_id, version)


deadlines.checked_by(_enqueue)


@daily(at=NIGHT)
def close_unanswered() -> int:
    """Close the cases resolved 7 days ago or more that their reporters never confirmed;
    how many were closed."""
    return reporter.close_unanswered(timezone.now())
