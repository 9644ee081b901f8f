"""HTTP API of the boards (/api/boards/…): thin, each endpoint calls one service or
selector and shapes the answer with ``shapes.py`` (the same shapes the live frames carry)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Router, Status
from ninja.files import UploadedFile

from communities.api import LOGGED_IN, current_user
from communities.rules.boards import BoardAccess
from communities.rules.words import filter_matches_of

from . import moderation, selectors, services
from .models import Post
from .schemas import (
    AttachmentOut,
    BoardOut,
    BoardPatch,
    CommentIn,
    CommentOut,
    ImageOut,
    LikeOut,
    ObservedOut,
    PageOut,
    PinIn,
    PostDetailOut,
    PostIn,
    PostPatch,
    ReviewIn,
    ReviewPostOut,
    RevisionOut,
    StateIn,
    ThreadOut,
    UnreadOut,
    UrgentPostOut,
    WantOut,
)
from .shapes import (
    attachment_out,
    board_out,
    comment_out,
    image_out,
    post_summary,
    revision_out,
)

router = Router(auth=LOGGED_IN, tags=["boards"])


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _detail(request: HttpRequest, post: Post, access: BoardAccess) -> dict[str, Any]:
    return selectors.post_detail_of(current_user(request), post, access)


def _reload(request: HttpRequest, post_id: int) -> dict[str, Any]:
    post, access = selectors.post_for(current_user(request), post_id)
    return _detail(request, post, access)


# --- Boards -------------------------------------------------------------------------------
@router.get("/boards", response=list[BoardOut])
def board_list(request: HttpRequest, place: int | None = None) -> list[dict[str, Any]]:
    user = current_user(request)
    boards = selectors.boards_of(user, place_id=place)
    unread = selectors.unread_counts(user, [board for board, _ in boards])
    return [board_out(board, access, unread=unread[board.pk]) for board, access in boards]


@router.get("/boards/places", response=list[ObservedOut])
def observed_places(request: HttpRequest) -> list[dict[str, Any]]:
    """For supervisors: the communities below them, whose boards ``GET /boards?place=``
    lists (read-only). Empty for everyone else."""
    return [
        {
            "id": place.pk,
            "name": place.name,
            "kind": place.kind,
            "street": place.parent.name if place.parent else "",
        }
        for place in selectors.observed_communities(current_user(request))
    ]


@router.get("/boards/unread", response=dict[str, int])
def board_unread(request: HttpRequest) -> dict[str, int]:
    user = current_user(request)
    boards = [board for board, _ in selectors.boards_of(user)]
    return {str(pk): n for pk, n in selectors.unread_counts(user, boards).items()}


@router.get("/boards/urgent", response=list[UrgentPostOut])
def urgent_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [post_summary(post) for post in selectors.urgent_for(current_user(request))]


@router.get("/boards/review", response=list[ReviewPostOut])
def review_list(request: HttpRequest, community: int | None = None) -> list[dict[str, Any]]:
    posts = selectors.review_queue(current_user(request), community_id=community)
    words = filter_matches_of(posts)
    return [{**post_summary(post), "filter_words": words.get(post.pk, [])} for post in posts]


@router.patch("/boards/{int:board_id}", response=BoardOut)
def board_patch(request: HttpRequest, board_id: int, payload: BoardPatch) -> dict[str, Any]:
    user = current_user(request)
    services.board_update(actor=user, board_id=board_id, requires_review=payload.requires_review)
    board, access, _ = selectors.board_for(user, board_id)
    return board_out(board, access, unread=selectors.unread_counts(user, [board])[board.pk])


@router.post("/boards/{int:board_id}/read", response=UnreadOut)
def board_read(request: HttpRequest, board_id: int) -> dict[str, int]:
    services.board_mark_read(user=current_user(request), board_id=board_id)
    return {"unread": 0}


# --- Posts --------------------------------------------------------------------------------
@router.get("/boards/{int:board_id}/posts", response=PageOut)
def post_list(
    request: HttpRequest,
    board_id: int,
    before: int | None = None,
    q: str = "",
    limit: int = selectors.PAGE,
) -> dict[str, Any]:
    user = current_user(request)
    board, access, _ = selectors.board_for(user, board_id)
    page = selectors.post_page(user, board, access, before=before, text=q, limit=limit)
    return {
        "pinned": [post_summary(post) for post in page.pinned],
        "posts": [post_summary(post) for post in page.posts],
        "next_before": page.next_before,
    }


@router.post("/boards/{int:board_id}/posts", response={201: PostDetailOut})
def post_create(request: HttpRequest, board_id: int, payload: PostIn) -> Status[dict[str, Any]]:
    post = services.post_create(
        author=current_user(request),
        board_id=board_id,
        title=payload.title,
        body=payload.body,
        image_ids=payload.image_ids,
        attachment_ids=payload.attachment_ids,
        pinned=payload.pinned,
        urgent=payload.urgent,
        expires_at=_aware(payload.expires_at),
        extra=payload.extra,
    )
    return Status(201, _reload(request, post.pk))


@router.get("/boards/posts/{int:post_id}", response=PostDetailOut)
def post_get(request: HttpRequest, post_id: int) -> dict[str, Any]:
    post, access = services.post_open(user=current_user(request), post_id=post_id)
    return _detail(request, post, access)


@router.patch("/boards/posts/{int:post_id}", response=PostDetailOut)
def post_patch(request: HttpRequest, post_id: int, payload: PostPatch) -> dict[str, Any]:
    changes = payload.model_dump(exclude_unset=True)
    if "expires_at" in changes:
        changes["expires_at"] = _aware(changes["expires_at"])
    services.post_edit(editor=current_user(request), post_id=post_id, **changes)
    return _reload(request, post_id)


@router.delete("/boards/posts/{int:post_id}", response={204: None})
def post_delete(request: HttpRequest, post_id: int) -> Status[None]:
    services.post_delete(actor=current_user(request), post_id=post_id)
    return Status(204, None)


@router.get("/boards/posts/{int:post_id}/revisions", response=list[RevisionOut])
def post_revisions(request: HttpRequest, post_id: int) -> list[dict[str, Any]]:
    _post, revisions = selectors.revisions_of(current_user(request), post_id)
    return [revision_out(item) for item in revisions]


@router.post("/boards/posts/{int:post_id}/hide", response=PostDetailOut)
def post_hide(request: HttpRequest, post_id: int) -> dict[str, Any]:
    moderation.post_hide(actor=current_user(request), post_id=post_id)
    return _reload(request, post_id)


@router.post("/boards/posts/{int:post_id}/restore", response=PostDetailOut)
def post_restore(request: HttpRequest, post_id: int) -> dict[str, Any]:
    moderation.post_restore(actor=current_user(request), post_id=post_id)
    return _reload(request, post_id)


@router.post("/boards/posts/{int:post_id}/pin", response=PostDetailOut)
def post_pin(request: HttpRequest, post_id: int, payload: PinIn) -> dict[str, Any]:
    services.post_pin(actor=current_user(request), post_id=post_id, pinned=payload.pinned)
    return _reload(request, post_id)


@router.post("/boards/posts/{int:post_id}/state", response=PostDetailOut)
def post_state(request: HttpRequest, post_id: int, payload: StateIn) -> dict[str, Any]:
    services.post_set_state(
        actor=current_user(request),
        post_id=post_id,
        state=payload.state,
        resolved=payload.resolved,
    )
    return _reload(request, post_id)


@router.post("/boards/posts/{int:post_id}/want", response=WantOut)
def post_want(request: HttpRequest, post_id: int) -> dict[str, int]:
    return {"conversation_id": services.post_want(user=current_user(request), post_id=post_id)}


@router.put("/boards/posts/{int:post_id}/like", response=LikeOut)
def post_like(request: HttpRequest, post_id: int) -> dict[str, Any]:
    likes, liked = services.post_like(user=current_user(request), post_id=post_id, liked=True)
    return {"likes": likes, "liked": liked}


@router.delete("/boards/posts/{int:post_id}/like", response=LikeOut)
def post_unlike(request: HttpRequest, post_id: int) -> dict[str, Any]:
    likes, liked = services.post_like(user=current_user(request), post_id=post_id, liked=False)
    return {"likes": likes, "liked": liked}


@router.post("/boards/posts/{int:post_id}/review", response=PostDetailOut)
def post_review(request: HttpRequest, post_id: int, payload: ReviewIn) -> dict[str, Any]:
    services.post_review(
        actor=current_user(request),
        post_id=post_id,
        decision=payload.decision,
        reason=payload.reason,
    )
    return _reload(request, post_id)


@router.post("/boards/posts/{int:post_id}/acknowledge", response={204: None})
def post_acknowledge(request: HttpRequest, post_id: int) -> Status[None]:
    services.urgent_acknowledge(user=current_user(request), post_id=post_id)
    return Status(204, None)


# --- Comments -----------------------------------------------------------------------------
@router.get("/boards/posts/{int:post_id}/comments", response=list[ThreadOut])
def comment_list(request: HttpRequest, post_id: int) -> list[dict[str, Any]]:
    post, access = selectors.post_for(current_user(request), post_id)
    moderator = access.moderate
    return [
        {
            **comment_out(comment, moderator=moderator),
            "replies": [comment_out(reply, moderator=moderator) for reply in replies],
        }
        for comment, replies in selectors.comments_of(post, moderator=moderator)
    ]


@router.post("/boards/posts/{int:post_id}/comments", response={201: CommentOut})
def comment_create(
    request: HttpRequest, post_id: int, payload: CommentIn
) -> Status[dict[str, Any]]:
    comment = services.comment_create(
        author=current_user(request),
        post_id=post_id,
        body=payload.body,
        parent_id=payload.parent_id,
    )
    return Status(201, comment_out(comment))


@router.delete("/boards/comments/{int:comment_id}", response={204: None})
def comment_delete(request: HttpRequest, comment_id: int) -> Status[None]:
    services.comment_delete(actor=current_user(request), comment_id=comment_id)
    return Status(204, None)


# --- Uploads ------------------------------------------------------------------------------
@router.post("/boards/images", response={201: ImageOut})
def image_upload(request: HttpRequest, file: UploadedFile = File(...)) -> Status[dict[str, Any]]:  # noqa: B008
    image = services.image_upload(uploader=current_user(request), upload=file)
    return Status(201, image_out(image))


@router.post("/boards/attachments", response={201: AttachmentOut})
def attachment_upload(
    request: HttpRequest,
    file: UploadedFile = File(...),  # noqa: B008
) -> Status[dict[str, Any]]:
    attachment = services.attachment_upload(uploader=current_user(request), upload=file)
    return Status(201, attachment_out(attachment))
