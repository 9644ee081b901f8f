"""The /ws/ consumer: every frame type, every refusal, driven through the real ASGI app."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from chat.models import ChatSettings, Message
from realtime.models import Event
from realtime.protocol import CLOSE_UNAUTHENTICATED
from realtime.tokens import token_issue
from tests.chat.ws import connect, ready
from tests.conftest import World

pytestmark = pytest.mark.django_db(transaction=True)


def send_frame(conversation: int, body: str, client_id: str, **extra: object) -> dict:
    return {
        "op": "send",
        "conversation": conversation,
        "body": body,
        "client_id": client_id,
        **extra,
    }


async def test_anonymous_is_closed_with_4401(neighbours: World) -> None:
    connected, _, socket = await connect(None)
    assert connected
    closed = await socket.communicator.receive_output(3)
    assert closed == {"type": "websocket.close", "code": CLOSE_UNAUTHENTICATED}


async def test_a_foreign_origin_is_refused_at_the_handshake(neighbours: World) -> None:
    connected, _, _ = await connect(neighbours.wang_fang, origin=b"https://evil.example")
    assert not connected


async def test_no_origin_is_refused_for_a_browser_cookie(neighbours: World) -> None:
    connected, _, _ = await connect(neighbours.wang_fang, origin=None)
    assert not connected


async def test_a_token_client_may_connect_without_origin(neighbours: World) -> None:
    token, _ = await sync_to_async(token_issue)(user=neighbours.wang_fang)
    connected, _, socket = await connect(None, origin=None, token=token)
    assert connected
    assert (await socket.receive_type("ready"))["user"]["id"] == neighbours.wang_fang.pk
    await socket.close()


async def test_a_bad_token_is_closed_with_4401(neighbours: World) -> None:
    connected, _, socket = await connect(None, origin=None, token="forged")
    assert connected
    assert (await socket.communicator.receive_output(3))["code"] == CLOSE_UNAUTHENTICATED


async def test_estate_group_message_reaches_members_and_nobody_else(
    neighbours: World, estate_chat: int
) -> None:
    wang = await ready(neighbours.wang_fang)
    zhao = await ready(neighbours.zhao_lei)
    li_wei = await ready(neighbours.li_wei)  # the committee moderates the estate group
    sun = await ready(neighbours.sun_li)  # another estate of the same community
    chen = await ready(neighbours.chen_jie)  # another community

    ack = await wang.request(send_frame(estate_chat, "楼下的快递柜坏了", "c-1"))
    assert ack["type"] == "ack"
    assert ack["duplicate"] is False
    message = ack["message"]
    assert message["body"] == "楼下的快递柜坏了"
    assert message["author"] == {"id": neighbours.wang_fang.pk, "name": "wang_fang", "party": False}

    for socket in (zhao, li_wei, wang):
        event = await socket.receive_type("message.new")
        assert event["message"]["id"] == message["id"]
        assert event["id"] > 0
        assert event["stream"] == f"conv.{estate_chat}"
    assert await sun.nothing()
    assert await chen.nothing()
    for socket in (wang, zhao, li_wei, sun, chen):
        await socket.close()


async def test_sending_to_a_conversation_one_is_not_in_is_not_found(
    neighbours: World, estate_chat: int
) -> None:
    sun = await ready(neighbours.sun_li)
    reply = await sun.request(send_frame(estate_chat, "hi", "x-1"))
    assert reply["type"] == "error"
    assert reply["code"] == "not_found"
    assert await sync_to_async(Message.objects.count)() == 0
    history = await sun.request({"op": "history", "conversation": estate_chat})
    assert history["code"] == "not_found"
    await sun.close()


async def test_a_retried_send_creates_one_message(neighbours: World, estate_chat: int) -> None:
    wang = await ready(neighbours.wang_fang)
    first = await wang.request(send_frame(estate_chat, "一次", "same"))
    second = await wang.request(send_frame(estate_chat, "一次", "same"))
    assert second["duplicate"] is True
    assert second["message"]["id"] == first["message"]["id"]
    assert await sync_to_async(Message.objects.count)() == 1
    await wang.close()


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("not json", "bad_frame"),
        ('["op"]', "bad_frame"),
        ('{"op": 5}', "bad_frame"),
        ('{"op": "fly"}', "unknown_op"),
        ('{"op": "send", "conversation": "1", "body": "x", "client_id": "a"}', "bad_field"),
        ('{"op": "send", "conversation": true, "body": "x", "client_id": "a"}', "bad_field"),
        ('{"op": "resume"}', "bad_field"),
        ("[" * 5000 + "]" * 5000, "bad_frame"),  # nested deeper than the decoder goes
    ],
)
async def test_malformed_frames_get_an_error_and_the_connection_lives(
    neighbours: World, frame: str, code: str
) -> None:
    wang = await ready(neighbours.wang_fang)
    await wang.communicator.send_to(text_data=frame)
    error = await wang.receive_type("error")
    assert error["code"] == code
    assert (await wang.request({"op": "ping"}))["type"] == "pong"
    await wang.close()


async def test_an_oversized_frame_is_refused(neighbours: World, estate_chat: int) -> None:
    wang = await ready(neighbours.wang_fang)
    await wang.send(send_frame(estate_chat, "长" * 10000, "big"))
    # Too large to be read, so the error cannot carry the frame's ref.
    assert (await wang.receive_type("error"))["code"] == "frame_too_large"
    assert (await wang.request({"op": "ping"}))["type"] == "pong"
    await wang.close()


async def test_empty_and_too_long_messages_are_refused(
    neighbours: World, estate_chat: int, settings: object
) -> None:
    wang = await ready(neighbours.wang_fang)
    assert (await wang.request(send_frame(estate_chat, "   ", "e")))["code"] == "empty"
    too_long = "长" * 2001
    reply = await wang.request(send_frame(estate_chat, too_long, "l"))
    assert reply["code"] in {"too_long", "frame_too_large"}
    assert await sync_to_async(Message.objects.count)() == 0
    await wang.close()


async def test_sends_per_user_are_rate_limited(
    neighbours: World, estate_chat: int, settings: object
) -> None:
    settings.CHAT_SEND_RATE = "3/60"  # type: ignore[attr-defined]
    wang = await ready(neighbours.wang_fang)
    for n in range(3):
        assert (await wang.request(send_frame(estate_chat, f"m{n}", f"c{n}")))["type"] == "ack"
    reply = await wang.request(send_frame(estate_chat, "m3", "c3"))
    assert reply["type"] == "error"
    assert reply["code"] == "throttled"
    assert await sync_to_async(Message.objects.count)() == 3
    await wang.close()


async def test_frames_per_connection_are_rate_limited(neighbours: World, settings: object) -> None:
    settings.CHAT_FRAME_RATE = "5/60"  # type: ignore[attr-defined]
    wang = await ready(neighbours.wang_fang)
    for _ in range(5):
        assert (await wang.request({"op": "ping"}))["type"] == "pong"
    assert (await wang.request({"op": "ping"}))["code"] == "rate_limited"
    await wang.close()


async def test_msgpack_subprotocol(neighbours: World, estate_chat: int) -> None:
    wang = await ready(neighbours.wang_fang, binary=True)
    zhao = await ready(neighbours.zhao_lei)
    ack = await wang.request(send_frame(estate_chat, "二进制", "mp-1"))
    assert ack["message"]["body"] == "二进制"
    assert (await zhao.receive_type("message.new"))["message"]["body"] == "二进制"
    await wang.close()
    await zhao.close()


async def test_history_pages_back_and_search_finds_chinese(
    neighbours: World, estate_chat: int, settings: object
) -> None:
    settings.CHAT_SEND_RATE = "100/1"  # type: ignore[attr-defined]
    settings.CHAT_FRAME_RATE = "100/1"  # type: ignore[attr-defined]
    wang = await ready(neighbours.wang_fang)
    bodies = [f"第{n}条：小区门口的停车问题" if n % 3 == 0 else f"第{n}条" for n in range(12)]
    for n, body in enumerate(bodies):
        await wang.request(send_frame(estate_chat, body, f"h{n}"))
    page = await wang.request({"op": "history", "conversation": estate_chat, "limit": 5})
    assert [m["body"] for m in page["messages"]] == bodies[-5:]
    assert page["has_more"] is True
    older = await wang.request(
        {
            "op": "history",
            "conversation": estate_chat,
            "limit": 5,
            "before": page["messages"][0]["id"],
        }
    )
    assert [m["body"] for m in older["messages"]] == bodies[-10:-5]
    found = await wang.request({"op": "search", "conversation": estate_chat, "q": "停车"})
    assert [m["body"] for m in found["messages"]] == [b for b in reversed(bodies) if "停车" in b]
    await wang.close()


async def test_reply_edit_delete_like(neighbours: World, estate_chat: int) -> None:
    wang = await ready(neighbours.wang_fang)
    zhao = await ready(neighbours.zhao_lei)
    original = (await wang.request(send_frame(estate_chat, "谁有梯子？", "q")))["message"]
    reply = await zhao.request(send_frame(estate_chat, "我有", "a", reply_to=original["id"]))
    assert reply["message"]["reply_to"]["id"] == original["id"]
    assert reply["message"]["reply_to"]["excerpt"] == "谁有梯子？"

    # zhao_lei cannot edit or delete wang_fang's message.
    assert (await zhao.request({"op": "edit", "message": original["id"], "body": "x"}))[
        "code"
    ] == "not_found"
    assert (await zhao.request({"op": "delete", "message": original["id"]}))["code"] == "not_found"

    await wang.request({"op": "edit", "message": original["id"], "body": "谁有长梯子？"})
    edited = await zhao.receive_type("message.edited")
    assert edited["message"]["body"] == "谁有长梯子？"
    assert edited["message"]["edited_at"] is not None

    assert (await zhao.request({"op": "like", "message": original["id"]}))["likes"] == 1
    liked = await wang.receive_type("message.liked")
    assert (liked["message_id"], liked["likes"]) == (original["id"], 1)

    await wang.request({"op": "delete", "message": original["id"]})
    deleted = await zhao.receive_type("message.deleted")
    assert deleted["message_id"] == original["id"]
    page = await zhao.request({"op": "history", "conversation": estate_chat})
    gone = next(m for m in page["messages"] if m["id"] == original["id"])
    assert gone["deleted"] is True
    assert gone["body"] == ""
    await wang.close()
    await zhao.close()


async def test_edits_are_refused_after_the_window(
    neighbours: World, estate_chat: int, settings: object
) -> None:
    from datetime import timedelta

    settings.CHAT_EDIT_WINDOW = timedelta(seconds=-1)  # type: ignore[attr-defined]
    wang = await ready(neighbours.wang_fang)
    sent = (await wang.request(send_frame(estate_chat, "old", "old")))["message"]
    reply = await wang.request({"op": "edit", "message": sent["id"], "body": "new"})
    assert reply["code"] == "too_late"
    await wang.close()


async def test_mentions_reach_the_mentioned_person(neighbours: World, estate_chat: int) -> None:
    wang = await ready(neighbours.wang_fang)
    zhao = await ready(neighbours.zhao_lei)
    await wang.request(
        send_frame(
            estate_chat,
            "@zhao_lei 下楼拿快递",
            "m",
            mentions=[neighbours.zhao_lei.pk, neighbours.chen_jie.pk],
        )
    )
    mention = await zhao.receive_type("mention")
    assert mention["message"]["mentions"] == [neighbours.zhao_lei.pk]  # chen_jie is not here
    assert mention["stream"] == f"user.{neighbours.zhao_lei.pk}"
    await wang.close()
    await zhao.close()


async def test_unread_counts_and_read_marks(neighbours: World, estate_chat: int) -> None:
    wang = await ready(neighbours.wang_fang)
    zhao = await ready(neighbours.zhao_lei)
    ids = []
    for n in range(3):
        ids.append((await wang.request(send_frame(estate_chat, f"u{n}", f"u{n}")))["message"]["id"])
    listing = await zhao.request({"op": "conversations"})
    estate = next(c for c in listing["conversations"] if c["id"] == estate_chat)
    assert estate["unread"] == 3
    assert listing["unread_total"] == 3
    assert (await zhao.request({"op": "read", "conversation": estate_chat, "up_to": ids[1]}))[
        "up_to"
    ] == ids[1]
    listing = await zhao.request({"op": "conversations"})
    assert listing["unread_total"] == 1
    # My own messages are never unread for me.
    mine = await wang.request({"op": "conversations"})
    assert mine["unread_total"] == 0
    await wang.close()
    await zhao.close()


async def test_typing_reaches_others_not_myself(neighbours: World, estate_chat: int) -> None:
    wang = await ready(neighbours.wang_fang)
    zhao = await ready(neighbours.zhao_lei)
    await wang.send({"op": "typing", "conversation": estate_chat})
    typing = await zhao.receive_type("typing")
    assert typing["user"]["id"] == neighbours.wang_fang.pk
    assert "id" not in typing  # ephemeral: never replayed
    assert await wang.nothing()
    await wang.close()
    await zhao.close()


async def test_knock_opens_a_direct_conversation_live_on_both_sides(neighbours: World) -> None:
    wang = await ready(neighbours.wang_fang)
    sun = await ready(neighbours.sun_li)  # same community, another estate
    opened = await wang.request({"op": "knock", "user": neighbours.sun_li.pk})
    conversation = opened["conversation"]
    assert conversation["kind"] == "direct"
    assert conversation["title"] == "sun_li"
    joined = await sun.receive_type("conversation.joined")
    assert joined["conversation"]["id"] == conversation["id"]
    await wang.request(send_frame(conversation["id"], "你好，我是3号楼的", "k1"))
    assert (await sun.receive_type("message.new"))["message"]["body"] == "你好，我是3号楼的"
    # Knocking again returns the same conversation.
    again = await wang.request({"op": "knock", "user": neighbours.sun_li.pk})
    assert again["conversation"]["id"] == conversation["id"]
    await wang.close()
    await sun.close()


async def test_knock_refusals(neighbours: World) -> None:
    from chat.models import Block

    wang = await ready(neighbours.wang_fang)
    # Not a neighbour: nobody learns whether the person exists.
    assert (await wang.request({"op": "knock", "user": neighbours.chen_jie.pk}))[
        "code"
    ] == "not_found"
    await sync_to_async(ChatSettings.objects.create)(user=neighbours.sun_li, refuse_strangers=True)
    assert (await wang.request({"op": "knock", "user": neighbours.sun_li.pk}))[
        "code"
    ] == "refuses_strangers"
    # The committee can always be knocked.
    assert (await wang.request({"op": "knock", "user": neighbours.li_wei.pk}))[
        "type"
    ] == "conversation"
    await sync_to_async(Block.objects.create)(
        blocker=neighbours.zhao_lei, blocked=neighbours.wang_fang
    )
    assert (await wang.request({"op": "knock", "user": neighbours.zhao_lei.pk}))[
        "code"
    ] == "blocked"
    await wang.close()


async def test_presence_of_an_estate_group(neighbours: World, estate_chat: int) -> None:
    wang = await ready(neighbours.wang_fang)
    zhao = await ready(neighbours.zhao_lei)
    reply = await wang.request({"op": "presence", "conversation": estate_chat})
    assert set(reply["online"]) >= {neighbours.wang_fang.pk, neighbours.zhao_lei.pk}
    await sync_to_async(ChatSettings.objects.create)(user=neighbours.zhao_lei, hide_presence=True)
    reply = await wang.request({"op": "presence", "conversation": estate_chat})
    assert neighbours.zhao_lei.pk not in reply["online"]
    await zhao.close()
    await wang.close()


async def test_a_resume_from_beyond_every_event_is_not_echoed_back(
    neighbours: World, estate_chat: int
) -> None:
    wang = await ready(neighbours.wang_fang)
    sent = await wang.request(send_frame(estate_chat, "你好", "r1"))
    assert sent["type"] == "ack"
    newest = await sync_to_async(Event.objects.order_by("-id").values_list("id", flat=True).first)()
    done = await wang.request({"op": "resume", "after": 10**15})
    assert done["type"] == "resumed"
    assert done["last_event_id"] == newest
    await wang.close()
