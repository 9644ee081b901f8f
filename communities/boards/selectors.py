"""Reads for the boards: which boards a person has, pages of posts, unread counts, queues."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.errors import Forbidden, NotFound
from communities.models import COMMUNITY_KINDS, Place, PlaceKind, User
from communities.moderation.models import TargetKind
from communities.rules import Action, places_where
from communities.rules.boards import BoardAccess, board_access, board_kinds, may_edit, sees_post
from communities.rules.moderation import removed_by_moderator
from communities.rules.reach import Reach

from .models import (
    Board,
    BoardKind,
    BoardReadMark,
    Comment,
    Post,
    PostLike,
    PostRevision,
    UrgentAck,
)
from .shapes import post_detail

PAGE = 20
PAGE_MAX = 50
# The order of a community's tabs.
KIND_ORDER = [
    BoardKind.DISTRICT,
    BoardKind.NOTICES,
    BoardKind.PARTY,
    BoardKind.GUIDE,
    BoardKind.MUTUAL_AID,
    BoardKind.IDLE,
    BoardKind.PROPERTY,
    BoardKind.HOMETOWN,
]


def boards_at(places: list[Place]) -> list[Board]:
    """Every board of ``places``, in the tabs' order. Boards are made with their place
    (``boards.receivers.place_created``), so this only reads."""
    wanted = {(place.pk, kind) for place in places for kind in board_kinds(place)}
    if not wanted:
        return []
    found = Board.objects.filter(place_id__in={place.pk for place in places}).select_related(
        "place"
    )
    return sorted(
        (board for board in found if (board.place_id, board.kind) in wanted),
        key=lambda board: (KIND_ORDER.index(BoardKind(board.kind)), board.place.path),
    )


def boards_of(user: User, *, place_id: int | None = None) -> list[tuple[Board, BoardAccess]]:
    """The boards ``user`` reads: those of their own places, or (``place_id``) those of one
    community or estate they may read (supervisors look at the places below them)."""
    reach = Reach.of(user)
    if place_id is not None:
        place = Place.objects.filter(
            pk=place_id,
            kind__in=[PlaceKind.RESIDENTS_COMMITTEE, PlaceKind.VILLAGE, PlaceKind.ESTATE],
        ).first()
        if place is None:
            raise NotFound()
        places = [place]
        if place.is_community:
            places += list(Place.objects.filter(parent=place, kind=PlaceKind.ESTATE))
    else:
        communities = reach.communities()
        estates = Q(pk__in=reach.estates()) | Q(
            parent_id__in=reach.staff_communities(), kind=PlaceKind.ESTATE
        )
        places = list(
            Place.objects.filter(Q(pk__in=reach.districts() | communities) | estates).exclude(
                kind__in=[PlaceKind.STREET, PlaceKind.TOWN, PlaceKind.PARK]
            )
        )
    readable = [(board, board_access(reach, board)) for board in boards_at(places)]
    readable = [(board, access) for board, access in readable if access.read]
    if place_id is not None and not readable:
        raise NotFound()
    return readable


def observed_communities(user: User) -> list[Place]:
    """The communities below a supervisor's street or district, whose boards they read
    (``boards_of(place_id=…)``); nobody else observes any."""
    ids = [place.pk for place in places_where(user, Action.SUPERVISE, kinds=COMMUNITY_KINDS)]
    return list(Place.objects.filter(pk__in=ids).select_related("parent").order_by("path"))


def board_for(user: User, board_id: int) -> tuple[Board, BoardAccess, Reach]:
    """A board ``user`` may read; NotFound whether missing or forbidden."""
    board = Board.objects.select_related("place").filter(pk=board_id).first()
    if board is None:
        raise NotFound()
    reach = Reach.of(user)
    access = board_access(reach, board)
    if not access.read:
        raise NotFound()
    return board, access, reach


def _posts() -> QuerySet[Post]:
    return Post.objects.select_related("author", "board").prefetch_related("images")


def post_for(user: User, post_id: int) -> tuple[Post, BoardAccess]:
    """A post ``user`` may see, with their access to its board; NotFound otherwise."""
    post = (
        _posts()
        .select_related("board__place")
        .prefetch_related("attachments")
        .filter(pk=post_id)
        .first()
    )
    if post is None:
        raise NotFound()
    access = board_access(Reach.of(user), post.board)
    if not sees_post(access, post, user.pk):
        raise NotFound()
    return post, access


def post_to_restore(user: User, post_id: int) -> tuple[Post, BoardAccess]:
    """A post a moderator may bring back: any post they see, and also one a moderator
    removed (status deleted) — not one its author deleted. NotFound otherwise."""
    post = _posts().select_related("board__place").filter(pk=post_id).first()
    if post is None:
        raise NotFound()
    access = board_access(Reach.of(user), post.board)
    if post.status == Post.Status.DELETED:
        if access.read and access.moderate and removed_by_moderator(TargetKind.POST, post.pk):
            return post, access
        raise NotFound()
    if not sees_post(access, post, user.pk):
        raise NotFound()
    return post, access


def comment_for(user: User, comment_id: int) -> tuple[Comment, Post, BoardAccess]:
    """A comment on a post ``user`` sees (in any state: callers check it); NotFound
    otherwise."""
    comment = (
        Comment.objects.select_related("author").filter(pk=comment_id).first()
        if isinstance(comment_id, int)
        else None
    )
    if comment is None:
        raise NotFound()
    post, access = post_for(user, comment.post_id)
    return comment, post, access


def _unexpired(now: datetime) -> Q:
    return Q(expires_at__isnull=True) | Q(expires_at__gt=now)


def _listed(user: User, access: BoardAccess) -> Q:
    shown = Q(status=Post.Status.PUBLISHED) | Q(
        author=user, status__in=[Post.Status.PENDING, Post.Status.REJECTED]
    )
    if access.manage:
        shown |= Q(status=Post.Status.HIDDEN)
    return shown & _unexpired(timezone.now())


@dataclass(frozen=True)
class Page:
    pinned: list[Post]
    posts: list[Post]
    next_before: int | None


def post_page(
    user: User,
    board: Board,
    access: BoardAccess,
    *,
    before: int | None = None,
    text: str = "",
    limit: int = PAGE,
) -> Page:
    """Newest first; pinned posts apart on the first page (not when searching)."""
    limit = max(1, min(limit, PAGE_MAX))
    queryset = _posts().filter(_listed(user, access), board=board)
    text = text.strip()[:100]
    pinned: list[Post] = []
    if text:
        queryset = queryset.filter(Q(title__icontains=text) | Q(body_text__icontains=text))
    else:
        if before is None:
            pinned = list(queryset.filter(pinned=True).order_by("-id")[:PAGE_MAX])
        queryset = queryset.filter(pinned=False)
    if before is not None:
        queryset = queryset.filter(pk__lt=before)
    posts = list(queryset.order_by("-id")[: limit + 1])
    more = len(posts) > limit
    posts = posts[:limit]
    return Page(pinned=pinned, posts=posts, next_before=posts[-1].pk if more else None)


def liked_by(user: User, post: Post) -> bool:
    return PostLike.objects.filter(post=post, user=user).exists()


def unread_counts(user: User, boards: list[Board]) -> dict[int, int]:
    """Unread published posts by others per board, after the user's read mark: two
    queries, however many boards. A post approved after the mark moved counts too, though
    its id (from when it was submitted) is older."""
    if not boards:
        return {}
    ids = [board.pk for board in boards]
    marks = {
        board_id: (last, at)
        for board_id, last, at in BoardReadMark.objects.filter(
            user=user, board_id__in=ids
        ).values_list("board_id", "last_post_id", "updated_at")
    }
    after = Q()
    for pk in ids:
        if pk in marks:
            last, at = marks[pk]
            after |= Q(board_id=pk) & (Q(pk__gt=last) | Q(reviewed_at__gt=at))
        else:
            after |= Q(board_id=pk)
    rows = (
        Post.objects.filter(after, _unexpired(timezone.now()), status=Post.Status.PUBLISHED)
        .exclude(author=user)
        .values("board_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = dict.fromkeys(ids, 0)
    counts.update({row["board_id"]: row["n"] for row in rows})
    return counts


def revisions_of(user: User, post_id: int) -> tuple[Post, list[PostRevision]]:
    """A post's earlier versions, newest first: for its author and its moderators."""
    post, access = post_for(user, post_id)
    if not may_edit(access, post, user.pk):
        raise Forbidden(_("Only the author and moderators see earlier versions."))
    return post, list(post.revisions.select_related("editor"))


