"""The one way events leave the server: recorded, then published after commit.

``publish`` appends the event to the event log (so a client that was away can resume
from it) and publishes it to its stream's group once the transaction commits.
``announce_ephemeral`` is for what is never replayed (typing, presence, live nudges).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Callable, Iterable
from typing import Any

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from .models import Event

logger = logging.getLogger("shequtong.feeds")

Frame = dict[str, Any]


def _send(group: str, frame: Frame) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    message = {"type": "deliver", "group": group, "frame": frame}
    loop = _serving_loop()
    if loop is not None:
        # A database thread of a server process, which every socket of the process shares:
        # hand the publish to the event loop instead of waiting for Redis here. Publishes
        # start in the order they were handed over (and the layer sends them in order).
        loop.call_soon_threadsafe(_publish_on_loop, layer, group, message)
        return
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception:
        # The database is the record; a lost push is repaired by the client's resume.
        logger.exception("could not publish %s to %s", frame.get("type"), group)


def _serving_loop() -> asyncio.AbstractEventLoop | None:
    """The running event loop this thread works for (asgiref's sync_to_async), if any."""
    local = SyncToAsync.threadlocal
    loop = getattr(local, "main_event_loop", None)
    if loop is None or getattr(local, "main_event_loop_pid", None) != os.getpid():
        return None
    if not loop.is_running() or loop.is_closed():
        return None
    with contextlib.suppress(RuntimeError):
        if asyncio.get_running_loop() is loop:  # called on the loop itself: not a worker
            return None
    return loop


_publishing: set[asyncio.Task[None]] = set()


def _publish_on_loop(layer: Any, group: str, message: dict[str, Any]) -> None:
    task = asyncio.ensure_future(layer.group_send(group, message))
    _publishing.add(task)
    task.add_done_callback(_published)


def _published(task: asyncio.Task[None]) -> None:
    _publishing.discard(task)
    if not task.cancelled() and task.exception() is not None:
        logger.error("could not publish to the channel layer", exc_info=task.exception())


Listener = Callable[[Frame], None]
# Event type → who else hears of each persisted event (``listen``).
_listeners: dict[str, list[Listener]] = {}


def listen(types: Iterable[str], listener: Listener) -> None:
    """Have ``listener(frame)`` called for every event of ``types`` as it is recorded,
    inside the writing transaction (so it may defer its own work with
    ``transaction.on_commit``). For apps that act on what clients are told, such as
    notifications; registered from an ``AppConfig.ready``."""
    for event_type in types:
        registered = _listeners.setdefault(event_type, [])
        if listener not in registered:
            registered.append(listener)


def publish(stream: str, event: dict[str, Any]) -> Frame:
    """Record ``event`` (a flat dict with a "type") on ``stream``; publish after commit.

    Returns the frame clients receive: ``{"type", "id", "stream", **rest}``.
    """
    payload = {key: value for key, value in event.items() if key != "type"}
    record = Event.objects.create(stream=stream, type=event["type"], payload=payload)
    frame = event_frame(record)
    transaction.on_commit(lambda: _send(stream, frame), robust=True)
    for listener in _listeners.get(record.type, ()):
        listener(frame)
    return frame


def publish_to(streams: list[str], event: dict[str, Any]) -> list[Frame]:
    """``publish`` one event on several streams (one record each: each stream resumes on
    its own). Clients that follow two of them see it twice, with two ids; frames are
    idempotent (they carry the object's id and state), so that is harmless."""
    return [publish(stream, event) for stream in dict.fromkeys(streams)]


def event_frame(event: Event) -> Frame:
    """The wire frame of a persisted event (the same live and on resume)."""
    return {"type": event.type, "id": event.pk, "stream": event.stream, **event.payload}


def announce_ephemeral(group: str, frame: Frame) -> None:
    """Publish a frame that is never replayed, after the transaction (if any) commits."""
    transaction.on_commit(lambda: _send(group, frame), robust=True)


async def send_now(group: str, frame: Frame) -> None:
    """From async code, publish a frame that is never replayed (typing, presence)."""
    layer = get_channel_layer()
    if layer is not None:
        await layer.group_send(group, {"type": "deliver", "group": group, "frame": frame})
