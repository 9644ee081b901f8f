"""A post's life through the HTTP API: publish, read, edit (with history), like, comment,
hide, restore, pin, state, "I want it", delete; the review queue; lists and search."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from chat.models import Conversation, Message
from communities.boards.models import Comment, Post, PostRevision
from tests.boards.conftest import Town, api, make_post, post_body


def test_a_notice_is_published_sanitised_and_shaped(town: Town) -> None:
    board = town.boards["notices"]
    body = (
        '<p onclick="steal()">停水通知<script>alert(1)</script></p>'
        '<a href="javascript:alert(1)">点我</a><a href="https://example.com">详情</a>'
    )
    response = api(town.li_wei).post(
        f"/boards/{board.pk}/posts", {"title": "  周三停水  ", "body": body, "urgent": True}
    )
    assert response.status_code == 201
    post = response.json()
    assert post["title"] == "周三停水"
    assert post["status"] == "published"
    assert "script" not in post["body"]
    assert "onclick" not in post["body"]
    assert "javascript" not in post["body"]
    assert 'rel="noopener noreferrer nofollow"' in post["body"]
    assert post["excerpt"].startswith("停水通知")
    assert post["board"] == {"id": board.pk, "kind": "notices", "place_id": town.world.meiluo.pk}
    assert post["author"] == {"id": town.li_wei.pk, "name": "li_wei", "party": False}
    assert post["urgent"] is True
    assert set(post) == {
        *("id", "board", "title", "excerpt", "author", "status", "pinned", "urgent"),
        *("expires_at", "created_at", "edited_at", "likes", "comments", "reads", "images"),
        *("extra", "body", "attachments", "liked", "can_edit", "can_moderate", "revisions"),
        *("can_comment", "can_manage"),
    }


def test_opening_a_post_counts_each_reader_once(town: Town) -> None:
    post = make_post(town.boards["notices"], town.li_wei)
    for name in ("wang_fang", "wang_fang", "sun_li"):
        reads = api(town.people[name]).get(f"/boards/posts/{post.pk}").json()["reads"]
    assert reads == 2


def test_editing_keeps_what_was_replaced(town: Town) -> None:
    post = make_post(town.boards["mutual_aid"], town.wang_fang, "求借梯子")
    owner = api(town.wang_fang)
    edited = owner.patch(f"/boards/posts/{post.pk}", {"title": "求借人字梯", "body": "三楼用"})
    assert edited.status_code == 200
    assert edited.json()["title"] == "求借人字梯"
    assert edited.json()["body"] == "<p>三楼用</p>"
    assert edited.json()["edited_at"] is not None
    assert edited.json()["revisions"] == 1
    history = owner.get(f"/boards/posts/{post.pk}/revisions").json()
    assert [(r["title"], r["editor"]["id"]) for r in history] == [("求借梯子", town.wang_fang.pk)]
    moderator = api(town.li_wei).patch(f"/boards/posts/{post.pk}", {"title": "求借人字梯（已改）"})
    assert moderator.status_code == 200
    assert PostRevision.objects.filter(post=post).count() == 2
    assert api(town.sun_li).patch(f"/boards/posts/{post.pk}", {"title": "x"}).status_code == 404
    assert api(town.sun_li).get(f"/boards/posts/{post.pk}/revisions").status_code == 403


def test_likes_are_counted_once_per_person(town: Town) -> None:
    post = make_post(town.boards["idle"], town.wang_fang)
    sun = api(town.sun_li)
    assert sun.put(f"/boards/posts/{post.pk}/like").json() == {"likes": 1, "liked": True}
    assert sun.put(f"/boards/posts/{post.pk}/like").json() == {"likes": 1, "liked": True}
    assert api(town.li_wei).put(f"/boards/posts/{post.pk}/like").json()["likes"] == 2
    assert sun.delete(f"/boards/posts/{post.pk}/like").json() == {"likes": 1, "liked": False}
    assert sun.get(f"/boards/posts/{post.pk}").json()["liked"] is False


def test_comments_have_one_level_of_replies(town: Town) -> None:
    post = make_post(town.boards["notices"], town.li_wei)
    wang, sun = api(town.wang_fang), api(town.sun_li)
    top = wang.post(f"/boards/posts/{post.pk}/comments", {"body": " 收到 "}).json()
    assert top["body"] == "收到"
    assert top["parent_id"] is None
    reply = sun.post(f"/boards/posts/{post.pk}/comments", {"body": "我也", "parent_id": top["id"]})
    deeper = wang.post(
        f"/boards/posts/{post.pk}/comments", {"body": "好的", "parent_id": reply.json()["id"]}
    )
    assert deeper.json()["parent_id"] == top["id"]
    thread = sun.get(f"/boards/posts/{post.pk}/comments").json()
    assert [c["body"] for c in thread] == ["收到"]
    assert [r["body"] for r in thread[0]["replies"]] == ["我也", "好的"]
    assert sun.get(f"/boards/posts/{post.pk}").json()["comments"] == 3

    assert sun.delete(f"/boards/comments/{top['id']}").status_code == 404  # not hers
    assert api(town.li_wei).delete(f"/boards/comments/{top['id']}").status_code == 204
    shown = sun.get(f"/boards/posts/{post.pk}/comments").json()[0]
    assert (shown["status"], shown["body"]) == ("hidden", "")
    assert api(town.li_wei).get(f"/boards/posts/{post.pk}/comments").json()[0]["body"] == "收到"
    assert sun.get(f"/boards/posts/{post.pk}").json()["comments"] == 2


def test_hidden_and_deleted_posts_leave_the_list(town: Town) -> None:
    board = town.boards["idle"]
    post = make_post(board, town.wang_fang)
    moderator, reader = api(town.li_wei), api(town.sun_li)
    assert moderator.post(f"/boards/posts/{post.pk}/hide").json()["status"] == "hidden"
    assert reader.get(f"/boards/{board.pk}/posts").json()["posts"] == []
    assert reader.get(f"/boards/posts/{post.pk}").status_code == 404
    assert moderator.post(f"/boards/posts/{post.pk}/hide").status_code == 409
    assert moderator.post(f"/boards/posts/{post.pk}/restore").json()["status"] == "published"
    assert [p["id"] for p in reader.get(f"/boards/{board.pk}/posts").json()["posts"]] == [post.pk]
    assert reader.delete(f"/boards/posts/{post.pk}").status_code == 404
    assert api(town.wang_fang).delete(f"/boards/posts/{post.pk}").status_code == 204
    assert Post.objects.get(pk=post.pk).status == "deleted"
    assert reader.get(f"/boards/{board.pk}/posts").json()["posts"] == []


def test_an_idle_item_moves_from_available_to_given_and_can_be_wanted(town: Town) -> None:
    post = make_post(town.boards["idle"], town.wang_fang, "闲置婴儿车")
    sun = api(town.sun_li)
    wanted = sun.post(f"/boards/posts/{post.pk}/want")
    assert wanted.status_code == 200
    conversation = Conversation.objects.get(pk=wanted.json()["conversation_id"])
    assert conversation.kind == Conversation.Kind.DIRECT
    again = sun.post(f"/boards/posts/{post.pk}/want").json()["conversation_id"]
    assert again == conversation.pk
    messages = Message.objects.filter(conversation=conversation)
    assert messages.count() == 1
    assert "儿童自行车" in messages.get().body
    assert api(town.wang_fang).post(f"/boards/posts/{post.pk}/want").status_code == 400

    assert sun.post(f"/boards/posts/{post.pk}/state", {"state": "given"}).status_code == 403
    owner = api(town.wang_fang)
    reserved = owner.post(f"/boards/posts/{post.pk}/state", {"state": "reserved"})
    assert reserved.json()["extra"]["state"] == "reserved"
    assert sun.post(f"/boards/posts/{post.pk}/want").status_code == 409
    bad = owner.post(f"/boards/posts/{post.pk}/state", {"state": "sold"})
    assert bad.status_code == 400
    assert "state" in bad.json()["errors"]


def test_a_mutual_aid_request_is_marked_resolved_by_its_poster(town: Town) -> None:
    post = make_post(town.boards["mutual_aid"], town.wang_fang)
    assert post.extra == {"need": "request"}
    response = api(town.wang_fang).post(f"/boards/posts/{post.pk}/state", {"resolved": True})
    assert response.json()["extra"]["resolved"] is True
    assert (
        api(town.sun_li).post(f"/boards/posts/{post.pk}/state", {"resolved": False}).status_code
        == 403
    )


def test_a_guide_keeps_its_structured_fields(town: Town) -> None:
    board = town.boards["guide"]
    body = post_body("guide")
    body["extra"] = {
        "matter": " 办理居住证 ",
        "steps": ["网上预约", " ", "带材料到窗口"],
        "documents": ["身份证", "租房合同"],
        "where": "社区事务受理中心",
        "office_hours": "周一至周五 9:00-17:00",
        "contact": "021-12345678",
    }
    created = api(town.li_wei).post(f"/boards/{board.pk}/posts", body).json()
    assert created["extra"]["matter"] == "办理居住证"
    assert created["extra"]["steps"] == ["网上预约", "带材料到窗口"]
    body["extra"] = {"matter": "x", "steps": [], "colour": "red"}
    refused = api(town.li_wei).post(f"/boards/{board.pk}/posts", body)
    assert refused.status_code == 400
    assert "extra" in refused.json()["errors"]
    body["extra"] = {"matter": "", "steps": []}
    refused = api(town.li_wei).post(f"/boards/{board.pk}/posts", body).json()
    assert set(refused["errors"]) == {"extra.matter", "extra.steps"}


def test_the_review_queue(town: Town) -> None:
    board = town.boards["idle"]
    li = api(town.li_wei)
    assert li.patch(f"/boards/{board.pk}", {"requires_review": True}).json()["requires_review"]
    first = api(town.wang_fang).post(f"/boards/{board.pk}/posts", post_body("idle", "旧书架"))
    second = api(town.sun_li).post(f"/boards/{board.pk}/posts", post_body("idle", "旧台灯"))
    assert first.json()["status"] == second.json()["status"] == "pending"
    # Only the author and the committee see a pending post.
    assert api(town.zhao_lei).get(f"/boards/{board.pk}/posts").json()["posts"] == []
    assert api(town.zhao_lei).get(f"/boards/posts/{first.json()['id']}").status_code == 404
    mine = api(town.wang_fang).get(f"/boards/{board.pk}/posts").json()["posts"]
    assert [p["status"] for p in mine] == ["pending"]

    queue = li.get("/boards/review").json()
    assert [p["title"] for p in queue] == ["旧书架", "旧台灯"]
    assert li.get("/boards/review", community=town.world.gongkang.pk).status_code == 403
    assert api(town.lin_na).get("/boards/review").json() == []
    assert api(town.wang_fang).get("/boards/review").status_code == 403

    url = f"/boards/posts/{first.json()['id']}/review"
    assert api(town.lin_na).post(url, {"decision": "approve"}).status_code == 404
    assert li.post(url, {"decision": "reject"}).json()["errors"] == {
        "reason": "Please give the author a reason."
    }
    assert li.post(url, {"decision": "approve"}).json()["status"] == "published"
    assert li.post(url, {"decision": "approve"}).status_code == 409
    rejected = li.post(
        f"/boards/posts/{second.json()['id']}/review", {"decision": "reject", "reason": "重复发布"}
    )
    assert rejected.json()["status"] == "rejected"
    assert li.get("/boards/review").json() == []
    listed = api(town.zhao_lei).get(f"/boards/{board.pk}/posts").json()["posts"]
    assert [p["title"] for p in listed] == ["旧书架"]
    # The committee's own posts need no review.
    own = li.post(f"/boards/{board.pk}/posts", post_body("idle", "居委会的旧桌子"))
    assert own.status_code == 403  # committee members are no residents: idle is for residents
    notices = town.boards["notices"]
    li.patch(f"/boards/{notices.pk}", {"requires_review": True})
    assert li.post(f"/boards/{notices.pk}/posts", post_body("notices")).json()["status"] == (
        "published"
    )


def test_pages_are_newest_first_with_pinned_posts_apart(town: Town) -> None:
    board = town.boards["notices"]
    posts = [make_post(board, town.li_wei, f"通知{n}") for n in range(25)]
    Post.objects.filter(pk=posts[3].pk).update(pinned=True)
    make_post(board, town.li_wei, "已过期", expires_at=timezone.now() - timedelta(hours=1))
    reader = api(town.wang_fang)
    first = reader.get(f"/boards/{board.pk}/posts", limit=10).json()
    assert [p["title"] for p in first["pinned"]] == ["通知3"]
    assert [p["title"] for p in first["posts"]] == [f"通知{n}" for n in range(24, 14, -1)]
    second = reader.get(f"/boards/{board.pk}/posts", limit=10, before=first["next_before"]).json()
    assert second["pinned"] == []
    assert [p["title"] for p in second["posts"]] == [f"通知{n}" for n in range(14, 4, -1)]
    third = reader.get(f"/boards/{board.pk}/posts", limit=10, before=second["next_before"]).json()
    assert [p["title"] for p in third["posts"]] == ["通知4", "通知2", "通知1", "通知0"]
    assert third["next_before"] is None


def test_search_finds_chinese_substrings_in_titles_and_text(town: Town) -> None:
    board = town.boards["notices"]
    make_post(board, town.li_wei, "电梯维修通知", body_text="三号楼电梯周五停用")
    make_post(board, town.li_wei, "垃圾分类", body_text="湿垃圾请破袋投放")
    pinned = make_post(board, town.li_wei, "停水", body_text="二号楼周三停水", pinned=True)
    reader = api(town.wang_fang)
    found = reader.get(f"/boards/{board.pk}/posts", q="电梯").json()
    assert [p["title"] for p in found["posts"]] == ["电梯维修通知"]
    assert found["pinned"] == []
    assert [p["id"] for p in reader.get(f"/boards/{board.pk}/posts", q="号楼").json()["posts"]][
        0
    ] == pinned.pk
    assert (
        reader.get(f"/boards/{board.pk}/posts", q="破袋").json()["posts"][0]["title"] == "垃圾分类"
    )
    assert reader.get(f"/boards/{board.pk}/posts", q="游泳").json()["posts"] == []


def test_a_comment_on_a_deleted_post_is_refused(town: Town) -> None:
    post = make_post(town.boards["notices"], town.li_wei, status=Post.Status.DELETED)
    response = api(town.wang_fang).post(f"/boards/posts/{post.pk}/comments", {"body": "x"})
    assert response.status_code == 404
    assert Comment.objects.count() == 0