def comments_of(post: Post, *, moderator: bool) -> list[tuple[Comment, list[Comment]]]:
    """Top comments oldest first, each with its replies; deleted comments without replies
    are left out."""
    everything = list(Comment.objects.filter(post=post).select_related("author").order_by("id"))
    replies: dict[int, list[Comment]] = {}
    for comment in everything:
        if comment.parent_id is not None and comment.status != Comment.Status.DELETED:
            replies.setdefault(comment.parent_id, []).append(comment)
    return [
        (comment, replies.get(comment.pk, []))
        for comment in everything
        if comment.parent_id is None
        and (comment.status != Comment.Status.DELETED or replies.get(comment.pk) or moderator)
    ]


def urgent_for(user: User) -> list[Post]:
    """Urgent, unexpired notices of the user's own communities, by others, not yet
    acknowledged."""
    boards = [board for board, _ in boards_of(user) if board.kind == BoardKind.NOTICES]
    acknowledged = UrgentAck.objects.filter(post=OuterRef("pk"), user=user)
    return list(
        _posts()
        .filter(
            _unexpired(timezone.now()),
            board__in=boards,
            urgent=True,
            status=Post.Status.PUBLISHED,
        )
        .filter(~Exists(acknowledged))
        .exclude(author=user)
        .order_by("-id")[:20]
    )


def review_queue(user: User, *, community_id: int | None = None) -> list[Post]:
    """Pending posts on the boards of the communities (and their estates) whose committee
    ``user`` sits on."""
    reach = Reach.of(user)
    communities = reach.staff_communities()
    if community_id is not None:
        communities &= {community_id}
    if not communities:
        raise Forbidden()
    return list(
        _posts()
        .filter(
            Q(board__place_id__in=communities) | Q(board__place__parent_id__in=communities),
            status=Post.Status.PENDING,
        )
        .order_by("id")[:200]
    )


def post_detail_of(user: User, post: Post, access: BoardAccess) -> dict[str, Any]:
    """The full shape of a post for ``user`` (whose ``access`` to its board is known)."""
    return post_detail(
        post,
        liked=liked_by(user, post),
        access=access,
        can_edit=may_edit(access, post, user.pk),
        revisions=post.revisions.count(),
    )
