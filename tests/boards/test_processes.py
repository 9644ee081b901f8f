"""Board events across two real daphne processes on Redis: a notice published through one
process reaches the entitled people on both, and nobody else."""

from __future__ import annotations

import asyncio
import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from communities.models import User
from realtime.tokens import token_issue
from tests.boards.conftest import Town, post_body
from tests.chat.test_processes import Peer, open_peer
from tests.servers import Server, daphne_pair

pytestmark = pytest.mark.services


@pytest.fixture
def servers(transactional_db: None, tmp_path: Path) -> Iterator[list[Server]]:
    with daphne_pair(tmp_path) as pair:
        yield pair


PEOPLE = ("wang_fang", "sun_li", "liu_yang", "chen_jie", "sun_qin", "wusong_supervisor")


@pytest.fixture
def cookies(town: Town) -> dict[str, str]:
    """Session cookies, made here in the test's own thread (no stray connections)."""

    def cookie(user: User) -> str:
        client = Client()
        client.force_login(user)
        return f"sessionid={client.cookies['sessionid'].value}"

    return {name: cookie(town.people[name]) for name in PEOPLE}


def publish(server: Server, user: User, board_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """POST a new post to ``server`` as ``user`` (bearer token: no CSRF dance)."""
    token, _ = token_issue(user=user)
    request = urllib.request.Request(
        f"{server.url}/api/boards/{board_id}/posts",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (our server)
        assert response.status == 201
        return dict(json.loads(response.read()))


async def nothing_of(peer: Peer, frame_type: str, within: float = 1.0) -> bool:
    """Whether ``peer`` receives no frame of ``frame_type`` within ``within`` seconds."""
    try:
        await peer.receive_type(frame_type, within)
    except TimeoutError:
        return True
    return False


async def test_a_notice_reaches_the_entitled_on_both_processes_and_nobody_else(
    servers: list[Server], town: Town, cookies: dict[str, str]
) -> None:
    entitled = {
        "wang_fang": await open_peer(servers[0], cookies["wang_fang"]),
        "sun_li": await open_peer(servers[1], cookies["sun_li"]),
        "liu_yang": await open_peer(servers[1], cookies["liu_yang"]),
    }
    others = {
        "chen_jie": await open_peer(servers[0], cookies["chen_jie"]),
        "sun_qin": await open_peer(servers[1], cookies["sun_qin"]),
        "wusong_supervisor": await open_peer(servers[1], cookies["wusong_supervisor"]),
    }
    board = town.boards["notices"]
    post = await asyncio.to_thread(
        publish, servers[0], town.li_wei, board.pk, post_body("notices", "跨进程的通知")
    )
    for peer in entitled.values():
        frame = await peer.receive_type("post.created")
        assert frame["post"]["id"] == post["id"]
        assert frame["post"]["title"] == "跨进程的通知"
    for name, peer in others.items():
        assert await nothing_of(peer, "post.created"), name

    hometown = town.boards["village_hometown"]
    story = await asyncio.to_thread(
        publish, servers[1], town.xu_ming, hometown.pk, post_body("hometown", "村口的老樟树")
    )
    frame = await others["sun_qin"].receive_type("post.created")
    assert frame["post"]["id"] == story["id"]
    assert await nothing_of(entitled["wang_fang"], "post.created")
    for peer in (*entitled.values(), *others.values()):
        await peer.ws.close()
