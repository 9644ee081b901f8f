"""Console frames on the WebSocket: every open console of the committee gets them at once;
residents, party members, supervisors and other committees never do."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connections

from communities.moderation import claims, gatekeeping
from communities.moderation.models import Gate
from communities.moderation.settle import item_removed_event, settle
from realtime.models import Event
from tests.chat.ws import Socket, ready
from tests.conftest import World
from tests.moderation.waiting import make_waiting

pytestmark = pytest.mark.django_db(transaction=True)

COMMITTEE = ("li_wei", "zheng_hua", "zhang_min")
OUTSIDERS = ("wang_fang", "zhao_lei", "liu_yang", "lin_na")


@pytest.fixture(autouse=True)
def _close_thread_connections() -> Iterator[None]:
    yield
    connections.close_all()


async def console_frames(socket: Socket, within: float) -> list[dict[str, Any]]:
    """The console frames ``socket`` receives within ``within`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    seen: list[dict[str, Any]] = []
    while (left := deadline - loop.time()) > 0:
        if not socket.pending and await socket.communicator.receive_nothing(left):
            break
        frame = await socket.receive()
        if frame["type"].startswith("console."):
            seen.append(frame)
    return seen


async def test_claims_gates_and_decisions_reach_every_console_of_the_committee_only(
    world: World,
) -> None:
    waiting = await sync_to_async(make_waiting)(world)
    sockets = {name: await ready(world.people[name]) for name in (*COMMITTEE, *OUTSIDERS)}
    stream = f"staff.{world.meiluo.pk}"

    await sync_to_async(claims.claim)(actor=world.li_wei, kind="letter", item_id=waiting.letter.pk)
    claimed = await Event.objects.aget(type="console.claimed")
    for name in COMMITTEE:
        frame = await sockets[name].receive_type("console.claimed")
        assert (frame["kind"], frame["item_id"], frame["stream"]) == (
            "letter",
            waiting.letter.pk,
            stream,
        )
        assert frame["by"]["id"] == world.li_wei.pk
        assert frame["id"] == claimed.pk  # the event's own id: what resume counts on

    await sync_to_async(claims.item_refer)(
        actor=world.zheng_hua, kind="letter", item_id=waiting.letter.pk, note="请书记看看"
    )
    for name in COMMITTEE:
        frame = await sockets[name].receive_type("console.gated")
        assert (frame["kind"], frame["item_id"], frame["gated"]) == (
            "letter",
            waiting.letter.pk,
            True,
        )
        assert frame["gate_note"] == "请书记看看"

    await sync_to_async(settle)(
        community_id=world.meiluo.pk, kind="letter", item_id=waiting.letter.pk
    )
    for name in COMMITTEE:
        frame = await sockets[name].receive_type("console.item_removed")
        assert (frame["kind"], frame["item_id"]) == ("letter", waiting.letter.pk)

    for name in OUTSIDERS:
        assert await console_frames(sockets[name], 0.3) == [], name
    for socket in sockets.values():
        await socket.close()


async def test_a_console_that_was_away_catches_up_on_resume(world: World) -> None:
    waiting = await sync_to_async(make_waiting)(world)
    zheng = await ready(world.zheng_hua)
    first = await zheng.request({"op": "ping"})
    assert first["type"] == "pong"
    await zheng.close()
    await sync_to_async(claims.claim)(actor=world.li_wei, kind="report", item_id=waiting.report.pk)

    again = await ready(world.zheng_hua)
    await again.send({"op": "resume", "after": 0})
    frame = await again.receive_type("console.claimed")
    assert (frame["kind"], frame["item_id"]) == ("report", waiting.report.pk)
    assert frame["by"]["id"] == world.li_wei.pk
    await again.close()


@pytest.mark.parametrize("doc", ["docs/moderation.md", "docs/protocol.md"])
def test_the_docs_name_every_console_frame_and_its_fields(doc: str) -> None:
    text = (Path(settings.BASE_DIR) / doc).read_text()
    frames = {
        "console.claimed": claims.claimed_event("letter", 5, None),
        "console.item_removed": item_removed_event("letter", 5),
        "console.gated": gatekeeping.gated_event(Gate(target_kind="letter", target_id=5)),
    }
    assert set(frames["console.claimed"]) == {"type", "kind", "item_id", "by", "at"}
    assert set(frames["console.item_removed"]) == {"type", "kind", "item_id"}
    assert set(frames["console.gated"]) == {
        *("type", "kind", "item_id", "gated", "gate_note", "gated_by")
    }
    for frame_type, frame in frames.items():
        assert f"`{frame_type}`" in text, frame_type
        for field in set(frame) - {"type"}:
            assert f"`{field}`" in text, (frame_type, field)
