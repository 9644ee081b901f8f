"""What notifications hears: the listener ``apps.py`` registers with
``realtime.feeds.listen`` for every event type a push may come of (``kinds.PUSHED``)."""

from __future__ import annotations

from django.db import transaction

from .kinds import Frame, may_concern_devices
from .tasks import push_event


def heard(frame: Frame) -> None:
    """Inside the writing transaction: queue the push work for after the commit."""
    if not may_concern_devices(frame):
        return
    event_id = frame["id"]
    transaction.on_commit(lambda: push_event.enqueue(event_id), robust=True)
