"""HTTP API of moderation (/api/moderation/…): thin, each endpoint calls one service or
selector and shapes the answer. The contract is in docs/moderation.md."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Status

from chat import moderation as chat_moderation
from communities.api import LOGGED_IN, current_user
from communities.boards import moderation as board_moderation
from communities.boards.moderation import CommentOut, PostDetailOut

from . import selectors, services
from .audit import clean_reason
from .schemas import (
    AuditOut,
    CheckIn,
    CheckOut,
    ConversationOut,
    MessageOut,
    ModerationReasonIn,
    NoteIn,
    ReportIn,
    ReportOut,
    RestrictIn,
    RestrictionOut,
    WordFilterIn,
    WordFilterOut,
)
from .shapes import audit_out, restriction_out, word_filter_out

router = Router(auth=LOGGED_IN, tags=["moderation"])


# --- Reports ------------------------------------------------------------------------------
@router.post("/moderation/reports", response={200: ReportOut, 201: ReportOut})
def report_create(request: HttpRequest, payload: ReportIn) -> Status[dict[str, Any]]:
    """Report a message, post or comment (201); reporting it again changes nothing (200)."""
    report, created = services.report_create(
        reporter=current_user(request),
        target_kind=payload.target_kind,
        target_id=payload.target_id,
        reason=payload.reason,
        note=payload.note,
    )
    return Status(201 if created else 200, selectors.report_shape(report))


@router.get("/moderation/communities/{int:community_id}/reports", response=list[ReportOut])
def report_list(
    request: HttpRequest,
    community_id: int,
    status: Literal["open", "actioned", "dismissed", "all"] = "open",
) -> list[dict[str, Any]]:
    reports = selectors.reports_of(current_user(request), community_id, status=status)
    return selectors.report_shapes(reports)


@router.post("/moderation/reports/{int:report_id}/dismiss", response=ReportOut)
def report_dismiss(request: HttpRequest, report_id: int, payload: NoteIn) -> dict[str, Any]:
    report = services.report_dismiss(
        actor=current_user(request), report_id=report_id, note=payload.note
    )
    return selectors.report_shape(report)


# --- Messages -----------------------------------------------------------------------------
@router.post(
    "/moderation/messages/{int:message_id}/{verb}",
    response=MessageOut,
)
def message_moderate(
    request: HttpRequest,
    message_id: int,
    verb: Literal["hide", "remove", "restore", "pin", "unpin"],
    payload: ModerationReasonIn,
) -> dict[str, Any]:
    """Hide or remove (a reason is required), restore, pin or unpin a message."""
    actor = current_user(request)
    if verb == "hide":
        message = chat_moderation.message_hide(
            actor=actor, message_id=message_id, reason=payload.reason
        )
    elif verb == "remove":
        message = chat_moderation.message_remove(
            actor=actor, message_id=message_id, reason=payload.reason
        )
    elif verb == "restore":
        message = chat_moderation.message_restore(
            actor=actor, message_id=message_id, reason=payload.reason
        )
    else:
        message = chat_moderation.message_pin(
            actor=actor, message_id=message_id, pinned=verb == "pin", reason=payload.reason
        )
    return chat_moderation.message_as_moderator(message)


@router.get("/moderation/conversations/{int:conversation_id}/pinned", response=list[MessageOut])
def pinned_list(request: HttpRequest, conversation_id: int) -> list[dict[str, Any]]:
    return chat_moderation.pinned_of(current_user(request), conversation_id)


# --- Posts and comments -------------------------------------------------------------------
@router.post("/moderation/posts/{int:post_id}/{verb}", response=PostDetailOut)
def post_moderate(
    request: HttpRequest,
    post_id: int,
    verb: Literal["hide", "remove", "restore"],
    payload: ModerationReasonIn,
) -> dict[str, Any]:
    actor = current_user(request)
    if verb == "hide":
        clean_reason(payload.reason, required=True)  # the boards' own endpoint takes none
        post = board_moderation.post_hide(actor=actor, post_id=post_id, reason=payload.reason)
    elif verb == "remove":
        post = board_moderation.post_remove(actor=actor, post_id=post_id, reason=payload.reason)
    else:
        post = board_moderation.post_restore(actor=actor, post_id=post_id, reason=payload.reason)
    return board_moderation.post_as_moderator(actor, post)


@router.post("/moderation/comments/{int:comment_id}/{verb}", response=CommentOut)
def comment_moderate(
    request: HttpRequest,
    comment_id: int,
    verb: Literal["hide", "remove", "restore"],
    payload: ModerationReasonIn,
) -> dict[str, Any]:
    actor = current_user(request)
    if verb == "hide":
        clean_reason(payload.reason, required=True)
        comment = board_moderation.comment_hide(
            actor=actor, comment_id=comment_id, reason=payload.reason
        )
    elif verb == "remove":
        comment = board_moderation.comment_remove(
            actor=actor, comment_id=comment_id, reason=payload.reason
        )
    else:
        comment = board_moderation.comment_restore(
            actor=actor, comment_id=comment_id, reason=payload.reason
        )
    return board_moderation.comment_as_moderator(comment)


# --- Conversations, mutes -----------------------------------------------------------------
def _lock(request: HttpRequest, conversation_id: int, locked: bool, reason: str) -> dict[str, Any]:
    actor = current_user(request)
    conversation = chat_moderation.conversation_lock(
        actor=actor, conversation_id=conversation_id, locked=locked, reason=reason
    )
    return chat_moderation.conversation_as_moderator(actor, conversation)


@router.post("/moderation/conversations/{int:conversation_id}/lock", response=ConversationOut)
def conversation_lock(
    request: HttpRequest, conversation_id: int, payload: ModerationReasonIn
) -> dict[str, Any]:
    """Make the group read-only."""
    return _lock(request, conversation_id, True, payload.reason)


@router.post("/moderation/conversations/{int:conversation_id}/unlock", response=ConversationOut)
def conversation_unlock(
    request: HttpRequest, conversation_id: int, payload: ModerationReasonIn
) -> dict[str, Any]:
    return _lock(request, conversation_id, False, payload.reason)


@router.post(
    "/moderation/conversations/{int:conversation_id}/mutes", response={201: RestrictionOut}
)
def mute_create(
    request: HttpRequest, conversation_id: int, payload: RestrictIn
) -> Status[dict[str, Any]]:
    restriction = services.member_mute(
        actor=current_user(request),
        conversation_id=conversation_id,
        user_id=payload.user_id,
        minutes=payload.minutes,
        reason=payload.reason,
    )
    return Status(201, restriction_out(restriction))


@router.get("/moderation/conversations/{int:conversation_id}/mutes", response=list[RestrictionOut])
def mute_list(request: HttpRequest, conversation_id: int) -> list[dict[str, Any]]:
    rows = selectors.mutes_of(current_user(request), conversation_id)
    return [restriction_out(row) for row in rows]


# --- Suspensions, restrictions, revoking --------------------------------------------------
@router.post(
    "/moderation/communities/{int:community_id}/suspensions", response={201: RestrictionOut}
)
def suspension_create(
    request: HttpRequest, community_id: int, payload: RestrictIn
) -> Status[dict[str, Any]]:
    restriction = services.member_suspend(
        actor=current_user(request),
        community_id=community_id,
        user_id=payload.user_id,
        minutes=payload.minutes,
        reason=payload.reason,
    )
    return Status(201, restriction_out(restriction))


@router.get("/moderation/communities/{int:community_id}/suspensions", response=list[RestrictionOut])
def suspension_list(request: HttpRequest, community_id: int) -> list[dict[str, Any]]:
    rows = selectors.suspensions_of(current_user(request), community_id)
    return [restriction_out(row) for row in rows]


@router.delete("/moderation/restrictions/{int:restriction_id}", response={204: None})
def restriction_lift(request: HttpRequest, restriction_id: int) -> Status[None]:
    services.restriction_lift(actor=current_user(request), restriction_id=restriction_id)
    return Status(204, None)


@router.get("/moderation/me/restrictions", response=list[RestrictionOut])
def my_restrictions(request: HttpRequest) -> list[dict[str, Any]]:
    """My active mutes and suspensions (for the composer's banner)."""
    return [restriction_out(row) for row in selectors.restrictions_of(current_user(request))]


@router.post(
    "/moderation/communities/{int:community_id}/members/{int:user_id}/revoke",
    response={204: None},
)
def member_revoke(
    request: HttpRequest, community_id: int, user_id: int, payload: ModerationReasonIn
) -> Status[None]:
    services.member_revoke(
        actor=current_user(request),
        community_id=community_id,
        user_id=user_id,
        reason=payload.reason,
    )
    return Status(204, None)


# --- Word filter --------------------------------------------------------------------------
@router.get("/moderation/communities/{int:community_id}/word-filter", response=WordFilterOut)
def word_filter_show(request: HttpRequest, community_id: int) -> dict[str, Any]:
    return word_filter_out(selectors.word_filter_of(current_user(request), community_id))


@router.put("/moderation/communities/{int:community_id}/word-filter", response=WordFilterOut)
def word_filter_update(
    request: HttpRequest, community_id: int, payload: WordFilterIn
) -> dict[str, Any]:
    word_filter = services.word_filter_update(
        actor=current_user(request),
        community_id=community_id,
        enabled=payload.enabled,
        words=payload.words,
    )
    return word_filter_out(word_filter)


@router.post("/moderation/communities/{int:community_id}/word-filter/check", response=CheckOut)
def word_filter_check(
    request: HttpRequest, community_id: int, payload: CheckIn
) -> dict[str, list[str]]:
    matches = services.word_filter_check(
        actor=current_user(request), community_id=community_id, text=payload.text
    )
    return {"matches": matches}


# --- Audit log ----------------------------------------------------------------------------
@router.get("/moderation/communities/{int:community_id}/audit", response=list[AuditOut])
def audit_list(
    request: HttpRequest,
    community_id: int,
    before: int | None = None,
    limit: int = selectors.AUDIT_PAGE,
    action: str | None = None,
    target_kind: str | None = None,
) -> list[dict[str, Any]]:
    entries = selectors.audit_log(
        current_user(request),
        community_id,
        before_id=before,
        limit=limit,
        action=action,
        target_kind=target_kind,
    )
    return [audit_out(entry) for entry in entries]
