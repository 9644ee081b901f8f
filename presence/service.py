"""Presence as the rest of the server sees it: up, down, refresh, who is online.

Changes are gathered per conversation for PRESENCE_BATCH seconds and sent as one frame,
so a thousand neighbours coming online at 8 a.m. cost an estate group a handful of
frames, not a thousand. People who hide their status are never announced or listed.
"""

from __future__ import annotations

import asyncio
import weakref
from datetime import UTC, datetime

from channels.db import database_sync_to_async
from django.conf import settings

from chat.feeds import send_now
from chat.groups import conversation_group
from chat.models import ChatSettings

from .store import get_store


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


async def connection_up(user_id: int, connection: str, conversations: set[int]) -> None:
    if await get_store().up(user_id, connection) and not await _hidden([user_id]):
        batcher().add(conversations, user_id, online=True)


async def connection_down(user_id: int, connection: str, conversations: set[int]) -> None:
    if await get_store().down(user_id, connection) and not await _hidden([user_id]):
        batcher().add(conversations, user_id, online=False)


async def connection_refresh(user_id: int, connection: str) -> None:
    await get_store().refresh(user_id, connection)


async def online_among(user_ids: list[int]) -> set[int]:
    online = await get_store().online_among(user_ids)
    return online - await _hidden(sorted(online)) if online else online


async def last_seen(user_id: int) -> datetime | None:
    if await _hidden([user_id]):
        return None
    seen = await get_store().last_seen(user_id)
    return datetime.fromtimestamp(seen, tz=UTC) if seen is not None else None
