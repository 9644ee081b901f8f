"""Redis restarts while every WebSocket stays open: nobody misses a message."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from tests.chat.test_processes import open_peer, send
from tests.conftest import World
from tests.servers import Server, _wait_for_port, daphne, free_port

pytestmark = pytest.mark.services


@contextmanager
def private_redis(port: int, tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A Redis of this test's own, so restarting it disturbs no other test."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed")
    log = tmp_path / f"redis-{port}.log"
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--logfile",
            str(log),
        ],
    )
    try:
        _wait_for_port(port, process, log)
        yield process
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture
def redis_port() -> int:
    return free_port()


async def test_messages_published_while_redis_was_down_reach_open_sockets(
    transactional_db: None,
    neighbours: World,
    estate_chat: int,
    tmp_path: Path,
    redis_port: int,
    cookies: dict[str, str],
) -> None:
    url = f"redis://127.0.0.1:{redis_port}/0"
    with ExitStack() as stack:
        first = stack.enter_context(private_redis(redis_port, tmp_path))
        servers: list[Server] = [
            stack.enter_context(daphne(tmp_path, REDIS_URL=url, CHAT_PROBE_INTERVAL="0.5"))
            for _ in range(2)
        ]
        wang = await open_peer(servers[0], cookies["wang_fang"])
        zhao = await open_peer(servers[1], cookies["zhao_lei"])
        await wang.request(send(estate_chat, "before", "b"))
        before = await zhao.receive_type("message.new")

        first.kill()
        first.wait(10)
        # Written to PostgreSQL/SQLite; the publish to Redis fails.
        ack = await wang.request(send(estate_chat, "while Redis was down", "d"))
        assert ack["type"] == "ack"
        stack.enter_context(private_redis(redis_port, tmp_path))

        # Like every client, zhao_lei's drops events whose id it has seen already.
        seen = {before["id"]}
        fresh: list[str] = []
        async with asyncio.timeout(20):
            while "while Redis was down" not in fresh:
                event = await zhao.receive_type("message.new", within=20)
                if event["id"] not in seen:
                    seen.add(event["id"])
                    fresh.append(event["message"]["body"])
        await wang.request(send(estate_chat, "after", "a"))
        async with asyncio.timeout(10):
            while "after" not in fresh:
                event = await zhao.receive_type("message.new")
                if event["id"] not in seen:
                    seen.add(event["id"])
                    fresh.append(event["message"]["body"])
        assert fresh == ["while Redis was down", "after"]
        await wang.ws.close()
        await zhao.ws.close()
