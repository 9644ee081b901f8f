"""Bad input gets a 4xx in the API's error shape and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from communities.boards.models import Comment, Post
from realtime.models import Event
from tests.boards.conftest import Town, api, make_post, post_body


def unchanged() -> tuple[int, int, int]:
    return Post.objects.count(), Comment.objects.count(), Event.objects.count()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"body": "<p>正文</p>"}, "title"),
        ({"title": "标题"}, "body"),
        ({"title": "   ", "body": "<p>正文</p>"}, "title"),
        ({"title": "x" * 121, "body": "<p>正文</p>"}, "title"),
        ({"title": "标题", "body": "<script>alert(1)</script>"}, "body"),
        ({"title": "标题", "body": "<p>  </p>"}, "body"),
        ({"title": "标题", "body": "字" * 20001}, "body"),
        ({"title": "标题", "body": "正文", "image_ids": [999999]}, "image_ids"),
        ({"title": "标题", "body": "正文", "image_ids": "1"}, "image_ids"),
        ({"title": "标题", "body": "正文", "extra": {"item": "x"}}, "extra"),
        ({"title": "标题", "body": "正文", "pinned": "maybe"}, "pinned"),
        ({"title": "标题", "body": "正文", "expires_at": "tomorrow"}, "expires_at"),
    ],
)
def test_a_bad_post_is_refused_field_by_field(town: Town, body: dict[str, Any], field: str) -> None:
    before = unchanged()
    response = api(town.li_wei).post(f"/boards/{town.boards['notices'].pk}/posts", body)
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "invalid"
    assert isinstance(error["detail"], str)
    assert field in error["errors"]
    assert unchanged() == before


def test_bad_comments_and_replies_are_refused(town: Town) -> None:
    post = make_post(town.boards["notices"], town.li_wei)
    other = make_post(town.boards["notices"], town.li_wei)
    elsewhere = Comment.objects.create(post=other, author=town.li_wei, body="别处的评论")
    before = unchanged()
    wang = api(town.wang_fang)
    url = f"/boards/posts/{post.pk}/comments"
    assert wang.post(url, {"body": "   "}).json()["errors"] == {
        "body": "A comment cannot be empty."
    }
    assert "body" in wang.post(url, {"body": "长" * 1001}).json()["errors"]
    assert "parent_id" in wang.post(url, {"body": "好", "parent_id": elsewhere.pk}).json()["errors"]
    assert wang.post(url, {}).json()["errors"] == {"body": "Field required"}
    assert unchanged() == before


def test_missing_things_and_strangers_get_the_same_404(town: Town) -> None:
    post = make_post(town.boards["property"], town.wu_hao)
    stranger = api(town.chen_jie)
    for response in (
        stranger.get(f"/boards/posts/{post.pk}"),
        stranger.get("/boards/posts/999999"),
        stranger.get(f"/boards/{town.boards['property'].pk}/posts"),
        stranger.get("/boards/999999/posts"),
    ):
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_logged_out_requests_are_refused(town: Town) -> None:
    response = api(None).get("/boards")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_bad_review_decision_and_a_bad_pin_are_refused(town: Town) -> None:
    post = make_post(town.boards["notices"], town.wang_fang, status="pending")
    li = api(town.li_wei)
    bad = li.post(f"/boards/posts/{post.pk}/review", {"decision": "maybe"})
    assert bad.status_code == 400
    assert "decision" in bad.json()["errors"]
    assert li.post(f"/boards/posts/{post.pk}/pin", {}).json()["errors"] == {
        "pinned": "Field required"
    }
    post.refresh_from_db()
    assert (post.status, post.pinned) == ("pending", False)


def test_the_chinese_error_messages_are_the_default(town: Town) -> None:
    board = town.boards["notices"]
    client = api(town.li_wei).client
    client.defaults.pop("HTTP_ACCEPT_LANGUAGE", None)
    response = client.post(
        f"/api/boards/{board.pk}/posts",
        {"title": "", "body": "正文"},
        content_type="application/json",
    )
    assert response.json()["errors"]["title"] == "请填写标题。"
    assert post_body("notices")["extra"] == {}
