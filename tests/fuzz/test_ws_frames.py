"""/ws/ fuzzed with hypothesis, on both subprotocols, through the real ASGI app.

Random and mutated frames from a resident (on a JSON and a msgpack connection) must be
answered only with frames docs/protocol.md lists — an `error` only with a listed code,
never `internal` — must never close the socket, never log an error, and never leave the
database half written (tests/fuzz/invariants.py).
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator
from typing import Any

import msgpack
import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections
from hypothesis import HealthCheck, Phase, given, seed, settings

from chat.models import Message
from chat.moderation import message_hide
from chat.services import message_post
from realtime.models import Event
from tests.chat.ws import Socket, ready
from tests.fuzz import protocol_doc
from tests.fuzz.budget import SEED, examples, timeout
from tests.fuzz.conftest import ChatWorld, ErrorLog
from tests.fuzz.frames import Ids, Wire, wire_frames
from tests.fuzz.invariants import chat_problems

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(timeout(300))]

EXAMPLES = examples(100)
sentinels = itertools.count()


def decoded(output: dict[str, Any], binary: bool) -> dict[str, Any]:
    assert output["type"] == "websocket.send", f"the socket closed: {output}"
    if binary:
        return dict(msgpack.unpackb(output["bytes"], raw=False))
    return dict(json.loads(output["text"]))


def undocumented(frame: dict[str, Any]) -> str | None:
    """Why ``frame`` is not one docs/protocol.md lets the server send (None: it is)."""
    kind = frame.get("type")
    if kind not in protocol_doc.frame_types():
        return f"undocumented frame type {kind!r}"
    if kind == "error":
        code = frame.get("code")
        if code == "internal":
            return f"the server failed on a frame: {frame}"
        if code not in protocol_doc.error_codes():
            return f"undocumented error code {code!r}"
        if not isinstance(frame.get("detail"), str):
            return f"an error without a detail: {frame}"
    return None


async def exchange(socket: Socket, wire: Wire) -> list[dict[str, Any]]:
    """Send ``wire``, then a ping: the frames answered up to its pong (the consumer takes a
    connection's frames one at a time, so the pong comes after every reply to ``wire``)."""
    communicator: WebsocketCommunicator = socket.communicator
    text, data = wire
    await communicator.send_to(text_data=text, bytes_data=data)
    ref = f"sentinel-{next(sentinels)}"
    await socket.send({"op": "ping", "ref": ref})
    frames: list[dict[str, Any]] = []
    while True:
        frame = decoded(await communicator.receive_output(10), socket.binary)
        if frame.get("type") == "pong" and frame.get("ref") == ref:
            return frames
        frames.append(frame)


@pytest.fixture
async def sockets(chat_world: ChatWorld) -> AsyncIterator[dict[bool, Socket]]:
    """wang_fang on both subprotocols (keyed by binary)."""
    opened = {
        binary: await ready(chat_world.world.wang_fang, binary=binary) for binary in (False, True)
    }
    yield opened
    for socket in opened.values():
        await socket.close()


def world_ids(chat_world: ChatWorld) -> Ids:
    """Ids that exist: the estate chat, the people, and its first messages (posted here):
    one of wang_fang's, one of hers a moderator hid, one of zhao_lei's."""
    world, chat = chat_world.world, chat_world.estate_chat
    first, _ = message_post(
        author=world.wang_fang, conversation_id=chat, body="第一条", client_id="1"
    )
    hidden, _ = message_post(
        author=world.wang_fang, conversation_id=chat, body="隐藏", client_id="2"
    )
    message_hide(actor=world.li_wei, message_id=hidden.pk, reason="fuzz")
    other, _ = message_post(author=world.zhao_lei, conversation_id=chat, body="邻居", client_id="3")
    return Ids(
        conversations=(chat,),
        people=tuple(sorted(user.pk for user in world.people.values())),
        first_message=first.pk,
        first_event=Event.objects.order_by("-pk").values_list("pk", flat=True)[0],
        notable_messages=(first.pk, hidden.pk, other.pk),
    )


@pytest.mark.parametrize("binary", [False, True], ids=["json", "msgpack"])
async def test_any_frame_gets_a_documented_answer_and_leaves_no_half_state(
    binary: bool, chat_world: ChatWorld, sockets: dict[bool, Socket], error_log: ErrorLog
) -> None:
    socket = sockets[binary]
    ids = await database_sync_to_async(world_ids)(chat_world)
    loop = asyncio.get_running_loop()
    answered: list[str] = []

    # Hypothesis drives the examples from a thread of its own, each example waiting on the
    # event loop that runs the consumer (and checking the database from that thread).
    @seed(SEED)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        # A failure is reported as found: the world changes from frame to frame, so a
        # shrunk example would not reproduce it anyway, and shrinking costs time.
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(wire=wire_frames(ids, binary))
    def frame_is_handled(wire: Wire) -> None:
        frames = asyncio.run_coroutine_threadsafe(exchange(socket, wire), loop).result(30)
        wrong = [reason for frame in frames if (reason := undocumented(frame))]
        assert not wrong, (wire, wrong)
        logged = error_log.take()
        assert not logged, (wire, logged)
        problems = chat_problems()
        assert not problems, (wire, problems)
        answered.extend(frame.get("code") or frame["type"] for frame in frames)

    def run() -> None:
        try:
            frame_is_handled()
        finally:
            connections.close_all()  # this thread's own database connection

    await asyncio.to_thread(run)
    # The run reached the handlers, not only the decoder: some frames were done.
    assert "ack" in answered, sorted(set(answered))
    assert "bad_field" in answered, sorted(set(answered))
    assert await database_sync_to_async(Message.objects.count)() > 0


async def test_editing_a_hidden_message_is_a_documented_refusal(
    chat_world: ChatWorld, sockets: dict[bool, Socket]
) -> None:
    """The code of this refusal was missing from docs/protocol.md."""
    ids = await database_sync_to_async(world_ids)(chat_world)
    hidden = ids.notable_messages[1]
    reply = await sockets[False].request({"op": "edit", "message": hidden, "body": "改"})
    assert (reply["type"], reply["code"]) == ("error", "moderated")
    assert undocumented(reply) is None
