"""The demo boards: every board of the demo communities has posts, by people allowed to post
there, and seeding twice makes nothing twice."""

from __future__ import annotations

from communities.boards import demo
from communities.boards.models import Board, Comment, Post, PostLike
from communities.demo import seed as seed_people
from communities.rules.boards import board_access
from communities.rules.reach import Reach


def test_the_demo_boards_are_full_lawful_and_made_once(db: None) -> None:
    seed_people()
    assert demo.seed() == len(demo.POSTS)
    counts = (Post.objects.count(), Comment.objects.count(), PostLike.objects.count())
    assert demo.seed() == len(demo.POSTS)
    assert (Post.objects.count(), Comment.objects.count(), PostLike.objects.count()) == counts
    assert counts[0] == len(demo.POSTS)

    for post in Post.objects.select_related("board__place", "author"):
        assert board_access(Reach.of(post.author), post.board).post, post.title
    for comment in Comment.objects.select_related("post__board__place", "author"):
        assert board_access(Reach.of(comment.author), comment.post.board).comment, comment.body

    meiluo = Board.objects.filter(place__name="美罗家园第一居委会")
    assert {board.kind for board in meiluo if board.posts.exists()} == {
        *("notices", "party", "guide", "mutual_aid", "idle")
    }
    village = Board.objects.filter(place__name="天平村", posts__isnull=False)
    assert {"notices", "hometown"} <= set(village.values_list("kind", flat=True))
    posts = Post.objects.all()
    assert posts.filter(board__kind="district").count() >= 2
    assert posts.filter(board__kind="property").exists()
    assert posts.filter(pinned=True, board__kind="notices").exists()
    assert posts.filter(urgent=True, expires_at__isnull=False).exists()
    guide = posts.filter(board__kind="guide").first()
    assert guide is not None
    assert len(guide.extra["steps"]) >= 2
    assert guide.extra["documents"]
    assert posts.filter(board__kind="mutual_aid", extra__need="request").exists()
    assert posts.filter(board__kind="idle", extra__state="available").exists()
    assert Comment.objects.filter(parent__isnull=False).exists()
    liked = posts.filter(like_count__gt=0).first()
    assert liked is not None
    assert liked.like_count == PostLike.objects.filter(post=liked).count()
