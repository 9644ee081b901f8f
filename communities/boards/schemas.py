"""The HTTP shapes of the boards (OpenAPI): what the endpoints take and answer. They are
filled from ``shapes.py``, the same shapes the live frames carry."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Schema

from communities.shapes import PersonOut


class BoardPlaceOut(Schema):
    id: int
    name: str
    kind: str


class BoardOut(Schema):
    id: int
    kind: str
    place: BoardPlaceOut
    can_post: bool
    can_comment: bool  # and like
    can_moderate: bool  # hide, restore, delete, pin, review, board settings
    can_manage: bool  # pin and hide (moderators, and a property manager on their board)
    requires_review: bool
    unread: int


class BoardRefOut(Schema):
    id: int
    kind: str
    place_id: int


class ImageOut(Schema):
    id: int
    url: str
    thumbnail_url: str
    width: int
    height: int


class AttachmentOut(Schema):
    id: int
    url: str
    name: str
    size: int


class PostSummaryOut(Schema):
    id: int
    board: BoardRefOut
    title: str
    excerpt: str
    author: PersonOut
    status: str
    pinned: bool
    urgent: bool
    expires_at: str | None
    created_at: str
    edited_at: str | None
    likes: int
    comments: int
    reads: int
    images: list[ImageOut]
    extra: dict[str, Any]


class UrgentPostOut(PostSummaryOut):
    # The whole cleaned body: the pop-up shows the notice in full.
    body: str


class ReviewPostOut(PostSummaryOut):
    # The community's filter words the post contains (why it waits), for the moderators.
    filter_words: list[str]


class PostDetailOut(PostSummaryOut):
    body: str
    attachments: list[AttachmentOut]
    liked: bool
    can_edit: bool
    can_comment: bool
    can_moderate: bool
    can_manage: bool
    revisions: int


class PageOut(Schema):
    pinned: list[PostSummaryOut]
    posts: list[PostSummaryOut]
    next_before: int | None


class CommentOut(Schema):
    id: int
    post_id: int
    parent_id: int | None
    author: PersonOut
    body: str
    status: str
    created_at: str


class ThreadOut(CommentOut):
    replies: list[CommentOut]


class RevisionOut(Schema):
    id: int
    editor: PersonOut
    title: str
    body: str
    extra: dict[str, Any]
    at: str


class PostIn(Schema):
    title: str
    body: str
    image_ids: list[int] | None = None
    attachment_ids: list[int] | None = None
    pinned: bool = False
    urgent: bool = False
    expires_at: datetime | None = None
    extra: dict[str, Any] | None = None


class PostPatch(Schema):
    title: str | None = None
    body: str | None = None
    image_ids: list[int] | None = None
    attachment_ids: list[int] | None = None
    pinned: bool | None = None
    urgent: bool | None = None
    expires_at: datetime | None = None
    extra: dict[str, Any] | None = None


class PinIn(Schema):
    pinned: bool


class StateIn(Schema):
    state: Literal["available", "reserved", "given"] | None = None
    resolved: bool | None = None


class WantOut(Schema):
    conversation_id: int


class LikeOut(Schema):
    likes: int
    liked: bool


class CommentIn(Schema):
    body: str
    parent_id: int | None = None


class ReviewIn(Schema):
    decision: Literal["approve", "reject"]
    reason: str = ""


class BoardPatch(Schema):
    requires_review: bool


class UnreadOut(Schema):
    unread: int


class ObservedOut(Schema):
    id: int
    name: str
    kind: str
    street: str
