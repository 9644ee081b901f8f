"""Presence as the rest of the server sees it: up, down, refresh, who is online.

Changes are gathered per conversation for PRESENCE_BATCH seconds and sent as one frame,
so a thousand neighbours coming online at 8 a.m. cost an estate group a handful of
frames, not a thousand. People who hide their status are never announced or listed.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from datetime import UTC, datetime

from channels.db import database_sync_to_async
from django.conf import settings

from chat.models import ChatSettings
from realtime.feeds import send_now
from realtime.groups import conversation_group

from .store import Change, get_store

logger = logging.getLogger("shequtong.presence")


class Batcher:
    """Pending presence changes of one event loop, flushed together."""

    def __init__(self) -> None:
        self.pending: dict[int, dict[int, bool]] = {}
        self.flush_task: asyncio.Task[None] | None = None

    def add(self, conversations: set[int], user_id: int, online: bool) -> None:
        for conversation in conversations:
            self.pending.setdefault(conversation, {})[user_id] = online
        if self.flush_task is None or self.flush_task.done():
            self.flush_task = asyncio.create_task(self.flush_later())

    async def flush_later(self) -> None:
        await asyncio.sleep(settings.PRESENCE_BATCH)
        await self.flush()

    async def flush(self) -> None:
        pending, self.pending = self.pending, {}
        for conversation, changes in pending.items():
            await send_now(
                conversation_group(conversation),
                {
                    "type": "presence.changed",
                    "conversation": conversation,
                    "online": sorted(pk for pk, up in changes.items() if up),
                    "offline": sorted(pk for pk, up in changes.items() if not up),
                },
            )


class Refresher:
    """Keeps every connection of this process online with one batched refresh per period,
    instead of a timer per socket."""

    def __init__(self) -> None:
        self.connections: dict[str, int] = {}
        # Whether the person hid their status when the connection came up (so going down
        # announces the same way, without asking the database again).
        self.hidden: dict[str, bool] = {}
        self.task: asyncio.Task[None] | None = None

    def add(self, user_id: int, connection: str) -> None:
        self.connections[connection] = user_id
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self.run())

    def remove(self, connection: str) -> bool | None:
        """Stop refreshing ``connection``; whether it came up hidden (None: not known)."""
        self.connections.pop(connection, None)
        return self.hidden.pop(connection, None)

    async def run(self) -> None:
        while self.connections:
            await asyncio.sleep(settings.PRESENCE_REFRESH)
            pairs = [(user_id, conn) for conn, user_id in self.connections.items()]
            try:
                await get_store().refresh_many(pairs)
            except Exception:
                logger.warning("presence refresh failed", exc_info=True)


class Changes:
    """The ups and downs of this loop's connections, sent to the store together: what
    arrives while one batch is on its way goes in the next, so a reconnect storm costs a
    round trip per batch, not one per socket (and a quiet server one per change)."""

    def __init__(self) -> None:
        self.queued: list[tuple[Change, asyncio.Future[bool]]] = []
        self.task: asyncio.Task[None] | None = None

    def submit(self, change: Change) -> asyncio.Future[bool]:
        done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self.queued.append((change, done))
        if self.task is None or self.task.done():
            # Its first step runs after the other sockets woken in this step of the loop
            # have queued theirs.
            self.task = asyncio.create_task(self.run())
        return done

    async def run(self) -> None:
        while self.queued:
            batch, self.queued = self.queued, []
            try:
                results = await get_store().apply([change for change, _ in batch])
            except Exception as exc:  # each caller says presence is unavailable
                for _, done in batch:
                    if not done.done():
                        done.set_exception(exc)
                continue
            for (_, done), result in zip(batch, results, strict=True):
                if not done.done():
                    done.set_result(result)


_changes: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Changes] = (
    weakref.WeakKeyDictionary()
)


def changes() -> Changes:
    loop = asyncio.get_running_loop()
    found = _changes.get(loop)
    if found is None:
        found = _changes[loop] = Changes()
    return found


_refreshers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Refresher] = (
    weakref.WeakKeyDictionary()
)


def refresher() -> Refresher:
    loop = asyncio.get_running_loop()
    if loop not in _refreshers:
        _refreshers[loop] = Refresher()
    return _refreshers[loop]


_batchers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Batcher] = (
    weakref.WeakKeyDictionary()
)


def batcher() -> Batcher:
    loop = asyncio.get_running_loop()
    if loop not in _batchers:
        _batchers[loop] = Batcher()
    return _batchers[loop]


@database_sync_to_async
def _hidden(user_ids: list[int]) -> set[int]:
    return set(
        ChatSettings.objects.filter(user_id__in=user_ids, hide_presence=True).values_list(
            "user_id", flat=True
        )
    )


async def connection_up(
    user_id: int, connection: str, conversations: set[int], *, hidden: bool | None = None
) -> None:
    """A socket opened; it stays online while this process refreshes it."""
    refresher().add(user_id, connection)
    try:
        came_online = await changes().submit((True, user_id, connection))
    except Exception:
        logger.warning("presence unavailable", exc_info=True)
        return
    if hidden is None:
        hidden = bool(await _hidden([user_id]))
    refresher().hidden[connection] = hidden
    if came_online and not hidden:
        batcher().add(conversations, user_id, online=True)


async def connection_down(
    user_id: int, connection: str, conversations: set[int], *, hidden: bool | None = None
) -> None:
    known = refresher().remove(connection)
    hidden = known if hidden is None else hidden
    try:
        went_offline = await changes().submit((False, user_id, connection))
    except Exception:
        logger.warning("presence unavailable", exc_info=True)
        return
    if hidden is None:
        hidden = bool(await _hidden([user_id]))
    if went_offline and not hidden:
        batcher().add(conversations, user_id, online=False)


async def online_among(user_ids: list[int]) -> set[int]:
    online = await get_store().online_among(user_ids)
    return online - await _hidden(sorted(online)) if online else online


async def last_seen(user_id: int) -> datetime | None:
    if await _hidden([user_id]):
        return None
    seen = await get_store().last_seen(user_id)
    return datetime.fromtimestamp(seen, tz=UTC) if seen is not None else None


async def visibility(user_id: int, connection: str, visible: bool) -> None:
    """Whether the page of this connection is in view (never announced to anyone)."""
    try:
        await get_store().set_visible(user_id, connection, visible)
    except Exception:
        logger.warning("presence unavailable", exc_info=True)


async def visible_among(user_ids: list[int]) -> set[int]:
    """Who of ``user_ids`` has a page of the app open and in view."""
    return await get_store().visible_among(user_ids)
