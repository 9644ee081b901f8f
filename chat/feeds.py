"""The one way events leave the server: after the transaction that caused them commits."""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger("shequtong.feeds")

Event = dict[str, Any]


def _send(group: str, event: Event) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, event)
    except Exception:
        # The database is the record; a lost push is repaired by the client's resume.
        logger.exception("could not publish %s to %s", event.get("type"), group)


def announce(group: str, event: Event) -> None:
    """Publish ``event`` to ``group`` once the current transaction commits."""
    transaction.on_commit(lambda: _send(group, event), robust=True)
