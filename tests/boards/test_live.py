"""Board events on the WebSocket: they reach exactly the people entitled to the board, and a
client that was away gets what it missed on resume."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from communities.boards import live, services
from communities.boards import moderation as board_moderation
from communities.boards.models import Comment, Post
from tests.boards.conftest import Town, api, make_post, post_body
from tests.chat.ws import Socket, ready

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("close_connections")]


async def sockets(town: Town, *names: str) -> dict[str, Socket]:
    return {name: await ready(town.people[name]) for name in names}


async def close(connected: dict[str, Socket]) -> None:
    for socket in connected.values():
        await socket.close()


def create(town: Town, author: str, board: str, **fields: Any) -> Post:
    kind = town.boards[board].kind
    values = {**post_body(kind, fields.pop("title", "标题")), **fields}
    return services.post_create(
        author=town.people[author], board_id=town.boards[board].pk, **values
    )


async def received(
    connected: dict[str, Socket], names: tuple[str, ...], frame_type: str
) -> list[dict[str, Any]]:
    return [await connected[name].receive_type(frame_type) for name in names]


async def board_frames(socket: Socket, within: float) -> list[str]:
    """The board frames ``socket`` receives within ``within`` seconds (presence and the
    like, which may come any time, are not counted)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    seen: list[str] = []
    while (left := deadline - loop.time()) > 0:
        if not socket.pending and await socket.communicator.receive_nothing(left):
            break
        frame = await socket.receive()  # one is waiting
        if frame["type"].startswith(("post.", "comment.")):
            seen.append(frame["type"])
    return seen


async def silent(connected: dict[str, Socket], names: tuple[str, ...]) -> None:
    for name in names:
        assert await board_frames(connected[name], 0.3) == [], name


@pytest.mark.parametrize(
    ("board", "author", "entitled", "others"),
    [
        (
            "notices",
            "li_wei",
            ("wang_fang", "zhou_qiang", "wu_hao", "liu_yang", "huang_jun"),
            ("chen_jie", "sun_qin", "wusong_supervisor", "ma_lin", "nobody"),
        ),
        (
            "property",
            "wu_hao",
            ("wang_fang", "zheng_hua", "liu_yang", "huang_jun"),
            ("sun_li", "zhao_lei", "zhou_qiang", "chen_jie", "wusong_supervisor"),
        ),
        (
            "village_hometown",
            "xu_ming",
            ("he_mei", "sun_qin", "liu_yang", "huang_jun"),
            ("wang_fang", "li_wei", "wusong_supervisor", "chen_jie"),
        ),
        (
            "village_idle",
            "he_mei",
            ("xu_ming", "liu_yang", "huang_jun"),
            ("sun_qin", "wang_fang"),
        ),
        (
            "district",
            "ma_lin",
            ("wang_fang", "chen_jie", "lin_na", "liu_yang", "guo_qing", "he_mei"),
            ("sun_qin", "nobody"),
        ),
    ],
)
async def test_a_new_post_reaches_exactly_those_entitled(
    town: Town, board: str, author: str, entitled: tuple[str, ...], others: tuple[str, ...]
) -> None:
    connected = await sockets(town, *entitled, *others)
    post = await sync_to_async(create)(town, author, board, title="新帖")
    for frame in await received(connected, entitled, "post.created"):
        assert frame["post"]["id"] == post.pk
        assert frame["post"]["title"] == "新帖"
    await silent(connected, others)
    await close(connected)


