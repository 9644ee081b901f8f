"""The task worker's side (django-tasks, database backend; ``manage.py db_worker``): working
out and sending the pushes of an event, retrying failed ones, and the daily digest.

Nothing here runs inside a request or a socket: ``kinds.heard`` enqueues ``push_event``
after the writing transaction commits.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from communities.daily import daily
from realtime.feeds import event_frame
from realtime.models import Event

from . import digest
from .delivery import deliver, deliveries_for
from .kinds import plans_for
from .models import Delivery


def send(deliveries: list[Delivery]) -> int:
    """Send ``deliveries``, queue a retry of those that may succeed later; how many went."""
    retry, wait = deliver(deliveries)
    if retry:
        push_retry.using(run_after=timezone.now() + wait).enqueue(retry)
    return sum(1 for d in deliveries if d.status == Delivery.Status.SENT)


@task()
def push_event(event_id: int) -> int:
    """Work out and send the pushes one event asks for; how many were sent."""
    event = Event.objects.filter(pk=event_id).first()
    if event is None:
        return 0
    return send(deliveries_for(plans_for(event_frame(event))))


@task()
def push_retry(delivery_ids: list[int]) -> int:
    """Try the deliveries that failed again (their devices may have been offline)."""
    due = list(
        Delivery.objects.filter(
            pk__in=delivery_ids, status=Delivery.Status.RETRY, subscription__isnull=False
        ).select_related("subscription")
    )
    return send(due)


@daily(at=lambda: settings.DIGEST_HOUR)
def digest_send() -> int:
    """Today's digest to everyone who asked for it (the next day's is queued after it)."""
    plans, texted = digest.today()
    send(deliveries_for(plans))
    return len(plans) + texted
