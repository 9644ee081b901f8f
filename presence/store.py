"""Where presence lives: Redis with expiry in production, this process in the embedded set-up.

A person is online while at least one of their connections has been refreshed within
PRESENCE_TTL seconds. Connections are refreshed by the server process holding them, so a
crashed process leaves no ghost: its connections simply expire.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from typing import Protocol

from django.conf import settings


class PresenceStore(Protocol):
    async def up(self, user_id: int, connection: str) -> bool: ...
    async def refresh_many(self, connections: list[tuple[int, str]]) -> None: ...
    async def down(self, user_id: int, connection: str) -> bool: ...
    async def online_among(self, user_ids: list[int]) -> set[int]: ...
    async def last_seen(self, user_id: int) -> float | None: ...
    async def set_visible(self, user_id: int, connection: str, visible: bool) -> None: ...
    async def visible_among(self, user_ids: list[int]) -> set[int]: ...


class MemoryStore:
    """One process's view; right for the embedded set-up, which is one process."""

    def __init__(self) -> None:
        self.connections: dict[int, dict[str, float]] = {}
        self.seen: dict[int, float] = {}
        self.visible: dict[int, set[str]] = {}  # connections whose tab is in view

    def _alive(self, user_id: int, now: float) -> dict[str, float]:
        conns = {c: t for c, t in self.connections.get(user_id, {}).items() if t > now}
        if conns:
            self.connections[user_id] = conns
        else:
            self.connections.pop(user_id, None)
        return conns

    async def up(self, user_id: int, connection: str) -> bool:
        now = time.time()
        was_online = bool(self._alive(user_id, now))
        self.connections.setdefault(user_id, {})[connection] = now + settings.PRESENCE_TTL
        self.seen[user_id] = now
        return not was_online

    async def refresh(self, user_id: int, connection: str) -> None:
        now = time.time()
        self.connections.setdefault(user_id, {})[connection] = now + settings.PRESENCE_TTL
        self.seen[user_id] = now

    async def refresh_many(self, connections: list[tuple[int, str]]) -> None:
        for user_id, connection in connections:
            await self.refresh(user_id, connection)

    async def down(self, user_id: int, connection: str) -> bool:
        self.connections.get(user_id, {}).pop(connection, None)
        self.visible.get(user_id, set()).discard(connection)
        self.seen[user_id] = time.time()
        return not self._alive(user_id, time.time())

    async def set_visible(self, user_id: int, connection: str, visible: bool) -> None:
        shown = self.visible.setdefault(user_id, set())
        if visible:
            shown.add(connection)
        else:
            shown.discard(connection)

    async def visible_among(self, user_ids: list[int]) -> set[int]:
        now = time.time()
        return {pk for pk in user_ids if self.visible.get(pk, set()) & set(self._alive(pk, now))}

    async def online_among(self, user_ids: list[int]) -> set[int]:
        now = time.time()
        return {pk for pk in user_ids if self._alive(pk, now)}

    async def last_seen(self, user_id: int) -> float | None:
        return self.seen.get(user_id)