async def test_likes_comments_hiding_and_deleting_are_pushed_to_readers(town: Town) -> None:
    post = await sync_to_async(make_post)(town.boards["idle"], town.wang_fang, "旧书")
    connected = await sockets(town, "wang_fang", "liu_yang", "chen_jie")
    watchers = ("wang_fang", "liu_yang")

    await sync_to_async(services.post_like)(user=town.sun_li, post_id=post.pk, liked=True)
    for frame in await received(connected, watchers, "post.liked"):
        assert (frame["post_id"], frame["board_id"], frame["likes"]) == (post.pk, post.board_id, 1)

    comment = await sync_to_async(services.comment_create)(
        author=town.sun_li, post_id=post.pk, body="还在吗？"
    )
    for frame in await received(connected, watchers, "comment.created"):
        assert frame["comment"]["id"] == comment.pk
        assert frame["comment"]["body"] == "还在吗？"
        assert frame["comments"] == 1
    await sync_to_async(services.comment_delete)(actor=town.sun_li, comment_id=comment.pk)
    for frame in await received(connected, watchers, "comment.deleted"):
        assert (frame["comment_id"], frame["comments"]) == (comment.pk, 0)

    await sync_to_async(services.post_edit)(
        editor=town.wang_fang, post_id=post.pk, title="旧书两本"
    )
    for frame in await received(connected, watchers, "post.updated"):
        assert frame["post"]["title"] == "旧书两本"
    await sync_to_async(board_moderation.post_hide)(actor=town.li_wei, post_id=post.pk)
    for frame in await received(connected, watchers, "post.hidden"):
        assert frame["post_id"] == post.pk
    await sync_to_async(board_moderation.post_restore)(actor=town.li_wei, post_id=post.pk)
    await received(connected, watchers, "post.updated")
    await sync_to_async(services.post_delete)(actor=town.wang_fang, post_id=post.pk)
    for frame in await received(connected, watchers, "post.deleted"):
        assert frame == {
            "type": "post.deleted",
            "id": frame["id"],
            "stream": frame["stream"],
            "post_id": post.pk,
            "board_id": post.board_id,
        }
    await silent(connected, ("chen_jie",))
    await close(connected)


async def test_a_post_waiting_for_review_is_seen_by_the_committee_and_its_author_only(
    town: Town,
) -> None:
    board = town.boards["idle"]
    board.requires_review = True
    await sync_to_async(board.save)()
    connected = await sockets(town, "wang_fang", "li_wei", "sun_li", "liu_yang")
    post = await sync_to_async(create)(town, "wang_fang", "idle", title="旧沙发")
    assert post.status == Post.Status.PENDING
    for frame in await received(connected, ("wang_fang", "li_wei"), "post.pending"):
        assert frame["post"]["id"] == post.pk
    await silent(connected, ("sun_li", "liu_yang"))

    await sync_to_async(services.post_review)(
        actor=town.li_wei, post_id=post.pk, decision="approve"
    )
    for frame in await received(connected, ("sun_li", "liu_yang", "li_wei"), "post.created"):
        assert frame["post"]["status"] == "published"
    reviewed = await connected["wang_fang"].receive_type("post.reviewed")
    assert (reviewed["post_id"], reviewed["decision"]) == (post.pk, "approve")
    await close(connected)


async def test_a_rejection_tells_the_author_with_the_reason(town: Town) -> None:
    board = town.boards["mutual_aid"]
    board.requires_review = True
    await sync_to_async(board.save)()
    connected = await sockets(town, "wang_fang", "sun_li", "zheng_hua")
    post = await sync_to_async(create)(town, "wang_fang", "mutual_aid")
    await connected["wang_fang"].receive_type("post.pending")
    await connected["zheng_hua"].receive_type("post.pending")
    await sync_to_async(services.post_review)(
        actor=town.li_wei, post_id=post.pk, decision="reject", reason="请补充联系方式"
    )
    reviewed = await connected["wang_fang"].receive_type("post.reviewed")
    assert (reviewed["decision"], reviewed["reason"]) == ("reject", "请补充联系方式")
    await silent(connected, ("sun_li", "zheng_hua"))
    await close(connected)


async def test_an_urgent_notice_arrives_live_marked_urgent(town: Town) -> None:
    connected = await sockets(town, "wang_fang")
    await sync_to_async(create)(town, "li_wei", "notices", title="暴雨预警", urgent=True)
    frame = await connected["wang_fang"].receive_type("post.created")
    assert frame["post"]["urgent"] is True
    await close(connected)


async def test_missed_board_events_are_replayed_on_resume_and_unread_counts_survive(
    town: Town,
) -> None:
    notices = town.boards["notices"]
    wang = await ready(town.wang_fang)
    await sync_to_async(create)(town, "li_wei", "notices", title="第一条")
    last_seen = (await wang.receive_type("post.created"))["id"]
    await sync_to_async(lambda: api(town.wang_fang).post(f"/boards/{notices.pk}/read"))()
    await wang.close()

    missed = [
        await sync_to_async(create)(town, "li_wei", "notices", title=f"离线时{n}") for n in range(2)
    ]
    await sync_to_async(create)(town, "lin_na", "gongkang_notices", title="别的社区")

    wang = await ready(town.wang_fang)
    await wang.send({"op": "resume", "ref": "r", "after": last_seen})
    replayed: list[dict[str, Any]] = []
    while True:
        frame = await wang.receive()
        if frame.get("ref") == "r":
            break
        replayed.append(frame)
    fresh = [f for f in replayed if f["type"] == "post.created" and f["id"] > last_seen]
    assert [f["post"]["id"] for f in fresh] == [post.pk for post in missed]
    assert all(f["post"]["board"]["id"] == notices.pk for f in replayed if "post" in f)
    unread = await sync_to_async(lambda: api(town.wang_fang).get("/boards/unread").json())()
    assert unread[str(notices.pk)] == 2
    await wang.close()


