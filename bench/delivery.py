"""The per-frame delivery path alone, in-process: hub → sockets → a server ``send`` that only
counts. No network, no database: what the application adds per delivered frame.

    python bench/delivery.py                      µs per delivery, each path
    python bench/delivery.py --rev 5e02f0b        also the path of an older revision
    valgrind --tool=callgrind python bench/delivery.py --paths frame --frames 20 --sockets 200
        (instructions: run with --frames 0 too and subtract)

Paths: ``asgi`` (the eager ASGI send every server gets), ``frame`` (the finished-frame wire
daphne and uvicorn get, with its cork), ``old`` (with --rev: that revision's
socket consumer and hub, behind channels' session wrapper as its stack had it; revisions
from before realtime/ existed kept them as chat/consumers.py and chat/hub.py).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

FRAME = {
    "type": "message.new",
    "id": 1,
    "stream": "conv.1",
    "message": {"id": 5, "conversation": 1, "author": {"id": 7, "name": "王芳"},
                "body": "x" * 100, "likes": 0},
}  # fmt: skip


class User:
    def __init__(self, pk: int) -> None:
        self.pk = pk


def load_revision(rev: str) -> tuple[Any, Any]:
    """The socket consumer and hub of ``rev``, imported under other names."""
    folder = Path(tempfile.mkdtemp())
    modules = []
    for name in ("consumer", "hub"):
        source = subprocess.run(
            ["git", "show", f"{rev}:realtime/{name}.py"], cwd=common.ROOT, check=True,
            capture_output=True, text=True,
        ).stdout  # fmt: skip
        path = folder / f"{name}_old.py"
        path.write_text(source)
        spec = importlib.util.spec_from_file_location(f"realtime.{name}_old", path)
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        modules.append(module)
    return modules[0], modules[1]


async def measure(path: str, sockets: int, frames: int, rev: str | None) -> float:
    from django.conf import settings

    from realtime import consumer, outbound, protocol
    from realtime.hub import Hub

    written = 0

    def count(data: Any) -> None:
        nonlocal written
        written += 1

    async def server_send(message: dict[str, Any]) -> None:  # completes at once
        count(message.get("text") or message.get("bytes"))

    members: set[Any] = set()
    hub_class: Any = Hub
    if path == "old":
        from channels.sessions import InstanceSessionWrapper
        from django.contrib.sessions.backends.db import SessionStore

        assert rev, "--rev names the revision of the old path"
        old, old_hub = load_revision(rev)
        hub_class = old_hub.Hub
        for n in range(sockets):
            c = old.SocketConsumer()
            wrapper = InstanceSessionWrapper({"cookies": {}}, server_send)
            wrapper.scope["session"]._wrapped = SessionStore(None)
            c.base_send = wrapper.send
            c.codec = protocol.JSON
            c.outbox = asyncio.Queue(settings.CHAT_OUTBOUND_LIMIT)
            c.writer, c.accepted, c.shed, c.last_event_id = None, True, False, 0
            c.user = User(100_000 + n)
            members.add(c)
    else:

        class CountingWire(outbound.FrameWire):
            __slots__ = ()

            def send_now(self, data: bytes) -> None:
                count(data)

        for n in range(sockets):
            c = consumer.SocketConsumer()
            c.base_send = server_send
            c.codec = protocol.JSON
            c.outbox, c.holding, c.outbound_limit = None, False, 1000
            c.writer, c.shed, c.last_event_id = None, False, 0
            c.user = User(100_000 + n)
            wire = outbound.AsgiWire(server_send, False) if path == "asgi" else None
            c.wire = wire or CountingWire(False)
            members.add(c)
    hub = hub_class()
    hub.members["conv.1"] = members
    message = {"type": "deliver", "group": "conv.1", "frame": FRAME}
    for _ in range(3):  # warm up
        hub.dispatch(message)
        await asyncio.sleep(0)
        await asyncio.sleep(0)
    before, started = written, time.perf_counter()
    for _ in range(frames):
        hub.dispatch(message)
        await asyncio.sleep(0)  # writer tasks (old path), the cork (frame path)
        await asyncio.sleep(0)
    elapsed = time.perf_counter() - started
    assert written - before == sockets * frames, (written - before, sockets * frames)
    return elapsed / max(1, sockets * frames) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--paths", default="asgi,frame")
    parser.add_argument("--rev", help="also measure this revision's path (git revision)")
    parser.add_argument("--sockets", type=int, default=1000)
    parser.add_argument("--frames", type=int, default=50)
    args = parser.parse_args()
    common.django_setup()
    paths = args.paths.split(",") + (["old"] if args.rev and "old" not in args.paths else [])
    for path in paths:
        us = asyncio.run(measure(path, args.sockets, args.frames, args.rev))
        print(f"{path}: {us:.2f} µs per delivery ({args.sockets} sockets × {args.frames} frames)")


if __name__ == "__main__":
    main()
