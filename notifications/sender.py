"""Sending pushes: each payload encrypted for its device (aes128gcm, RFC 8291) and POSTed
to its push service (RFC 8030) with our VAPID signature, many at once on one connection
pool — an urgent notice to a 5,000-member community is one batch."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

import aiohttp
from django.conf import settings
from pywebpush import WebPusher

from . import vapid


@dataclass(frozen=True)
class Outcome:
    status: int  # the push service's HTTP status; 0 when it could not be reached
    error: str = ""

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def gone(self) -> bool:
        """The subscription expired or was withdrawn: forget it (RFC 8030, 404 and 410)."""
        return self.status in (404, 410)


@dataclass(frozen=True)
class Push:
    endpoint: str
    p256dh: str
    auth: str
    payload: dict[str, Any]
    urgent: bool = False


async def _one(session: aiohttp.ClientSession, push: Push, limit: asyncio.Semaphore) -> Outcome:
    info = {"endpoint": push.endpoint, "keys": {"p256dh": push.p256dh, "auth": push.auth}}
    data = json.dumps(push.payload, ensure_ascii=False).encode()
    headers = {**vapid.headers_for(push.endpoint), "Urgency": "high" if push.urgent else "normal"}
    async with limit:
        try:
            response = await WebPusher(info, aiohttp_session=session).send_async(
                data=data,
                headers=headers,
                ttl=settings.PUSH_TTL,
                timeout=aiohttp.ClientTimeout(total=settings.PUSH_TIMEOUT),
            )
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            return Outcome(0, f"{type(exc).__name__}: {exc}"[:200])
        status = int(getattr(response, "status", 0) or 0)
        if 200 <= status < 300:
            return Outcome(status)
        text = await response.text() if hasattr(response, "text") else ""
        return Outcome(status, f"{status} {text}"[:200])


async def _all(pushes: list[Push]) -> list[Outcome]:
    limit = asyncio.Semaphore(settings.PUSH_CONCURRENCY)
    connector = aiohttp.TCPConnector(limit=settings.PUSH_CONCURRENCY)
    async with aiohttp.ClientSession(connector=connector) as session:
        return list(await asyncio.gather(*(_one(session, push, limit) for push in pushes)))


def send(pushes: list[Push]) -> list[Outcome]:
    """Send every push (in the task worker, a synchronous thread); outcomes in order."""
    if not pushes:
        return []
    return asyncio.run(_all(pushes))
