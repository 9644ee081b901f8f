"""Reads of the event log: what a socket missed, and where the log stands."""

from __future__ import annotations

from .models import Event


def events_after(streams: list[str], after: int, *, limit: int) -> list[Event]:
    """Persisted events of ``streams`` with ids above ``after``, oldest first."""
    return list(Event.objects.filter(stream__in=streams, pk__gt=after).order_by("id")[:limit])


def last_event_id() -> int:
    last = Event.objects.order_by("-id").values_list("id", flat=True).first()
    return int(last or 0)
