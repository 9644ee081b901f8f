"""Reads of the event log: what a socket missed, and where the log stands."""

from __future__ import annotations

import asyncio
import weakref

from channels.db import database_sync_to_async

from .models import Event


def events_after(streams: list[str], after: int, *, limit: int) -> list[Event]:
    """Persisted events of ``streams`` with ids above ``after``, oldest first."""
    return list(Event.objects.filter(stream__in=streams, pk__gt=after).order_by("id")[:limit])


def last_event_id() -> int:
    last = Event.objects.order_by("-id").values_list("id", flat=True).first()
    return int(last or 0)


class NewestId:
    """The newest event id, read once for every socket of this loop that asks while a read
    is on its way: each waits for a read that starts after it asked (so after its joins),
    and a reconnect storm costs a query per batch instead of one per socket."""

    __slots__ = ("waiting", "task")

    def __init__(self) -> None:
        self.waiting: list[asyncio.Future[int]] = []
        self.task: asyncio.Task[None] | None = None

    async def run(self) -> None:
        while self.waiting:
            batch, self.waiting = self.waiting, []
            try:
                last = await database_sync_to_async(last_event_id)()
            except Exception as exc:
                for waiter in batch:
                    if not waiter.done():
                        waiter.set_exception(exc)
                continue
            for waiter in batch:
                if not waiter.done():
                    waiter.set_result(last)


_newest: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, NewestId] = (
    weakref.WeakKeyDictionary()
)


async def newest_event_id() -> int:
    loop = asyncio.get_running_loop()
    reader = _newest.get(loop)
    if reader is None:
        reader = _newest[loop] = NewestId()
    waiter: asyncio.Future[int] = loop.create_future()
    reader.waiting.append(waiter)
    if reader.task is None or reader.task.done():
        reader.task = loop.create_task(reader.run())
    return await waiter