async def test_acknowledging_an_urgent_notice_tells_only_that_readers_other_pages(
    town: Town,
) -> None:
    post = await sync_to_async(create)(town, "li_wei", "notices", urgent=True)
    other = await sync_to_async(create)(town, "li_wei", "notices", title="停气", urgent=True)
    connected = await sockets(town, "wang_fang", "zhao_lei")
    await sync_to_async(services.urgent_acknowledge)(user=town.wang_fang, post_id=post.pk)
    frame = await connected["wang_fang"].receive_type("urgent.acknowledged")
    assert (frame["post_id"], frame["board_id"]) == (post.pk, post.board_id)
    # Zhao's own acknowledgement of another notice is the first he hears of: Wang's was
    # published before it, so it would have come first had it reached him.
    await sync_to_async(services.urgent_acknowledge)(user=town.zhao_lei, post_id=other.pk)
    assert (await connected["zhao_lei"].receive_type("urgent.acknowledged"))["post_id"] == other.pk
    await close(connected)


def test_every_event_shape(town: Town) -> None:
    """The frames of docs/boards.md, one builder each."""
    post = make_post(town.boards["notices"], town.li_wei, review_reason="")
    comment = Comment.objects.create(post=post, author=town.wang_fang, body="好")
    summary_keys = {
        *("id", "board", "title", "excerpt", "author", "status", "pinned", "urgent"),
        *("expires_at", "created_at", "edited_at", "likes", "comments", "reads", "images"),
        "extra",
    }
    for builder in (live.post_created, live.post_updated, live.post_pending):
        event = builder(post)
        assert set(event) == {"type", "post"}
        assert set(event["post"]) == summary_keys
    # An urgent notice carries its body: it pops up in full on every open page.
    urgent = make_post(town.boards["notices"], town.li_wei, "停气", urgent=True)
    assert live.post_created(urgent)["post"]["body"] == urgent.body
    assert set(live.post_created(urgent)["post"]) == summary_keys | {"body"}
    for builder in (live.post_hidden, live.post_deleted):
        assert set(builder(post)) == {"type", "post_id", "board_id"}
    assert set(live.post_liked(post)) == {"type", "post_id", "board_id", "likes"}
    assert set(live.post_reviewed(post, "approve")) == {
        *("type", "post_id", "board_id", "decision", "reason")
    }
    assert set(live.urgent_acknowledged(urgent)) == {"type", "post_id", "board_id"}
    created = live.comment_created(comment, post)
    assert set(created) == {"type", "comment", "post_id", "board_id", "comments"}
    assert set(created["comment"]) == {
        *("id", "post_id", "parent_id", "author", "body", "status", "created_at")
    }
    assert set(live.comment_deleted(comment, post)) == {
        *("type", "comment_id", "post_id", "board_id", "comments")
    }


def test_the_streams_of_each_board(town: Town) -> None:
    w = town.world
    district, luodian, wusong = w.district.pk, w.luodian.pk, w.wusong.pk
    streams = {key: live.board_streams(board) for key, board in town.boards.items()}
    assert streams["district"] == [f"district.{district}"]
    assert streams["notices"] == [
        f"community.{w.meiluo.pk}",
        f"observe.{luodian}",
        f"observe.{district}",
    ]
    assert streams["property"] == [
        f"estate.{w.meiluo_1.pk}",
        f"staff.{w.meiluo.pk}",
        f"observe.{luodian}",
        f"observe.{district}",
    ]
    village = town.village.pk
    assert (
        streams["village_hometown"]
        == streams["village_notices"]
        == [
            f"community.{village}",
            f"away.{village}",
            f"observe.{luodian}",
            f"observe.{district}",
        ]
    )
    assert streams["village_idle"] == [
        f"community.{village}",
        f"observe.{luodian}",
        f"observe.{district}",
    ]
    assert streams["gongkang_notices"][1:] == [f"observe.{wusong}", f"observe.{district}"]
