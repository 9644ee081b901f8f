"""Accounts locked out after failed logins: django-axes records the failures (one
``AccessAttempt`` row per account, address and browser); these read and clear them.

Axes counts an account's failures within ``AXES_COOLOFF_TIME`` of the last one
(``AXES_LOCKOUT_PARAMETERS = ["username"]``); the same sums decide here, so what the
committee sees as locked is what axes refuses.
"""

from __future__ import annotations

from collections.abc import Iterable

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone


def lockout_remaining(username: str) -> int:
    """Seconds until ``username``'s lock-out lapses by itself; 0 when it is not locked."""
    now = timezone.now()
    found = AccessAttempt.objects.filter(
        username=username, attempt_time__gte=now - settings.AXES_COOLOFF_TIME
    ).aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    if (found["failures"] or 0) < settings.AXES_FAILURE_LIMIT:
        return 0
    return max(1, int((found["last"] + settings.AXES_COOLOFF_TIME - now).total_seconds()))


def locked_usernames(usernames: Iterable[str]) -> set[str]:
    """Which of ``usernames`` are locked out now, in one query."""
    wanted = {name for name in usernames if name}
    if not wanted:
        return set()
    rows = (
        AccessAttempt.objects.filter(
            username__in=wanted,
            attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME,
        )
        .values("username")
        .annotate(failures=Sum("failures_since_start"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .values_list("username", flat=True)
    )
    return set(rows)


def lockout_clear(username: str) -> int:
    """Forget ``username``'s failed logins (the lock-out ends); returns the rows removed."""
    removed, _ = AccessAttempt.objects.filter(username=username).delete()
    return removed
