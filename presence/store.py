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

# (True for up, False for down, user id, connection id), applied in order.
Change = tuple[bool, int, str]


class PresenceStore(Protocol):
    async def apply(self, changes: list[Change]) -> list[bool]: ...
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

    async def apply(self, changes: list[Change]) -> list[bool]:
        """Each change in order; for each, whether the person came online (up) or went
        offline (down) with it."""
        return [
            await (self.up(user, conn) if is_up else self.down(user, conn))
            for is_up, user, conn in changes
        ]

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
        self.script = self.redis.register_script(_APPLY)  # sent by its digest (EVALSHA)

    async def apply(self, changes: list[Change]) -> list[bool]:
        """Every connection that came up or went down in one step of the event loop, in
        one round trip and one command (a reconnect storm brings thousands a second; a
        pipeline of five or six commands each cost more than the handshake's own work)."""
        if not changes:
            return []
        now = time.time()
        args: list[str | int | float] = [
            self.connections,
            self.online,
            self.seen,
            self.visible,
            now,
            now + settings.PRESENCE_TTL,
            int(settings.PRESENCE_TTL * 2000),
        ]
        for is_up, user_id, connection in changes:
            args += [1 if is_up else 0, user_id, connection]
        counts = await self.redis.eval(_APPLY, 0, *args)  # type: ignore[misc]
        return [(int(n) == 0) for n in counts]  # up: nobody was online before; down: nobody is left

    async def up(self, user_id: int, connection: str) -> bool:
        return (await self.apply([(True, user_id, connection)]))[0]

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
        return (await self.apply([(False, user_id, connection)]))[0]

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


# ARGV: the key prefixes (connections, online, seen, visible), now, the expiry, the
# connection keys' lifetime in ms, then (1 up / 0 down, user, connection) per change.
# Returns per change the connections the person had before (up) or has left (down).
_APPLY = """
local conns, online, seen, visible = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local now, expiry, keep = ARGV[5], ARGV[6], ARGV[7]
local counts = {}
for i = 8, #ARGV, 3 do
  local user, conn = ARGV[i + 1], ARGV[i + 2]
  local key = conns .. user
  if ARGV[i] == "1" then
    redis.call("ZREMRANGEBYSCORE", key, "-inf", now)
    counts[#counts + 1] = redis.call("ZCARD", key)
    redis.call("ZADD", key, expiry, conn)
    redis.call("PEXPIRE", key, keep)
    redis.call("ZADD", online, expiry, user)
  else
    redis.call("ZREM", key, conn)
    redis.call("ZREMRANGEBYSCORE", key, "-inf", now)
    local left = redis.call("ZCARD", key)
    counts[#counts + 1] = left
    redis.call("ZREM", visible .. user, conn)
    if left == 0 then redis.call("ZREM", online, user) end
  end
  redis.call("HSET", seen, user, now)
end
return counts
"""

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
