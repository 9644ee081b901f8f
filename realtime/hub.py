"""The per-process hub: each group's message is received once and handed to local sockets.

Stock Channels gives every consumer its own channel-layer queue, receive task and
dispatch, so one message to a 5,000-member group costs 5,000 trips through the layer in
every process. Here each server process (event loop) holds one channel: it joins a group
in the layer when its first local socket needs it and leaves when its last one goes. A
group message arrives once, is prepared once per wire form (realtime/outbound.py) and each local
socket writes the shared form at once — no await, no task, no database, no per-recipient
dispatch; a socket whose client is behind keeps it in its bounded outbox instead, so a slow
socket never holds up the others.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from typing import Any, Protocol

from channels.layers import get_channel_layer

from .outbound import Outgoing

logger = logging.getLogger("shequtong.hub")

BATCH = 64  # group messages handled in one step of the event loop, at most
HELD_MAX = 20_000  # group messages held while an outage is caught up, at most


class Socket(Protocol):
    def push(self, out: Outgoing) -> None: ...


class Hub:
    def __init__(self) -> None:
        self.members: dict[str, set[Socket]] = {}
        # The newest event id that reached this process through the layer: the watchdog's
        # checkpoint of what was delivered before an outage.
        self.newest_id = 0
        # While the watchdog suspects the layer lost messages, what arrives waits here until
        # every socket was caught up: a live event past the hole reaching a client first
        # would move the client's resume point past what it never got.
        self.held: list[dict[str, Any]] | None = None
        self.channel: str | None = None
        self.task: asyncio.Task[None] | None = None
        self.lock = asyncio.Lock()

    async def _started(self) -> Any:
        layer = get_channel_layer()
        if self.channel is None:
            self.channel = await layer.new_channel()
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self.run(layer, self.channel))
        return layer

    async def join(self, socket: Socket, groups: set[str]) -> None:
        async with self.lock:
            layer = await self._started()
            for group in groups:
                members = self.members.get(group)
                if members is None:
                    # Joined in the layer first: a failed group_add (Redis down) must not
                    # leave an empty entry that later sockets would take for a joined group.
                    await layer.group_add(group, self.channel)
                    members = self.members[group] = set()
                members.add(socket)

    async def leave(self, socket: Socket, groups: set[str]) -> None:
        async with self.lock:
            layer = get_channel_layer()
            for group in groups:
                members = self.members.get(group)
                if members is None:
                    continue
                members.discard(socket)
                if not members:
                    del self.members[group]
                    await layer.group_discard(group, self.channel)

    async def run(self, layer: Any, channel: str) -> None:
        handled = 0
        while True:
            # Returns without suspending while messages are queued: a backlog is worked
            # through in one step of the loop, and each socket's frames of that step leave
            # in one write (realtime/outbound.py's Cork) — bounded by a yield every few messages.
            message = await layer.receive(channel)
            try:
                self.dispatch(message)
            except Exception:
                logger.exception("could not dispatch %s", message.get("type"))
            handled += 1
            if handled >= BATCH:
                handled = 0
                await asyncio.sleep(0)  # let the corked frames go and other tasks run

    def hold(self) -> None:
        if self.held is None:
            self.held = []

    def release(self) -> None:
        held, self.held = self.held, None
        for message in held or ():
            self.dispatch(message)

    def dispatch(self, message: dict[str, Any]) -> None:
        held = self.held
        if held is not None:
            if len(held) < HELD_MAX:
                held.append(message)
                return
            self.release()  # too long an outage to hold: the catch-up replays from the log
        event_id = message.get("frame", {}).get("id")
        if isinstance(event_id, int) and event_id > self.newest_id:
            self.newest_id = event_id
        sockets = self.members.get(message.get("group", ""))
        if not sockets:
            return
        out = Outgoing(message["frame"])  # each wire form built once, on first use
        for socket in tuple(sockets):
            socket.push(out)


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub] = weakref.WeakKeyDictionary()


def hub() -> Hub:
    """The hub of the running event loop (one per server process)."""
    loop = asyncio.get_running_loop()
    if loop not in _hubs:
        _hubs[loop] = Hub()
    return _hubs[loop]