class RedisStore:
    """Sorted sets scored by expiry: <prefix>:presence:c:<user> (connections) and
    <prefix>:presence:online (people), plus a hash of last-seen times."""

    def __init__(self, url: str, prefix: str) -> None:
        import redis.asyncio as redis

        # A bounded pool: a storm of reconnecting sockets waits for a connection instead
        # of opening one each.
        pool = redis.BlockingConnectionPool.from_url(
            url, max_connections=settings.PRESENCE_REDIS_CONNECTIONS, timeout=10
        )
        self.redis = redis.Redis(connection_pool=pool)
        self.online = f"{prefix}:presence:online"
        self.seen = f"{prefix}:presence:seen"
        self.connections = f"{prefix}:presence:c:"
        # Per person, the connections whose tab is in view (the same expiry: a visible
        # tab of a crashed process stops counting with its connection).
        self.visible = f"{prefix}:presence:v:"

    async def up(self, user_id: int, connection: str) -> bool:
        now = time.time()
        key = f"{self.connections}{user_id}"
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.zremrangebyscore(key, "-inf", now)
            pipe.zcard(key)
            pipe.zadd(key, {connection: now + settings.PRESENCE_TTL})
            pipe.pexpire(key, int(settings.PRESENCE_TTL * 2000))
            pipe.zadd(self.online, {str(user_id): now + settings.PRESENCE_TTL})
            pipe.hset(self.seen, str(user_id), str(now))
            results = await pipe.execute()
        return int(results[1]) == 0

    async def refresh_many(self, connections: list[tuple[int, str]]) -> None:
        """Refresh every connection of this process in one round trip."""
        if not connections:
            return
        now = time.time()
        expiry = now + settings.PRESENCE_TTL
        async with self.redis.pipeline(transaction=False) as pipe:
            for user_id, connection in connections:
                key = f"{self.connections}{user_id}"
                pipe.zadd(key, {connection: expiry})
                pipe.pexpire(key, int(settings.PRESENCE_TTL * 2000))
                shown = f"{self.visible}{user_id}"
                pipe.zadd(shown, {connection: expiry}, xx=True)  # only if in view
                pipe.pexpire(shown, int(settings.PRESENCE_TTL * 2000))
            pipe.zadd(self.online, {str(u): expiry for u, _ in connections}, gt=True)
            pipe.hset(self.seen, mapping={str(u): str(now) for u, _ in connections})
            await pipe.execute()

    async def down(self, user_id: int, connection: str) -> bool:
        now = time.time()
        key = f"{self.connections}{user_id}"
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.zrem(key, connection)
            pipe.zremrangebyscore(key, "-inf", now)
            pipe.zcard(key)
            pipe.hset(self.seen, str(user_id), str(now))
            pipe.zrem(f"{self.visible}{user_id}", connection)
            results = await pipe.execute()
        if int(results[2]) == 0:
            await self.redis.zrem(self.online, str(user_id))
            return True
        return False

    async def online_among(self, user_ids: list[int]) -> set[int]:
        if not user_ids:
            return set()
        scores = await self.redis.zmscore(self.online, [str(pk) for pk in user_ids])
        now = time.time()
        return {
            pk
            for pk, score in zip(user_ids, scores, strict=True)
            if score is not None and score > now
        }

    async def last_seen(self, user_id: int) -> float | None:
        value = await self.redis.hget(self.seen, str(user_id))  # type: ignore[misc]
        return float(value) if value is not None else None

    async def set_visible(self, user_id: int, connection: str, visible: bool) -> None:
        key = f"{self.visible}{user_id}"
        if visible:
            async with self.redis.pipeline(transaction=False) as pipe:
                pipe.zadd(key, {connection: time.time() + settings.PRESENCE_TTL})
                pipe.pexpire(key, int(settings.PRESENCE_TTL * 2000))
                await pipe.execute()
        else:
            await self.redis.zrem(key, connection)

    async def visible_among(self, user_ids: list[int]) -> set[int]:
        if not user_ids:
            return set()
        now = time.time()
        async with self.redis.pipeline(transaction=False) as pipe:
            for pk in user_ids:
                pipe.zcount(f"{self.visible}{pk}", now, "+inf")
            counts = await pipe.execute()
        return {pk for pk, n in zip(user_ids, counts, strict=True) if int(n) > 0}


_memory = MemoryStore()
_redis: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, RedisStore]] = (
    weakref.WeakKeyDictionary()
)


def get_store() -> PresenceStore:
    """The process's store; Redis clients are bound to the event loop that made them."""
    if not settings.REDIS_URL:
        return _memory
    stores = _redis.setdefault(asyncio.get_running_loop(), {})
    key = f"{settings.REDIS_URL} {settings.REDIS_PREFIX}"
    if key not in stores:
        stores[key] = RedisStore(settings.REDIS_URL, settings.REDIS_PREFIX)
    return stores[key]
