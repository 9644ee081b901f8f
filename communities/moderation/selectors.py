"""Reads for moderation: my mutes and suspensions, a group's mutes and a community's
suspensions, reports with their reasons, the word filter's settings, the audit log.

The rules these read by (who oversees a community, the refusal a restriction causes,
the word filter itself) are ``communities.rules.moderation`` and ``.words``."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.utils.translation import gettext as _

from chat import moderation as chat_moderation
from communities.boards import moderation as board_moderation
from communities.errors import Invalid
from communities.models import User
from communities.rules.moderation import active_restrictions, overseen_community, staff_community

from .models import (
    AuditAction,
    AuditEntry,
    Report,
    ReportEntry,
    Restriction,
    TargetKind,
    WordFilter,
)
from .shapes import report_out

AUDIT_PAGE = 50
AUDIT_MAX = 100


# --- Mutes and suspensions ---
def restrictions_of(user: User) -> list[Restriction]:
    """My active mutes and suspensions, soonest ending first (for the composer's banner)."""
    return list(active_restrictions().filter(user=user).order_by("until", "id"))


# --- Reports --------------------------------------------------------------------------------
def reasons_of(report_ids: list[int]) -> dict[int, dict[str, int]]:
    """How many reporters gave each reason, per report: one query."""
    counts: dict[int, Counter[str]] = {pk: Counter() for pk in report_ids}
    rows = ReportEntry.objects.filter(report_id__in=report_ids).values_list("report_id", "reason")
    for report_id, reason in rows:
        counts[report_id][reason] += 1
    return {pk: dict(counter) for pk, counter in counts.items()}


def _where(reports: list[Report]) -> dict[int, tuple[int | None, int | None]]:
    """(conversation, post) to open each reported item at: a query per kind present."""
    ids: dict[str, list[int]] = {}
    for report in reports:
        ids.setdefault(report.target_kind, []).append(report.target_id)
    conversations = chat_moderation.conversations_of_messages(ids.get(TargetKind.MESSAGE, []))
    posts = board_moderation.posts_of_comments(ids.get(TargetKind.COMMENT, []))
    where: dict[int, tuple[int | None, int | None]] = {}
    for report in reports:
        if report.target_kind == TargetKind.MESSAGE:
            where[report.pk] = (conversations.get(report.target_id), None)
        elif report.target_kind == TargetKind.COMMENT:
            where[report.pk] = (None, posts.get(report.target_id))
        else:
            where[report.pk] = (None, report.target_id)
    return where


def report_shapes(reports: list[Report]) -> list[dict[str, Any]]:
    """ReportOut of each report, in a fixed number of queries however many."""
    reasons = reasons_of([report.pk for report in reports])
    where = _where(reports)
    return [
        report_out(
            report,
            reasons=reasons[report.pk],
            conversation=where[report.pk][0],
            post=where[report.pk][1],
        )
        for report in reports
    ]


def report_shape(report: Report) -> dict[str, Any]:
    return report_shapes([report])[0]


REPORT_STATUSES = ("open", "actioned", "dismissed", "all")


def reports_of(user: User, community_id: int, *, status: str = "open") -> list[Report]:
    """A community's reports, most recently reported first (staff and supervisors)."""
    community = overseen_community(user, community_id)
    if status not in REPORT_STATUSES:
        raise Invalid(errors={"status": _("Choose open, actioned, dismissed or all.")})
    queryset = Report.objects.filter(community=community).select_related(
        "target_author", "decided_by"
    )
    if status != "all":
        queryset = queryset.filter(status=status)
    return list(queryset.order_by("-last_at", "-id")[:200])


def open_report_of(target_kind: str, target_id: int) -> Report | None:
    return Report.objects.filter(
        target_kind=target_kind, target_id=target_id, status=Report.Status.OPEN
    ).first()


# --- Word filter ----------------------------------------------------------------------------
def word_filter_of(user: User, community_id: int) -> WordFilter | None:
    """A community's word filter, for its staff (None when it has never had one)."""
    community = staff_community(user, community_id)
    return WordFilter.objects.filter(community=community).select_related("updated_by").first()


# --- Audit log ------------------------------------------------------------------------------
def audit_log(
    user: User,
    community_id: int,
    *,
    before_id: int | None = None,
    limit: int = AUDIT_PAGE,
    action: str | None = None,
    target_kind: str | None = None,
) -> list[AuditEntry]:
    """A community's audit entries, newest first (its staff and the supervisors above)."""
    community = overseen_community(user, community_id)
    if action and action not in AuditAction.values:
        raise Invalid(errors={"action": _("Unknown action.")})
    if target_kind and target_kind not in TargetKind.values:
        raise Invalid(errors={"target_kind": _("Unknown kind of item.")})
    queryset = AuditEntry.objects.filter(community=community).select_related("actor", "subject")
    if before_id is not None:
        queryset = queryset.filter(pk__lt=before_id)
    if action:
        queryset = queryset.filter(action=action)
    if target_kind:
        queryset = queryset.filter(target_kind=target_kind)
    return list(queryset.order_by("-id")[: max(1, min(limit, AUDIT_MAX))])


def mutes_of(user: User, conversation_id: int) -> list[Restriction]:
    """A group's active mutes, for its moderators."""
    conversation, _community = chat_moderation.moderated_conversation(user, conversation_id)
    return list(active_restrictions().filter(conversation=conversation).order_by("until", "id"))


def suspensions_of(user: User, community_id: int) -> list[Restriction]:
    """A community's active suspensions, for its staff and supervisors."""
    community = overseen_community(user, community_id)
    return list(
        active_restrictions()
        .filter(community=community, kind=Restriction.Kind.SUSPENSION)
        .order_by("until", "id")
    )
