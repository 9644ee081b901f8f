"""The wire shapes of moderation objects (HTTP and live alike); each built here, once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from communities.shapes import person_out

from .models import AuditAction, AuditEntry, Report, Restriction, WordFilter


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def restriction_out(restriction: Restriction) -> dict[str, Any]:
    community = restriction.community
    return {
        "id": restriction.pk,
        "kind": restriction.kind,
        "community": {"id": community.pk, "name": community.name},
        "conversation": restriction.conversation_id,
        "user": person_out(restriction.user),
        "reason": restriction.reason,
        "until": _when(restriction.until),
        "created_by": person_out(restriction.created_by),
        "created_at": _when(restriction.created_at),
        "lifted_at": _when(restriction.lifted_at),
    }


def report_out(
    report: Report, *, reasons: dict[str, int], conversation: int | None, post: int | None
) -> dict[str, Any]:
    """``reasons``: how many reporters gave each reason; ``conversation`` / ``post``: where
    the front end opens the item (``selectors.report_shapes`` works them out)."""
    return {
        "id": report.pk,
        "community": report.community_id,
        "target_kind": report.target_kind,
        "target_id": report.target_id,
        "target_author": person_out(report.target_author),
        "excerpt": report.excerpt,
        "count": report.count,
        "reasons": reasons,
        "status": report.status,
        "first_at": _when(report.first_at),
        "last_at": _when(report.last_at),
        "decided_by": person_out(report.decided_by) if report.decided_by else None,
        "decision_note": report.decision_note,
        "conversation": conversation,
        "post": post,
    }


def word_filter_out(word_filter: WordFilter | None) -> dict[str, Any]:
    if word_filter is None:
        return {"enabled": False, "words": [], "updated_at": None, "updated_by": None}
    return {
        "enabled": word_filter.enabled,
        "words": list(word_filter.words),
        "updated_at": _when(word_filter.updated_at),
        "updated_by": person_out(word_filter.updated_by) if word_filter.updated_by else None,
    }


def audit_out(entry: AuditEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "actor": person_out(entry.actor),
        "action": entry.action,
        "action_label": str(AuditAction(entry.action).label),
        "target_kind": entry.target_kind,
        "target_id": entry.target_id,
        "subject": person_out(entry.subject) if entry.subject else None,
        "reason": entry.reason,
        "before": entry.before,
        "after": entry.after,
        "at": _when(entry.at),
    }
