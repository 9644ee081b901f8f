"""Turning plans into pushes: one delivery per device of each person who wants it now,
sent, and recorded; expired devices removed; failures queued for a retry."""

from __future__ import annotations

import logging
from datetime import timedelta

from asgiref.sync import async_to_sync
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from presence import service as presence

from . import sender
from .kinds import Plan
from .models import Delivery, Kind, PushSubscription
from .selectors import wanting

logger = logging.getLogger("shequtong.notifications")


# Never pushed while the person has a visible tab open: they see it there already.
SEEN_ON_SCREEN = frozenset({Kind.DIRECT, Kind.MENTION, Kind.REPLY, Kind.LETTER, Kind.URGENT})


def backoff(attempts: int) -> timedelta:
    """How long to wait before the next try: 30 s, 2 min, 8 min, 32 min …"""
    return timedelta(seconds=30 * 4 ** max(0, attempts - 1))


def _visible(user_ids: set[int]) -> set[int]:
    """People with a tab of the app open and visible (presence, in Redis: the worker is
    another process; the embedded set-up's in-process presence cannot be seen here)."""
    if not user_ids or not settings.REDIS_URL:
        return set()

    try:
        return async_to_sync(presence.visible_among)(sorted(user_ids))
    except Exception:
        logger.warning("presence unavailable; pushing as if no tab were open", exc_info=True)
        return set()


def deliveries_for(plans: list[Plan]) -> list[Delivery]:
    """The new deliveries of ``plans``: one per device of each person who wants it now; a
    device already told about the same thing (``Plan.key``) is not told again."""
    made: list[Delivery] = []
    for plan in plans:
        users = wanting(plan.users, plan.kind, conversation=plan.conversation)
        if plan.kind in SEEN_ON_SCREEN:
            users -= _visible(users)
        if not users:
            continue
        payload = plan.payload()
        rows = [
            Delivery(subscription=subscription, key=plan.key, kind=plan.kind, payload=payload)
            for subscription in PushSubscription.objects.filter(user_id__in=users)
        ]
        with transaction.atomic():
            Delivery.objects.bulk_create(rows, ignore_conflicts=True)
        made.extend(
            Delivery.objects.filter(
                key=plan.key,
                subscription__user_id__in=users,
                status=Delivery.Status.QUEUED,
                attempts=0,
            ).select_related("subscription")
        )
    return made


def deliver(deliveries: list[Delivery]) -> tuple[list[int], timedelta]:
    """Send ``deliveries`` and record how each went; expired subscriptions are removed.
    Returns the deliveries that failed but may be tried again (until
    ``PUSH_MAX_ATTEMPTS``), and how long to wait before that (``backoff``)."""
    live = [d for d in deliveries if d.subscription is not None]
    pushes = [
        sender.Push(
            d.subscription.endpoint,
            d.subscription.p256dh,
            d.subscription.auth,
            d.payload,
            urgent=d.kind in (Kind.URGENT, Kind.DIRECT, Kind.CALLOUT),
        )
        for d in live
        if d.subscription is not None
    ]
    outcomes = sender.send(pushes)
    now = timezone.now()
    retry: list[int] = []
    ok: list[int] = []
    failing: list[int] = []
    gone: set[int] = set()
    for delivery, outcome in zip(live, outcomes, strict=True):
        subscription = delivery.subscription
        assert subscription is not None
        delivery.attempts += 1
        if outcome.ok:
            delivery.status, delivery.sent_at, delivery.last_error = Delivery.Status.SENT, now, ""
            ok.append(subscription.pk)
        elif outcome.gone:
            delivery.status, delivery.last_error = Delivery.Status.GONE, outcome.error
            gone.add(subscription.pk)
        else:
            final = delivery.attempts >= settings.PUSH_MAX_ATTEMPTS
            delivery.status = Delivery.Status.FAILED if final else Delivery.Status.RETRY
            delivery.last_error = outcome.error
            failing.append(subscription.pk)
            if not final:
                retry.append(delivery.pk)
    # A few statements for a whole batch: an urgent notice is thousands of deliveries.
    with transaction.atomic():
        Delivery.objects.bulk_update(
            live, ["status", "attempts", "sent_at", "last_error"], batch_size=1000
        )
        PushSubscription.objects.filter(pk__in=ok).update(last_success_at=now, failures=0)
        PushSubscription.objects.filter(pk__in=failing).update(failures=F("failures") + 1)
        if gone:
            # The deliveries stay (subscription set null), so expired devices are counted.
            PushSubscription.objects.filter(pk__in=gone).delete()
    attempts = max((d.attempts for d in live if d.pk in retry), default=1)
    return retry, backoff(attempts)
