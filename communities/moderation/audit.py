"""Writing the audit log: every moderation action and every decision on a waiting item
calls ``record`` inside its transaction, with the reason ``clean_reason`` checked.

With ``settle`` and the models, this is the part of moderation the other apps write to
(chat and the boards record their own moderation actions); the rest of moderation sits
above them (docs/architecture.md).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from communities.errors import Invalid
from communities.models import Place, User

from .models import AuditEntry

REASON_MAX = 200


def clean_reason(reason: object, *, required: bool) -> str:
    """A moderator's reason: required for hiding, removing, muting, suspending, revoking."""
    text = reason.strip() if isinstance(reason, str) else ""
    if required and not text:
        message = _("Please give a reason.")
        raise Invalid(message, errors={"reason": message})
    if len(text) > REASON_MAX:
        message = _("At most %(n)d characters.") % {"n": REASON_MAX}
        raise Invalid(message, errors={"reason": message})
    return text


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
