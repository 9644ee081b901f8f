"""Posts and comments moderated through /api/moderation: hide, remove, restore, with
reasons and audit entries; the boards' own endpoints keep working and are audited too."""

from __future__ import annotations

from typing import Any

import pytest

from communities.boards.models import Board, BoardKind, Comment, Post
from communities.boards.services import comment_create, comment_delete, post_create, post_delete
from communities.moderation.models import AuditEntry
from realtime.models import Event
from tests.conftest import client_for

from .conftest import Mod

NOT_MODERATORS = (
    "wang_fang",
    "zhao_lei",
    "zhou_qiang",
    "wu_hao",
    "song_yu",
    "liu_yang",
    "huang_jun",
)
OUTSIDERS = ("lin_na", "chen_jie", "wusong_supervisor")


def post(client: Any, path: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(path, body or {}, content_type="application/json")


@pytest.fixture
def aid(mod: Mod) -> Post:
    board = mod.board(BoardKind.MUTUAL_AID)
    return post_create(
        author=mod.wang_fang,
        board_id=board.pk,
        title="出售保健品",
        body="效果好",
        extra={"need": "offer"},
    )


def snapshot(row: Post | Comment) -> tuple[Any, ...]:
    row.refresh_from_db()
    return (row.status, getattr(row, "pinned", None), getattr(row, "comment_count", None))


def test_hide_remove_and_restore_a_post(mod: Mod, aid: Post) -> None:
    li = client_for(mod.li_wei)
    hidden = post(li, f"/api/moderation/posts/{aid.pk}/hide", {"reason": "广告"})
    assert hidden.status_code == 200, hidden.json()
    assert hidden.json()["status"] == "hidden"
    restored = post(li, f"/api/moderation/posts/{aid.pk}/restore", {"reason": "误判"})
    assert restored.json()["status"] == "published"
    removed = post(li, f"/api/moderation/posts/{aid.pk}/remove", {"reason": "虚假宣传"})
    assert removed.json()["status"] == "deleted"
    assert client_for(mod.zhao_lei).get(f"/api/boards/posts/{aid.pk}").status_code == 404
    back = post(li, f"/api/moderation/posts/{aid.pk}/restore")
    assert back.json()["status"] == "published"
    entries = [
        (e.action, e.reason, e.before["status"], e.after["status"])
        for e in AuditEntry.objects.order_by("id")
    ]
    assert entries == [
        ("hide", "广告", "published", "hidden"),
        ("restore", "误判", "hidden", "published"),
        ("remove", "虚假宣传", "published", "deleted"),
        ("restore", "", "deleted", "published"),
    ]
    types = list(
        Event.objects.filter(stream=f"community.{mod.world.meiluo.pk}")
        .order_by("id")
        .values_list("type", flat=True)
    )
    assert types == ["post.created", "post.hidden", "post.updated", "post.deleted", "post.updated"]


def test_a_post_its_author_deleted_cannot_be_restored(mod: Mod, aid: Post) -> None:
    post_delete(actor=mod.wang_fang, post_id=aid.pk)
    response = post(client_for(mod.li_wei), f"/api/moderation/posts/{aid.pk}/restore")
    assert response.status_code == 404
    assert Post.objects.get(pk=aid.pk).status == "deleted"
    assert not AuditEntry.objects.exists()


def test_reasons_are_required_to_hide_and_remove(mod: Mod, aid: Post) -> None:
    li = client_for(mod.li_wei)
    for verb in ("hide", "remove"):
        response = post(li, f"/api/moderation/posts/{aid.pk}/{verb}", {"reason": ""})
        assert (response.status_code, list(response.json()["errors"])) == (400, ["reason"])
    assert snapshot(aid)[0] == "published"
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("verb", ["hide", "remove", "restore"])
def test_others_cannot_moderate_posts(mod: Mod, aid: Post, verb: str) -> None:
    if verb == "restore":
        post(client_for(mod.li_wei), f"/api/moderation/posts/{aid.pk}/hide", {"reason": "x"})
    before, entries = snapshot(aid), AuditEntry.objects.count()
    for name in NOT_MODERATORS + OUTSIDERS:
        response = post(
            client_for(mod.world.people[name]),
            f"/api/moderation/posts/{aid.pk}/{verb}",
            {"reason": "x"},
        )
        assert response.status_code in (403, 404), name
        if name in OUTSIDERS or verb == "restore":
            assert response.status_code == 404, name  # a hidden post is not theirs to see
    assert snapshot(aid) == before
    assert AuditEntry.objects.count() == entries


def test_the_property_manager_hides_and_restores_on_their_board_only(mod: Mod) -> None:
    board = Board.objects.get(kind=BoardKind.PROPERTY, place=mod.world.meiluo_1)
    news = post_create(author=mod.wu_hao, board_id=board.pk, title="停水通知", body="明天停水")
    own = client_for(mod.wu_hao)
    assert (
        post(own, f"/api/moderation/posts/{news.pk}/hide", {"reason": "发错了"}).status_code == 200
    )
    assert post(own, f"/api/moderation/posts/{news.pk}/restore").status_code == 200
    assert post(own, f"/api/moderation/posts/{news.pk}/remove", {"reason": "x"}).status_code == 403
    entry = AuditEntry.objects.earliest("id")
    assert (entry.actor_id, entry.community_id) == (mod.wu_hao.pk, mod.world.meiluo.pk)


def test_comments_hide_remove_restore(mod: Mod, aid: Post) -> None:
    comment = comment_create(author=mod.zhao_lei, post_id=aid.pk, body="骗子")
    li = client_for(mod.li_wei)
    hidden = post(li, f"/api/moderation/comments/{comment.pk}/hide", {"reason": "辱骂"})
    assert (hidden.json()["status"], hidden.json()["body"]) == ("hidden", "骗子")
    assert Post.objects.get(pk=aid.pk).comment_count == 0
    removed = post(li, f"/api/moderation/comments/{comment.pk}/remove", {"reason": "辱骂"})
    assert removed.json()["status"] == "deleted"
    restored = post(li, f"/api/moderation/comments/{comment.pk}/restore")
    assert restored.json()["status"] == "visible"
    assert Post.objects.get(pk=aid.pk).comment_count == 1
    assert [e.action for e in AuditEntry.objects.order_by("id")] == ["hide", "remove", "restore"]
    frames = Event.objects.filter(
        stream=f"community.{mod.world.meiluo.pk}", type__startswith="comment."
    )
    assert list(frames.order_by("id").values_list("type", flat=True)) == [
        "comment.created",
        "comment.deleted",
        "comment.created",
    ]
    # A comment its author deleted stays deleted.
    mine = comment_create(author=mod.zhao_lei, post_id=aid.pk, body="算了")
    comment_delete(actor=mod.zhao_lei, comment_id=mine.pk)
    assert post(li, f"/api/moderation/comments/{mine.pk}/restore").status_code == 409
    assert post(li, f"/api/moderation/comments/{mine.pk}/hide", {"reason": "x"}).status_code == 409


@pytest.mark.parametrize("verb", ["hide", "remove", "restore"])
def test_others_cannot_moderate_comments(mod: Mod, aid: Post, verb: str) -> None:
    comment = comment_create(author=mod.zhao_lei, post_id=aid.pk, body="评论")
    if verb == "restore":
        post(client_for(mod.li_wei), f"/api/moderation/comments/{comment.pk}/hide", {"reason": "x"})
    before, entries = snapshot(comment), AuditEntry.objects.count()
    for name in NOT_MODERATORS:
        response = post(
            client_for(mod.world.people[name]),
            f"/api/moderation/comments/{comment.pk}/{verb}",
            {"reason": "x"},
        )
        assert response.status_code in (403, 404), name
    for name in OUTSIDERS:
        response = post(
            client_for(mod.world.people[name]),
            f"/api/moderation/comments/{comment.pk}/{verb}",
            {"reason": "x"},
        )
        assert response.status_code == 404, name
    assert snapshot(comment) == before
    assert AuditEntry.objects.count() == entries


def test_the_boards_own_endpoints_are_audited(mod: Mod, aid: Post) -> None:
    li = client_for(mod.li_wei)
    assert post(li, f"/api/boards/posts/{aid.pk}/pin", {"pinned": True}).status_code == 200
    assert post(li, f"/api/boards/posts/{aid.pk}/pin", {"pinned": False}).status_code == 200
    assert post(li, f"/api/boards/posts/{aid.pk}/hide").status_code == 200
    assert post(li, f"/api/boards/posts/{aid.pk}/restore").status_code == 200
    comment = comment_create(author=mod.zhao_lei, post_id=aid.pk, body="评论")
    assert li.delete(f"/api/boards/comments/{comment.pk}").status_code == 204
    assert (
        li.delete(f"/api/boards/posts/{aid.pk}").status_code == 204
    )  # a moderator's delete: removed
    board = mod.board(BoardKind.MUTUAL_AID)
    li.patch(f"/api/boards/{board.pk}", {"requires_review": True}, content_type="application/json")
    first = post_create(
        author=mod.wang_fang, board_id=board.pk, title="一", body="一", extra={"need": "offer"}
    )
    second = post_create(
        author=mod.wang_fang, board_id=board.pk, title="二", body="二", extra={"need": "offer"}
    )
    assert (
        post(li, f"/api/boards/posts/{first.pk}/review", {"decision": "approve"}).status_code == 200
    )
    assert (
        post(
            li, f"/api/boards/posts/{second.pk}/review", {"decision": "reject", "reason": "重复"}
        ).status_code
        == 200
    )
    actions = [(e.action, e.target_kind) for e in AuditEntry.objects.order_by("id")]
    assert actions == [
        ("pin", "post"),
        ("unpin", "post"),
        ("hide", "post"),
        ("restore", "post"),
        ("hide", "comment"),
        ("remove", "post"),
        ("approve", "post"),
        ("reject", "post"),
    ]
    assert all(e.community_id == mod.world.meiluo.pk for e in AuditEntry.objects.all())


def test_a_party_board_post_waiting_for_review_is_the_secretarys_to_decide(mod: Mod) -> None:
    board = mod.board(BoardKind.PARTY)
    client_for(mod.li_wei).patch(
        f"/api/boards/{board.pk}", {"requires_review": True}, content_type="application/json"
    )
    note = post_create(author=mod.zhao_lei, board_id=board.pk, title="学习心得", body="认真学习")
    assert note.status == "pending"
    refused = post(
        client_for(mod.li_wei), f"/api/boards/posts/{note.pk}/review", {"decision": "approve"}
    )
    assert (refused.status_code, refused.json()["code"]) == (403, "gated")
    assert Post.objects.get(pk=note.pk).status == "pending"
    assert not AuditEntry.objects.filter(action="approve").exists()
    approved = post(
        client_for(mod.zhang_min), f"/api/boards/posts/{note.pk}/review", {"decision": "approve"}
    )
    assert approved.status_code == 200
    assert AuditEntry.objects.get(action="approve").actor_id == mod.zhang_min.pk
