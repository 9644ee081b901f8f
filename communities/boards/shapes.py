"""The shapes of board objects, over HTTP and live; each is built here, by one function.

Live frames are encoded once for everyone, so the shapes they carry hold nothing about
the person receiving them (``post_summary``, ``comment_out`` for a visible comment).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from communities.rules.boards import BoardAccess
from communities.shapes import person_out

from .models import Board, Comment, Post, PostAttachment, PostImage

EXCERPT = 120


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def board_out(board: Board, access: BoardAccess, *, unread: int = 0) -> dict[str, Any]:
    place = board.place
    return {
        "id": board.pk,
        "kind": board.kind,
        "place": {"id": place.pk, "name": place.name, "kind": place.kind},
        "can_post": access.post,
        "can_comment": access.comment,
        "can_moderate": access.moderate,
        "can_manage": access.manage,
        "requires_review": board.requires_review,
        "unread": unread,
    }


def image_out(image: PostImage) -> dict[str, Any]:
    return {
        "id": image.pk,
        "url": image.image.url,
        "thumbnail_url": image.thumbnail.url,
        "width": image.width,
        "height": image.height,
    }


def attachment_out(attachment: PostAttachment) -> dict[str, Any]:
    return {
        "id": attachment.pk,
        "url": attachment.file.url,
        "name": attachment.name,
        "size": attachment.size,
    }


def excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"


def post_summary(post: Post) -> dict[str, Any]:
    """A post in a list or a live frame (``images`` prefetched, ``author`` and ``board``
    selected with it). An urgent notice carries its (cleaned) body too: it pops up in full,
    paragraphs and lists kept, on every page of everyone it reaches."""
    summary = {
        "id": post.pk,
        "board": {"id": post.board_id, "kind": post.board.kind, "place_id": post.board.place_id},
        "title": post.title,
        "excerpt": excerpt(post.body_text),
        "author": person_out(post.author),
        "status": post.status,
        "pinned": post.pinned,
        "urgent": post.urgent,
        "expires_at": _when(post.expires_at),
        "created_at": post.created_at.isoformat(),
        "edited_at": _when(post.edited_at),
        "likes": post.like_count,
        "comments": post.comment_count,
        "reads": post.read_count,
        "images": [image_out(image) for image in post.images.all()],
        "extra": post.extra,
    }
    if post.urgent:
        summary["body"] = post.body
    return summary


def post_detail(
    post: Post, *, access: BoardAccess, liked: bool, can_edit: bool, revisions: int
) -> dict[str, Any]:
    return {
        **post_summary(post),
        "body": post.body,
        "attachments": [attachment_out(item) for item in post.attachments.all()],
        "liked": liked,
        "can_edit": can_edit,
        "can_comment": access.comment,
        "can_moderate": access.moderate,
        "can_manage": access.manage,
        "revisions": revisions,
    }


def comment_out(comment: Comment, *, moderator: bool = False) -> dict[str, Any]:
    """A comment; hidden and deleted ones show their status but no text, except to
    moderators."""
    shown = comment.status == Comment.Status.VISIBLE or moderator
    return {
        "id": comment.pk,
        "post_id": comment.post_id,
        "parent_id": comment.parent_id,
        "author": person_out(comment.author),
        "body": comment.body if shown else "",
        "status": comment.status,
        "created_at": comment.created_at.isoformat(),
    }


def revision_out(revision: Any) -> dict[str, Any]:  # a PostRevision
    return {
        "id": revision.pk,
        "editor": person_out(revision.editor),
        "title": revision.title,
        "body": revision.body,
        "extra": revision.extra,
        "at": revision.at.isoformat(),
    }
