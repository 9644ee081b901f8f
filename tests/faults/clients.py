"""The churn test's clients, speaking docs/protocol.md as the browser app's
frontend/src/realtime/client.ts does: after every reconnect ``resume`` from the highest
event id seen (``history`` when the resume was incomplete), drop what was seen before by
id; senders retry a send whose ack they did not get with the same ``client_id``."""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import websockets

SUBPROTOCOL = "shequtong.v1.json"
# The errors after which the browser app sends the same client_id again (protocol.ts).
RETRYABLE = frozenset({"internal", "throttled", "rate_limited"})
DROPPED = (OSError, TimeoutError, websockets.ConnectionClosed, websockets.InvalidHandshake)


async def open_socket(url: str, token: str, within: float = 10) -> tuple[Any, dict[str, Any]]:
    """A socket that has said ``ready`` (and that ``ready`` frame)."""
    ws = await websockets.connect(
        f"{url}/ws/?token={token}",
        subprotocols=[SUBPROTOCOL],  # type: ignore[list-item]
        ping_interval=None,
        open_timeout=within,
        close_timeout=1,
        max_queue=None,
    )
    try:
        async with asyncio.timeout(within):
            while True:
                frame = json.loads(await ws.recv())
                if frame.get("type") == "ready":
                    return ws, frame
    except BaseException:
        ws.transport.abort()
        raise


def backoff(attempt: int) -> float:
    """Exponential with ±50 % jitter, as the browser app (faster: this is a test)."""
    return min(2.0, 0.1 * 2**attempt) * random.uniform(0.5, 1.5)


@dataclass
class Receiver:
    """A member of one group who keeps dropping and coming back."""

    user: int
    token: str
    conversation: int
    messages: dict[int, tuple[int, str]] = field(default_factory=dict)  # id -> author, client_id
    seen_events: set[int] = field(default_factory=set)
    last_event_id: int = 0  # the highest event id seen
    # What the next resume asks after: the highest id seen, except while a resume is under
    # way — live events interleave with its replay, so a connection lost before `resumed`
    # would otherwise skip the part of the replay it never got.
    resume_after: int = 0
    resuming: bool = False
    errors: Counter[str] = field(default_factory=Counter)  # what ended a connection, if odd
    redundant: int = 0  # frames dropped because their id was seen before
    connects: int = 0
    failed_connects: int = 0
    incomplete_resumes: int = 0
    up: bool = False
    lifetime: tuple[float, float] = (0.3, 2.5)  # seconds per connection while churning
    url: str = ""  # of the server of the current (or last) connection
    # (wall time, what, event id): each connection, the point it resumed after, `resumed`.
    timeline: list[tuple[float, str, int]] = field(default_factory=list)

    async def run(self, urls: list[str], churning: asyncio.Event, done: asyncio.Event) -> None:
        """While ``churning`` is set, live ``lifetime`` seconds per connection; then stay
        connected until ``done``."""
        attempt = 0
        while not done.is_set():
            url = random.choice(urls)
            try:
                ws, ready = await open_socket(url, self.token)
            except DROPPED:
                self.failed_connects += 1
                attempt += 1
                await asyncio.sleep(backoff(attempt))
                continue
            attempt = 0
            self.connects += 1
            self.url = url
            try:
                await self.session(ws, ready, churning, done)
            except DROPPED:
                await asyncio.sleep(backoff(0))
            except Exception as exc:  # counted and reported; the client carries on
                self.errors[f"{type(exc).__name__}: {exc}"[:120]] += 1
                await asyncio.sleep(backoff(0))
            finally:
                self.up = False
                ws.transport.abort()  # as a network drop: no closing handshake

    async def session(
        self, ws: Any, ready: dict[str, Any], churning: asyncio.Event, done: asyncio.Event
    ) -> None:
        self.resuming = False
        self.timeline.append((time.time(), f"open {ws.remote_address[1]}", self.resume_after))
        if self.resume_after == 0:
            self.resume_after = self.last_event_id = int(ready.get("last_event_id") or 0)
        else:
            self.resuming = True
            await ws.send(json.dumps({"op": "resume", "after": self.resume_after}))
        self.up = True
        lifetime = random.uniform(*self.lifetime)
        started = time.monotonic()
        while not done.is_set():
            if churning.is_set():
                left = lifetime - (time.monotonic() - started)
                if left <= 0:
                    return
            else:
                left = 0.5  # staying: look at `done` twice a second
            try:
                raw = await asyncio.wait_for(ws.recv(), timeout=left)
            except TimeoutError:
                continue
            await self.take(ws, json.loads(raw))

    async def take(self, ws: Any, frame: dict[str, Any]) -> None:
        event_id = frame.get("id")
        if isinstance(event_id, int) and "stream" in frame:
            if event_id in self.seen_events:
                self.redundant += 1
                return
            self.seen_events.add(event_id)
            self.last_event_id = max(self.last_event_id, event_id)
            if not self.resuming:
                self.resume_after = self.last_event_id
        kind = frame.get("type")
        if kind == "resumed":
            self.timeline.append((time.time(), "resumed", int(frame.get("last_event_id") or 0)))
            self.resuming = False
            self.resume_after = max(self.last_event_id, int(frame.get("last_event_id") or 0))
        if kind == "message.new":
            self.keep(frame["message"])
        elif kind == "resumed" and not frame.get("complete", True):
            self.incomplete_resumes += 1
            await ws.send(json.dumps({"op": "history", "conversation": self.conversation}))
        elif kind == "history":
            for message in frame["messages"]:
                self.keep(message)
            if frame.get("has_more") and frame["messages"]:
                before = frame["messages"][0]["id"]
                await ws.send(
                    json.dumps(
                        {"op": "history", "conversation": self.conversation, "before": before}
                    )
                )

    def keep(self, message: dict[str, Any]) -> None:
        if message["conversation"] != self.conversation:
            return
        if message["id"] in self.messages:
            self.redundant += 1
            return
        self.messages[message["id"]] = (message["author"]["id"], message["client_id"])


