"""Reads for notifications: a person's settings, their devices, and who of some people
may be pushed for a kind of thing right now."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time

from django.db.models import Count
from django.utils import timezone

from communities.models import User

from .models import Delivery, Kind, NotificationSettings, PushSubscription

PREFERENCES = (
    *("direct", "mention", "reply", "urgent", "callout", "decision", "letter", "cases"),
    "digest",
)


def settings_of(user: User) -> NotificationSettings:
    """My settings; the defaults (unsaved) until I change one."""
    return NotificationSettings.objects.filter(user=user).first() or NotificationSettings(user=user)


def subscriptions_of(user: User) -> list[PushSubscription]:
    return list(PushSubscription.objects.filter(user=user).order_by("-created_at"))


def _quiet(row: NotificationSettings, now: time) -> bool:
    start, end = row.quiet_start, row.quiet_end
    if start is None or end is None or start == end:
        return False
    return start <= now < end if start < end else (now >= start or now < end)


def _wants(row: NotificationSettings, kind: str, now: time, conversation: int | None) -> bool:
    if not getattr(row, kind, True):  # switched off (the digest is off unless switched on)
        return False
    if kind != Kind.URGENT and _quiet(row, now):
        return False
    return conversation is None or conversation not in (row.muted_conversations or [])


def wanting(
    user_ids: Iterable[int],
    kind: str,
    *,
    conversation: int | None = None,
    at: datetime | None = None,
) -> set[int]:
    """Who of ``user_ids`` wants to be pushed for ``kind`` now: they did not switch it off,
    it is not their quiet hours (urgent notices and clearing aside), and the conversation
    is not one they muted. One query for the settings of all of them."""
    ids = set(user_ids)
    if not ids or kind == Kind.CLEAR:
        return ids
    now = timezone.localtime(at or timezone.now()).time()
    rows = {row.user_id: row for row in NotificationSettings.objects.filter(user_id__in=ids)}
    return {
        pk
        for pk in ids
        if _wants(rows.get(pk) or NotificationSettings(user_id=pk), kind, now, conversation)
    }


def delivery_counts() -> dict[str, int]:
    """How many pushes stand in each state (sent, waiting to retry, failed, expired)."""
    rows = Delivery.objects.values("status").annotate(n=Count("pk")).order_by()
    return {row["status"]: row["n"] for row in rows}
