"""Writing the audit log: every moderation action calls ``record`` inside its transaction."""

from __future__ import annotations

from typing import Any

from communities.models import Place, User

from .models import AuditEntry


def record(
    *,
    actor: User,
    community: Place,
    action: str,
    target_kind: str,
    target_id: int,
    subject: User | None = None,
    reason: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry: who did what to what, why, and the state before and after."""
    return AuditEntry.objects.create(
        actor=actor,
        community=community,
        action=action,
        target_kind=target_kind,
        target_id=target_id,
        subject=subject,
        reason=reason[:500],
        before=before or {},
        after=after or {},
    )
