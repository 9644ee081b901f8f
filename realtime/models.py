"""The event log that makes resume possible."""

from __future__ import annotations

from django.db import models


class Event(models.Model):
    """Every persisted event, in one monotonically increasing sequence.

    Written in the same transaction as the change it reports; after commit it is
    published to its ``stream`` (a channel-layer group name). A client that was away
    sends the last id it saw and gets every later event of its streams from here.
    """

    stream = models.CharField(max_length=64)
    type = models.CharField(max_length=40)
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["stream", "id"], name="event_stream_id")]

    def __str__(self) -> str:
        return f"{self.pk} {self.stream} {self.type}"
