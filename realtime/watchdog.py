"""Notice when the channel layer may have lost messages, and catch every socket up.

With Redis pub/sub, a Redis restart or a dropped subscriber connection silently loses
what was published meanwhile (django/channels_redis#256), while every client's WebSocket
stays open — so no client will resume by itself. Each server process therefore sends a
probe through its own group every CHAT_PROBE_INTERVAL seconds and reads Redis's run_id. A
probe that does not come back, or a run_id that changed (a restart shorter than one probe
interval), means messages may have been lost; as soon as probes flow again, every socket of
the process replays from the database what it may have missed (clients drop duplicates by
id).

The replay starts from the checkpoint of the last probe that came back before the outage
(the newest event id the process had received then), not from what each socket was sent
last: an outage is noticed up to a probe interval late, and events that arrive once Redis is
back but before it is noticed would otherwise move a socket's point past the hole. From the
moment an outage is suspected until every socket was caught up, the hub holds what arrives
(``Hub.hold``): no client gets a live event from past the hole before the replay of it.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
import weakref
from typing import Any, Protocol

from channels.layers import get_channel_layer
from django.conf import settings

from .hub import hub

logger = logging.getLogger("shequtong.watchdog")


class CatchesUp(Protocol):
    async def catch_up(self, checkpoint: int) -> None: ...


class Watchdog:
    def __init__(self) -> None:
        self.sockets: weakref.WeakSet[Any] = weakref.WeakSet()
        self.group = f"probe.{uuid.uuid4().hex}"
        self.returned: asyncio.Queue[int] = asyncio.Queue()
        self.task: asyncio.Task[None] | None = None
        self.outages = 0
        # Every event up to this id had reached the process when a probe last came back.
        self.checkpoint = 0

    def watch(self, socket: CatchesUp, newest_id: int) -> None:
        """Catch ``socket`` up after outages; ``newest_id``: the newest event id when it
        began to follow its streams (what the checkpoint starts from)."""
        self.sockets.add(socket)
        if self.checkpoint == 0:
            self.checkpoint = newest_id
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self.run())
            self.task.add_done_callback(self.ended)

    @staticmethod
    def ended(task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            logger.error("watchdog stopped", exc_info=task.exception())

    async def run(self) -> None:
        layer = get_channel_layer()
        assert layer is not None
        logger.info("watching the channel layer every %ss", settings.CHAT_PROBE_INTERVAL)
        channel = await layer.new_channel()
        await layer.group_add(self.group, channel)
        listener = asyncio.create_task(self.listen(layer, channel))
        try:
            await self.probe_forever(layer)
        finally:
            listener.cancel()

    async def listen(self, layer: Any, channel: str) -> None:
        while True:
            message = await layer.receive(channel)
            self.returned.put_nowait(int(message.get("n", -1)))

    async def probe_forever(self, layer: Any) -> None:
        import redis.asyncio as redis

        client = redis.Redis.from_url(settings.REDIS_URL)
        run_id: str | None = None
        n = 0
        lost = False
        while True:
            n += 1
            try:
                info = await client.info("server")
                if run_id is not None and info.get("run_id") != run_id:
                    logger.warning("Redis restarted: messages may have been lost")
                    lost = True
                run_id = info.get("run_id")
                await layer.group_send(self.group, {"type": "probe", "n": n})
                came_back = await self.wait_for(n, settings.CHAT_PROBE_INTERVAL)
            except Exception:
                logger.warning("channel layer unreachable", exc_info=True)
                came_back = False
                await asyncio.sleep(settings.CHAT_PROBE_INTERVAL)
            if not came_back:
                if not lost:
                    logger.warning("channel layer probe lost: messages may have been lost")
                lost = True
                hub().hold()
                continue
            if lost:
                lost = False
                self.outages += 1
                logger.warning("channel layer back: catching up %d sockets", len(self.sockets))
                hub().hold()
                checkpoint = self.checkpoint
                try:
                    await asyncio.gather(
                        *(s.catch_up(checkpoint) for s in list(self.sockets)),
                        return_exceptions=True,
                    )
                finally:
                    hub().release()
            self.checkpoint = max(self.checkpoint, hub().newest_id)
            await asyncio.sleep(settings.CHAT_PROBE_INTERVAL)

    async def wait_for(self, n: int, within: float) -> bool:
        try:
            async with asyncio.timeout(within):
                while (await self.returned.get()) != n:
                    pass
        except TimeoutError:
            return False
        return True


_watchdogs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Watchdog] = (
    weakref.WeakKeyDictionary()
)


def watchdog() -> Watchdog:
    """The watchdog of the running event loop (one per server process)."""
    loop = asyncio.get_running_loop()
    if loop not in _watchdogs:
        _watchdogs[loop] = Watchdog()
    return _watchdogs[loop]
