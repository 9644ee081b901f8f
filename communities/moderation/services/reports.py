"""Residents' reports: opening and counting them, dismissing them, and marking them
acted on when their item is hidden or removed (chat and the boards send
``content_moderated``; moderation/apps.py connects ``content_moderated`` below)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from chat import moderation as chat_moderation
from communities import throttle
from communities.boards import moderation as board_moderation
from communities.errors import Conflict, Invalid, NotFound
from communities.models import Place, User
from communities.moderation import audit, events
from communities.moderation.audit import clean_reason
from communities.moderation.models import AuditAction, Report, ReportEntry, ReportReason, TargetKind
from communities.moderation.selectors import open_report_of, report_shape
from communities.rules import RULES, Action, gatekeeping, standing
from realtime.feeds import publish
from realtime.groups import community_staff_feed

EXCERPT_MAX = 200
REPORTABLE = (TargetKind.MESSAGE, TargetKind.POST, TargetKind.COMMENT)
# Reports per person: every new one reaches each open console of the committee.
REPORT_RATE = "20/600"


# --- Reports acted on -----------------------------------------------------------------------
def content_moderated(
    sender: Any, *, target_kind: str, target_id: int, actor: User, note: str = "", **kwargs: Any
) -> None:
    """An item was hidden or removed (``communities.signals.content_moderated``, inside the
    action's transaction): its open report was acted on (live to the committee)."""
    report = open_report_of(target_kind, target_id)
    if report is None:
        return
    updated = Report.objects.filter(pk=report.pk, status=Report.Status.OPEN).update(
        status=Report.Status.ACTIONED,
        decided_by=actor,
        decided_at=timezone.now(),
        decision_note=note[:200],
    )
    if updated:
        report.refresh_from_db()
        publish(
            community_staff_feed(report.community_id), events.report_updated(report_shape(report))
        )


# --- Reports --------------------------------------------------------------------------------
def _excerpt(*parts: str) -> str:
    text = " ".join(" ".join(part.split()) for part in parts if part)
    return text if len(text) <= EXCERPT_MAX else text[: EXCERPT_MAX - 1] + "…"


def _reported(reporter: User, target_kind: str, target_id: int) -> tuple[Place, User, str]:
    """The community, author and excerpt of an item ``reporter`` can read; else 404."""
    if target_kind == TargetKind.MESSAGE:
        community, author, text = chat_moderation.reported_message(reporter, target_id)
    elif target_kind == TargetKind.POST:
        community, author, text = board_moderation.reported_post(reporter, target_id)
    else:
        community, author, text = board_moderation.reported_comment(reporter, target_id)
    return community, author, _excerpt(text)


def report_create(
    *, reporter: User, target_kind: str, target_id: int, reason: str, note: str = ""
) -> tuple[Report, bool]:
    """Report a message, post or comment. The first report opens the item's report; other
    people's add to its count; the same person again changes nothing (created=False)."""
    if target_kind not in REPORTABLE:
        message = _("Choose a message, post or comment.")
        raise Invalid(message, errors={"target_kind": message})
    if reason not in ReportReason.values:
        message = _("Choose a reason.")
        raise Invalid(message, errors={"reason": message})
    note = note.strip() if isinstance(note, str) else ""
    if len(note) > 200:
        message = _("At most %(n)d characters.") % {"n": 200}
        raise Invalid(message, errors={"note": message})
    community, author, excerpt = _reported(reporter, target_kind, target_id)
    if author.pk == reporter.pk:
        raise Invalid(_("You cannot report your own content."), code="own_content")
    throttle.hit("report", str(reporter.pk), REPORT_RATE)
    for attempt in range(2):
        try:
            return _report_add(
                reporter, community, author, excerpt, target_kind, target_id, reason, note
            )
        except IntegrityError:
            if attempt:  # a second race in a row: let it surface
                raise
    raise AssertionError("unreachable")


def _report_add(
    reporter: User,
    community: Place,
    author: User,
    excerpt: str,
    target_kind: str,
    target_id: int,
    reason: str,
    note: str,
) -> tuple[Report, bool]:
    with transaction.atomic():
        report = (
            Report.objects.select_for_update()
            .filter(target_kind=target_kind, target_id=target_id, status=Report.Status.OPEN)
            .first()
        )
        if (
            report is not None
            and ReportEntry.objects.filter(report=report, reporter=reporter).exists()
        ):
            return report, False
        now = timezone.now()
        if report is None:
            report = Report.objects.create(
                community=community,
                target_kind=target_kind,
                target_id=target_id,
                target_author=author,
                excerpt=excerpt,
                first_at=now,
                last_at=now,
            )
            ReportEntry.objects.create(
                report=report, reporter=reporter, reason=reason, note=note, at=now
            )
            make_event = events.report_opened
        else:
            ReportEntry.objects.create(
                report=report, reporter=reporter, reason=reason, note=note, at=now
            )
            Report.objects.filter(pk=report.pk).update(count=F("count") + 1, last_at=now)
            report.refresh_from_db()
            make_event = events.report_updated
        publish(community_staff_feed(community.pk), make_event(report_shape(report)))
    return report, True


def report_dismiss(*, actor: User, report_id: int, note: str = "") -> Report:
    """Decide that a reported item stays (with a note for the committee)."""
    note = clean_reason(note, required=False)
    report = (
        Report.objects.select_related("community", "target_author").filter(pk=report_id).first()
        if isinstance(report_id, int)
        else None
    )
    if report is None or not standing(actor, report.community) & RULES[Action.MODERATE_COMMUNITY]:
        raise NotFound()
    gatekeeping.require_may_decide(actor, report.community, TargetKind.REPORT, report.pk)
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if locked.status != Report.Status.OPEN:
            raise Conflict(_("This report has already been decided."), code="already_decided")
        report.status = Report.Status.DISMISSED
        report.decided_by, report.decided_at, report.decision_note = actor, timezone.now(), note
        report.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        audit.record(
            actor=actor,
            community=report.community,
            action=AuditAction.DISMISS,
            target_kind=TargetKind.REPORT,
            target_id=report.pk,
            subject=report.target_author,
            reason=note,
            before={"status": Report.Status.OPEN},
            after={"status": Report.Status.DISMISSED},
        )
        publish(
            community_staff_feed(report.community_id), events.report_updated(report_shape(report))
        )
    return report
