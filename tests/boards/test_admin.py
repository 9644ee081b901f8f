"""The admin pages of the boards open for a site administrator."""

from __future__ import annotations

from communities.boards.models import Comment
from tests.boards.conftest import Town, make_post
from tests.conftest import client_for


def test_the_board_admin_pages_open(town: Town) -> None:
    admin = town.nobody
    admin.is_staff = admin.is_superuser = True
    admin.save()
    post = make_post(town.boards["notices"], town.li_wei, "电梯检修")
    Comment.objects.create(post=post, author=town.wang_fang, body="收到")
    client = client_for(admin)
    for url in (
        "/admin/boards/board/",
        f"/admin/boards/board/{town.boards['notices'].pk}/change/",
        "/admin/boards/post/",
        f"/admin/boards/post/{post.pk}/change/",
        "/admin/boards/comment/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    assert "电梯检修" in client.get("/admin/boards/post/").content.decode()
