"""The admin pages of the boards, and pruning uploads never put on a post."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from communities.boards import tasks
from communities.boards.models import Comment, Post
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


def test_uploads_never_put_on_a_post_are_pruned(
    town: Town, django_capture_on_commit_callbacks: Any, worker: Callable[[], None]
) -> None:
    from datetime import timedelta
    from io import StringIO

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.core.management import call_command
    from django.utils import timezone

    from communities.boards.models import PostImage

    def upload(name: str, post: Post | None) -> PostImage:
        image = PostImage(uploader=town.li_wei, post=post, width=1, height=1)
        image.image.save(f"{name}.png", ContentFile(b"x"), save=False)
        image.thumbnail.save(f"{name}-t.png", ContentFile(b"x"), save=False)
        image.save()
        return image

    post = make_post(town.boards["notices"], town.li_wei)
    old, fresh, used = upload("old", None), upload("fresh", None), upload("used", post)
    PostImage.objects.filter(pk__in=[old.pk, used.pk]).update(
        created_at=timezone.now() - timedelta(days=2)
    )
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("prune_board_uploads", stdout=out)
    assert "1 unused uploads deleted" in out.getvalue()
    assert set(PostImage.objects.values_list("pk", flat=True)) == {fresh.pk, used.pk}
    assert not default_storage.exists(old.image.name)
    assert default_storage.exists(used.image.name)

    # Every night the task worker does the same.
    PostImage.objects.filter(pk=fresh.pk).update(created_at=timezone.now() - timedelta(days=2))
    tasks.prune_uploads.enqueue()
    with django_capture_on_commit_callbacks(execute=True):
        worker()
    assert set(PostImage.objects.values_list("pk", flat=True)) == {used.pk}
    assert not default_storage.exists(fresh.image.name)