@dataclass
class Sender:
    """A member who posts every ``interval`` seconds and never gives up on a message."""

    index: int
    user: int
    token: str
    conversation: int
    acked: dict[str, int] = field(default_factory=dict)  # client_id -> message id
    ack_times: list[float] = field(default_factory=list)  # monotonic time of each ack
    duplicate_acks: int = 0  # a retry's ack: the first attempt had been written
    failures: Counter[str] = field(default_factory=Counter)
    refused: list[str] = field(default_factory=list)  # errors that are not retryable
    retried: int = 0
    connects: int = 0

    async def run(self, urls: list[str], sending: Callable[[], bool], interval: float) -> None:
        ws: Any = None
        n = 0
        try:
            while sending():
                client_id = f"churn-{self.index}-{n}"
                n += 1
                ws = await self.deliver(ws, urls, client_id)
                await asyncio.sleep(interval)  # pacing the load, not synchronisation
        finally:
            if ws is not None:
                ws.transport.abort()

    async def deliver(self, ws: Any, urls: list[str], client_id: str) -> Any:
        attempt = 0
        frame = json.dumps(
            {
                "op": "send",
                "ref": client_id,
                "conversation": self.conversation,
                "client_id": client_id,
                "body": f"消息 {client_id}",
            }
        )
        while True:
            if attempt:
                self.retried += 1
                await asyncio.sleep(backoff(attempt))
            attempt += 1
            try:
                if ws is None:
                    ws, _ready = await open_socket(random.choice(urls), self.token)
                    self.connects += 1
                await ws.send(frame)
                reply = await self.reply_to(ws, client_id)
            except DROPPED as exc:
                self.failures[type(exc).__name__] += 1
                if ws is not None:
                    ws.transport.abort()
                ws = None
                continue
            if reply["type"] == "ack":
                self.acked[client_id] = reply["message"]["id"]
                self.ack_times.append(time.monotonic())
                self.duplicate_acks += bool(reply.get("duplicate"))
                return ws
            code = str(reply.get("code"))
            self.failures[code] += 1
            if code not in RETRYABLE:
                self.refused.append(f"{client_id}: {code} {reply.get('detail')}")
                return ws

    @staticmethod
    async def reply_to(ws: Any, ref: str, within: float = 8) -> dict[str, Any]:
        async with asyncio.timeout(within):
            while True:
                frame = json.loads(await ws.recv())
                if frame.get("ref") == ref:
                    return dict(frame)
