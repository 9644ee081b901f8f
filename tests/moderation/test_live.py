"""Moderation over the one WebSocket: hidden messages leave residents' sockets at once,
history and search differ for moderators and residents, the conversation list says who
moderates and who is muted — and across two daphne processes on Redis."""

from __future__ import annotations

import asyncio
import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.test import Client

from chat.models import Message
from chat.moderation import message_hide
from communities.moderation.services import member_mute
from realtime.tokens import token_issue
from tests.chat.test_processes import Peer, open_peer, send
from tests.chat.ws import ready
from tests.servers import Server, daphne_pair

from .conftest import Mod, Say

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_hidden_message_leaves_every_socket_and_moderators_see_it_marked(
    mod: Mod, say: Say
) -> None:
    wang = await ready(mod.wang_fang)
    zhao = await ready(mod.zhao_lei)
    li = await ready(mod.li_wei)
    posted = (
        await wang.request(
            {"op": "send", "conversation": mod.estate_chat, "body": "卖房加微信", "client_id": "c1"}
        )
    )["message"]
    for socket in (zhao, li):
        assert (await socket.receive_type("message.new"))["message"]["id"] == posted["id"]

    await sync_to_async(message_hide)(actor=mod.li_wei, message_id=posted["id"], reason="广告")
    for socket in (wang, zhao, li):
        frame = await socket.receive_type("message.moderated")
        assert (frame["conversation"], frame["message_id"], frame["moderated"]) == (
            mod.estate_chat,
            posted["id"],
            "hidden",
        )

    history = {"op": "history", "conversation": mod.estate_chat}
    assert (await zhao.request(dict(history)))["messages"] == []
    (marked,) = (await li.request(dict(history)))["messages"]
    assert (marked["id"], marked["moderated"], marked["body"]) == (
        posted["id"],
        "hidden",
        "卖房加微信",
    )
    search = {"op": "search", "conversation": mod.estate_chat, "q": "卖房"}
    assert (await zhao.request(dict(search)))["messages"] == []
    assert [m["id"] for m in (await li.request(dict(search)))["messages"]] == [posted["id"]]
    for socket in (wang, zhao, li):
        await socket.close()


async def test_the_conversation_list_says_who_moderates_and_who_is_muted(mod: Mod) -> None:
    await sync_to_async(member_mute)(
        actor=mod.li_wei,
        conversation_id=mod.estate_chat,
        user_id=mod.wang_fang.pk,
        minutes=30,
        reason="刷屏",
    )
    wang = await ready(mod.wang_fang)
    li = await ready(mod.li_wei)
    wang_list = {c["id"]: c for c in (await wang.request({"op": "conversations"}))["conversations"]}
    li_list = {c["id"]: c for c in (await li.request({"op": "conversations"}))["conversations"]}
    assert wang_list[mod.estate_chat]["moderate"] is False
    assert wang_list[mod.estate_chat]["muted_until"] is not None
    assert wang_list[mod.topic]["moderate"] is True  # she is the topic group's admin
    assert wang_list[mod.topic]["muted_until"] is None
    assert (li_list[mod.estate_chat]["moderate"], li_list[mod.estate_chat]["muted_until"]) == (
        True,
        None,
    )
    refused = await wang.request(
        {"op": "send", "conversation": mod.estate_chat, "body": "说话", "client_id": "m1"}
    )
    assert (refused["type"], refused["code"]) == ("error", "muted")
    assert not await sync_to_async(Message.objects.filter(author=mod.wang_fang).exists)()
    for socket in (wang, li):
        await socket.close()


@pytest.fixture
def servers(transactional_db: None, tmp_path: Path) -> Iterator[list[Server]]:
    with daphne_pair(tmp_path) as pair:
        yield pair


def cookie(user: object) -> str:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return f"sessionid={client.cookies['sessionid'].value}"


def moderate(server: Server, token: str, message_id: int, verb: str) -> dict[str, Any]:
    """POST a moderation verb to ``server`` with a bearer token (no CSRF dance)."""
    request = urllib.request.Request(
        f"{server.url}/api/moderation/messages/{message_id}/{verb}",
        data=json.dumps({"reason": "谣言"}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (our server)
        assert response.status == 200
        return dict(json.loads(response.read()))


@pytest.fixture
def cookies(mod: Mod) -> dict[str, str]:
    """Made here, on the test's own thread (no database connection left in another)."""
    return {n: cookie(mod.world.people[n]) for n in ("wang_fang", "zhao_lei", "sun_li", "li_wei")}


async def nothing_of(peer: Peer, frame_type: str, within: float = 1.0) -> bool:
    try:
        await peer.receive_type(frame_type, within)
    except TimeoutError:
        return True
    return False


@pytest.mark.services
async def test_hide_and_remove_reach_every_client_on_both_processes(
    servers: list[Server], mod: Mod, cookies: dict[str, str]
) -> None:
    token = token_issue(user=mod.li_wei)[0]
    wang = await open_peer(servers[0], cookies["wang_fang"])
    zhao = await open_peer(servers[1], cookies["zhao_lei"])
    li = await open_peer(servers[1], cookies["li_wei"])
    sun = await open_peer(servers[0], cookies["sun_li"])  # lives in the other estate
    first = (await wang.request(send(mod.estate_chat, "谣言一", "p1")))["message"]
    second = (await wang.request(send(mod.estate_chat, "谣言二", "p2")))["message"]
    for message_id, verb, server in (
        (first["id"], "hide", servers[0]),
        (second["id"], "remove", servers[1]),
    ):
        shape = await asyncio.to_thread(moderate, server, token, message_id, verb)
        assert shape["moderated"] == ("hidden" if verb == "hide" else "removed")
        for peer in (wang, zhao, li):
            frame = await peer.receive_type("message.moderated")
            assert (frame["message_id"], frame["moderated"]) == (message_id, shape["moderated"])
    assert await nothing_of(sun, "message.moderated")
    # A resident's history no longer has them; the moderator's has both, marked.
    resident = await zhao.request({"op": "history", "ref": "h1", "conversation": mod.estate_chat})
    assert resident["messages"] == []
    moderator = await li.request({"op": "history", "ref": "h2", "conversation": mod.estate_chat})
    assert [m["moderated"] for m in moderator["messages"]] == ["hidden", "removed"]
    for peer in (wang, zhao, li, sun):
        await peer.ws.close()
