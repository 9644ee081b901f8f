"""The HTTP shapes of moderation (OpenAPI): what its endpoints take and answer (posts and
comments answer with the boards' shapes, from their door for moderation)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema

from communities.shapes import PersonOut


class ReportIn(Schema):
    target_kind: str
    target_id: int
    reason: str
    note: str = ""


class NoteIn(Schema):
    note: str = ""


class ModerationReasonIn(Schema):
    reason: str = ""


class ReportOut(Schema):
    id: int
    community: int
    target_kind: str
    target_id: int
    target_author: PersonOut
    excerpt: str
    count: int
    reasons: dict[str, int]
    status: str
    first_at: datetime
    last_at: datetime
    decided_by: PersonOut | None
    decision_note: str
    conversation: int | None
    post: int | None


class ReplyOut(Schema):
    id: int
    author: PersonOut
    excerpt: str


class MessageOut(Schema):
    id: int
    conversation: int
    author: PersonOut
    client_id: str
    body: str
    reply_to: ReplyOut | None
    mentions: list[int]
    likes: int
    created_at: datetime
    edited_at: datetime | None
    deleted: bool
    moderated: str
    pinned: bool


class ConversationOut(Schema):
    id: int
    kind: str
    title: str
    description: str
    place: int
    locked: bool
    unread: int
    peer: PersonOut | None
    moderate: bool
    muted_until: datetime | None


class RestrictIn(Schema):
    user_id: int
    minutes: int
    reason: str


class CommunityRef(Schema):
    id: int
    name: str


class RestrictionOut(Schema):
    id: int
    kind: str
    community: CommunityRef
    conversation: int | None
    user: PersonOut
    reason: str
    until: datetime
    created_by: PersonOut
    created_at: datetime
    lifted_at: datetime | None


class WordFilterIn(Schema):
    enabled: bool
    words: list[str]


class WordFilterOut(Schema):
    enabled: bool
    words: list[str]
    updated_at: datetime | None
    updated_by: PersonOut | None


class CheckIn(Schema):
    text: str


class CheckOut(Schema):
    matches: list[str]


class AuditOut(Schema):
    id: int
    actor: PersonOut
    action: str
    action_label: str
    target_kind: str
    target_id: int
    subject: PersonOut | None
    reason: str
    before: dict[str, Any]
    after: dict[str, Any]
    at: datetime
