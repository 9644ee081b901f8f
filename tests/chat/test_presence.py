"""Presence: who is online, last seen, hidden status, batching, no ghosts."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from chat.models import ChatSettings
from presence.store import MemoryStore
from tests.chat.ws import ready
from tests.conftest import World

pytestmark = pytest.mark.django_db(transaction=True)


async def test_changes_to_a_group_are_batched_into_one_frame(
    neighbours: World, estate_chat: int, settings: Any
) -> None:
    settings.PRESENCE_BATCH = 2.0
    wang = await ready(neighbours.wang_fang)
    zhao = await ready(neighbours.zhao_lei)
    li_wei = await ready(neighbours.li_wei)
    changed = await wang.receive_type("presence.changed", within=5)
    assert changed["conversation"] == estate_chat
    assert set(changed["online"]) == {
        neighbours.wang_fang.pk,
        neighbours.zhao_lei.pk,
        neighbours.li_wei.pk,
    }
    await zhao.close()
    await li_wei.close()
    gone = await wang.receive_type("presence.changed", within=5)
    assert set(gone["offline"]) == {neighbours.zhao_lei.pk, neighbours.li_wei.pk}
    await wang.close()


async def test_several_tabs_count_as_one_person(neighbours: World, estate_chat: int) -> None:
    wang = await ready(neighbours.wang_fang)
    tab_one = await ready(neighbours.zhao_lei)
    tab_two = await ready(neighbours.zhao_lei)
    await tab_one.close()
    online = await wang.request({"op": "presence", "conversation": estate_chat})
    assert neighbours.zhao_lei.pk in online["online"]  # the other tab is still open
    await tab_two.close()
    online = await wang.request({"op": "presence", "conversation": estate_chat})
    assert neighbours.zhao_lei.pk not in online["online"]
    await wang.close()


async def test_last_seen_for_neighbours_only_and_not_when_hidden(neighbours: World) -> None:
    zhao = await ready(neighbours.zhao_lei)
    await zhao.close()
    wang = await ready(neighbours.wang_fang)
    seen = await wang.request({"op": "last_seen", "user": neighbours.zhao_lei.pk})
    assert seen["online"] is False
    assert seen["last_seen"] is not None
    chen = await ready(neighbours.chen_jie)
    refused = await chen.request({"op": "last_seen", "user": neighbours.zhao_lei.pk})
    assert refused["code"] == "not_found"
    await sync_to_async(ChatSettings.objects.create)(user=neighbours.zhao_lei, hide_presence=True)
    hidden = await wang.request({"op": "last_seen", "user": neighbours.zhao_lei.pk})
    assert hidden["last_seen"] is None
    await wang.close()
    await chen.close()


async def test_an_unrefreshed_connection_expires_so_a_crash_leaves_no_ghost(
    settings: Any,
) -> None:
    settings.PRESENCE_TTL = 0.2
    store = MemoryStore()
    await store.up(7, "conn-of-a-process-that-then-crashed")
    assert await store.online_among([7]) == {7}
    await asyncio.sleep(0.3)  # the expiry itself is what is tested
    assert await store.online_among([7]) == set()


async def test_redis_store_expires_connections_too(settings: Any) -> None:
    import socket

    from presence.store import RedisStore

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("needs Redis on 127.0.0.1:6379 (CI always has it)")
    settings.PRESENCE_TTL = 0.3
    store = RedisStore(
        settings.REDIS_URL or "redis://127.0.0.1:6379/0", f"{settings.REDIS_PREFIX}-ghost"
    )
    assert await store.up(8, "a") is True
    assert await store.up(8, "b") is False  # a second tab: already online
    assert await store.down(8, "a") is False
    assert await store.online_among([8, 9]) == {8}
    await asyncio.sleep(0.4)  # the expiry itself is what is tested
    assert await store.online_among([8]) == set()
    await store.redis.aclose()


async def test_this_process_keeps_its_connections_alive_past_the_ttl(
    neighbours: World, settings: Any
) -> None:
    from presence import service

    settings.PRESENCE_TTL = 0.4
    settings.PRESENCE_REFRESH = 0.1
    user = neighbours.wang_fang.pk
    await service.connection_up(user, "tab-1", set())
    await asyncio.sleep(1.0)  # outlive the TTL more than twice: only refreshes keep it
    assert await service.online_among([user]) == {user}
    await service.connection_down(user, "tab-1", set())
    assert await service.online_among([user]) == set()
