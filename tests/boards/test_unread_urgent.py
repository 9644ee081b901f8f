"""Board lists with unread counts, read marks, urgent notices and their acknowledgement."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO
from typing import Any

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from communities.boards.models import PostAttachment, PostImage
from communities.boards.selectors import boards_of, unread_counts
from tests.boards.conftest import Town, api, make_post, post_body


def kinds(boards: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(board["kind"], board["place"]["name"]) for board in boards]


def test_each_person_lists_the_boards_of_their_own_places(town: Town) -> None:
    assert kinds(api(town.wang_fang).get("/boards").json()) == [
        ("district", "宝山区"),
        ("notices", "美罗家园居委"),
        ("party", "美罗家园居委"),
        ("guide", "美罗家园居委"),
        ("mutual_aid", "美罗家园居委"),
        ("idle", "美罗家园居委"),
        ("property", "美罗一期"),
    ]
    assert kinds(api(town.sun_qin).get("/boards").json()) == [
        ("notices", "天平村"),
        ("hometown", "天平村"),
    ]
    village = kinds(api(town.he_mei).get("/boards").json())
    assert village[-2:] == [("property", "天平村一组"), ("hometown", "天平村")]
    committee = api(town.li_wei).get("/boards").json()
    assert [b["place"]["name"] for b in committee if b["kind"] == "property"] == [
        "美罗一期",
        "美罗二期",
    ]
    assert all(b["can_moderate"] for b in committee if b["kind"] != "district")
    assert kinds(api(town.liu_yang).get("/boards").json()) == [("district", "宝山区")]
    assert api(town.nobody).get("/boards").json() == []


def test_supervisors_look_at_a_place_below_them(town: Town) -> None:
    boards = api(town.liu_yang).get("/boards", place=town.world.meiluo.pk).json()
    assert len(boards) == 7  # five community boards and two property boards
    assert not any(
        board["can_post"] or board["can_comment"] or board["can_moderate"] or board["can_manage"]
        for board in boards
    )
    assert api(town.wusong_supervisor).get("/boards", place=town.world.meiluo.pk).status_code == 404
    assert api(town.wang_fang).get("/boards", place=town.world.gongkang.pk).status_code == 404


def test_supervisors_list_the_communities_below_them_and_nobody_else_does(town: Town) -> None:
    below_luodian = api(town.liu_yang).get("/boards/places").json()
    assert {(p["name"], p["street"]) for p in below_luodian} == {
        ("美罗家园居委", "罗店镇"),
        (town.village.name, "罗店镇"),
    }
    whole = {p["name"] for p in api(town.huang_jun).get("/boards/places").json()}
    assert whole == {"美罗家园居委", town.village.name, "共康居委"}
    for name in ("wang_fang", "li_wei", "ma_lin", "nobody"):
        assert api(town.people[name]).get("/boards/places").json() == []
    for board in api(town.liu_yang).get("/boards", place=town.village.pk).json():
        assert board["place"]["id"] in {town.village.pk, town.village_1.pk}


def test_unread_counts_others_posts_after_the_read_mark(town: Town) -> None:
    notices, idle = town.boards["notices"], town.boards["idle"]
    for n in range(3):
        make_post(notices, town.li_wei, f"通知{n}")
    make_post(idle, town.sun_li)
    make_post(idle, town.wang_fang)  # her own: never unread for her
    make_post(notices, town.li_wei, "待审", status="pending")
    make_post(notices, town.li_wei, "过期", expires_at=timezone.now() - timedelta(minutes=1))
    wang = api(town.wang_fang)
    unread = wang.get("/boards/unread").json()
    assert (unread[str(notices.pk)], unread[str(idle.pk)]) == (3, 1)
    assert wang.post(f"/boards/{notices.pk}/read").json() == {"unread": 0}
    make_post(notices, town.li_wei, "新通知")
    unread = wang.get("/boards/unread").json()
    assert (unread[str(notices.pk)], unread[str(idle.pk)]) == (1, 1)
    listed = {b["id"]: b["unread"] for b in wang.get("/boards").json()}
    assert listed[notices.pk] == 1
    assert api(town.chen_jie).post(f"/boards/{notices.pk}/read").status_code == 404


def test_unread_counts_cost_two_queries_however_many_boards(
    town: Town, django_assert_num_queries: Any
) -> None:
    boards = [board for board, _ in boards_of(town.li_wei)]
    assert len(boards) >= 8
    with django_assert_num_queries(2):
        counts = unread_counts(town.li_wei, boards)
    assert set(counts) == {board.pk for board in boards}


def test_an_urgent_notice_waits_for_acknowledgement(town: Town) -> None:
    notices = town.boards["notices"]
    created = api(town.li_wei).post(
        f"/boards/{notices.pk}/posts", {**post_body("notices", "燃气泄漏"), "urgent": True}
    )
    post_id = created.json()["id"]
    make_post(notices, town.li_wei, "已过期的紧急通知", urgent=True, expires_at=timezone.now())
    wang, sun = api(town.wang_fang), api(town.sun_li)
    assert [p["title"] for p in wang.get("/boards/urgent").json()] == ["燃气泄漏"]
    assert wang.post(f"/boards/posts/{post_id}/acknowledge").status_code == 204
    assert wang.post(f"/boards/posts/{post_id}/acknowledge").status_code == 204
    assert wang.get("/boards/urgent").json() == []
    assert [p["id"] for p in sun.get("/boards/urgent").json()] == [post_id]
    assert api(town.chen_jie).get("/boards/urgent").json() == []
    assert [p["id"] for p in api(town.zheng_hua).get("/boards/urgent").json()] == [post_id]
    assert api(town.li_wei).get("/boards/urgent").json() == []  # its author
    assert api(town.chen_jie).post(f"/boards/posts/{post_id}/acknowledge").status_code == 404


def test_an_urgent_notice_carries_its_paragraphs_for_the_pop_up(town: Town) -> None:
    notices = town.boards["notices"]
    body = "<p>今明两天有大风暴雨。</p><ul><li>收好花盆</li><li>车辆移至地面</li></ul>"
    make_post(notices, town.li_wei, "台风防御", urgent=True, body=body)
    [urgent] = api(town.wang_fang).get("/boards/urgent").json()
    assert urgent["body"] == body  # paragraphs and list items kept, unlike the excerpt
    assert "<" not in urgent["excerpt"]
    page = api(town.wang_fang).get(f"/boards/{notices.pk}/posts").json()
    assert all("body" not in post for post in page["posts"])  # lists stay light


def test_a_village_notice_reaches_villagers_living_away(town: Town) -> None:
    board = town.boards["village_notices"]
    make_post(board, town.xu_ming, "村里修路", urgent=True)
    assert [p["title"] for p in api(town.sun_qin).get("/boards/urgent").json()] == ["村里修路"]


def test_only_notices_are_urgent_or_expire(town: Town) -> None:
    idle = town.boards["idle"]
    body = {**post_body("idle"), "urgent": True}
    refused = api(town.wang_fang).post(f"/boards/{idle.pk}/posts", body)
    assert refused.status_code == 400
    assert set(refused.json()["errors"]) == {"urgent"}
    past = (timezone.now() - timedelta(days=1)).isoformat()
    notices = town.boards["notices"]
    refused = api(town.li_wei).post(
        f"/boards/{notices.pk}/posts", {**post_body("notices"), "expires_at": past}
    )
    assert set(refused.json()["errors"]) == {"expires_at"}


def png(size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def test_pictures_and_guide_attachments_are_uploaded_then_put_on_a_post(
    town: Town, django_capture_on_commit_callbacks: Any
) -> None:
    li = api(town.li_wei)
    picture = li.client.post(
        "/api/boards/images", {"file": SimpleUploadedFile("a.png", png(), "image/png")}
    )
    assert picture.status_code == 201
    image = picture.json()
    assert (image["width"], image["height"]) == (64, 48)
    assert image["url"].startswith("/media/boards/images/")
    pdf = li.client.post(
        "/api/boards/attachments",
        {"file": SimpleUploadedFile("办事指南.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")},
    )
    assert pdf.status_code == 201
    assert pdf.json()["name"] == "办事指南.pdf"

    guide = town.boards["guide"]
    body = {**post_body("guide"), "image_ids": [image["id"]], "attachment_ids": [pdf.json()["id"]]}
    post = li.post(f"/boards/{guide.pk}/posts", body).json()
    assert [i["id"] for i in post["images"]] == [image["id"]]
    assert [a["name"] for a in post["attachments"]] == ["办事指南.pdf"]
    # Someone else's upload, or one already on a post, cannot be taken.
    notices = town.boards["notices"]
    again = li.post(
        f"/boards/{notices.pk}/posts", {**post_body("notices"), "image_ids": [image["id"]]}
    )
    assert set(again.json()["errors"]) == {"image_ids"}
    attach = li.post(
        f"/boards/{notices.pk}/posts",
        {**post_body("notices"), "attachment_ids": [pdf.json()["id"]]},
    )
    assert attach.status_code == 400
    stored = PostImage.objects.get(pk=image["id"])
    names = [stored.image.name, stored.thumbnail.name]
    assert all(default_storage.exists(name) for name in names)
    with django_capture_on_commit_callbacks(execute=True):
        edited = li.patch(f"/boards/posts/{post['id']}", {"image_ids": []}).json()
    assert edited["images"] == []
    assert not PostImage.objects.filter(pk=image["id"]).exists()
    assert not any(default_storage.exists(name) for name in names)
    assert PostAttachment.objects.get(pk=pdf.json()["id"]).post_id == post["id"]


def test_a_renamed_non_image_is_refused_with_a_file_error(town: Town) -> None:
    response = api(town.wang_fang).client.post(
        "/api/boards/images",
        {"file": SimpleUploadedFile("photo.jpg", b"not a picture", "image/jpeg")},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "file" in response.json()["errors"]
    assert PostImage.objects.count() == 0
    assert (
        api(town.nobody)
        .client.post(
            "/api/boards/images", {"file": SimpleUploadedFile("a.png", png(), "image/png")}
        )
        .status_code
        == 403
    )


def test_a_page_of_posts_costs_the_same_queries_however_many_posts(
    town: Town, django_assert_max_num_queries: Any
) -> None:
    board = town.boards["notices"]
    for n in range(20):
        make_post(board, town.li_wei if n % 2 else town.zhang_min, f"通知{n}", pinned=n < 2)
    wang = api(town.wang_fang)
    wang.get(f"/boards/{board.pk}/posts")  # the session is loaded once
    with django_assert_max_num_queries(12):
        page = wang.get(f"/boards/{board.pk}/posts").json()
    assert len(page["pinned"]) == 2
    assert len(page["posts"]) == 18


def test_a_post_approved_after_the_read_mark_is_unread(town: Town) -> None:
    idle = town.boards["idle"]
    li, sun = api(town.li_wei), api(town.sun_li)
    li.patch(f"/boards/{idle.pk}", {"requires_review": True})
    pending = api(town.wang_fang).post(f"/boards/{idle.pk}/posts", post_body("idle")).json()
    make_post(idle, town.zhao_lei, "之后发布的")
    sun.post(f"/boards/{idle.pk}/read")
    assert sun.get("/boards/unread").json()[str(idle.pk)] == 0
    li.post(f"/boards/posts/{pending['id']}/review", {"decision": "approve"})
    assert sun.get("/boards/unread").json()[str(idle.pk)] == 1
    sun.post(f"/boards/{idle.pk}/read")
    assert sun.get("/boards/unread").json()[str(idle.pk)] == 0
