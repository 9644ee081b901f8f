"""Posts: writing, opening, editing and deleting one's own, pinning, an item's state,
"I want it", likes. Validate → authorise → write in a transaction → publish live."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from chat.services import knock, message_post
from communities import throttle
from communities.errors import Conflict, Forbidden, Invalid, NotFound
from communities.models import User
from communities.moderation.models import AuditAction
from communities.rules import community_of
from communities.rules.boards import BoardAccess, may_edit
from communities.rules.moderation import (
    community_of_board,
    refuse_if_restricted,
)
from communities.rules.words import filter_matches, post_text

from .. import live
from ..extra import clean_extra
from ..models import (
    Board,
    BoardKind,
    Post,
    PostLike,
    PostRead,
    PostRevision,
)
from ..moderation import post_removed_by
from ..selectors import board_for, post_for
from ..writes import (
    UNSET,
    _attach,
    _audit_post,
    _body,
    _check_uploads,
    _fresh,
    _managed,
    _notice_fields,
    _post_state,
    _title,
)


def post_create(
    *,
    author: User,
    board_id: int,
    title: str,
    body: str,
    image_ids: list[int] | None = None,
    attachment_ids: list[int] | None = None,
    pinned: bool = False,
    urgent: bool = False,
    expires_at: datetime | None = None,
    extra: dict[str, Any] | None = None,
) -> Post:
    """A new post; ``pending`` when the board wants review and the author moderates not."""
    board, access, _reach = board_for(author, board_id)
    if not access.post:
        raise Forbidden(_("You may not post on this board."))
    refuse_if_restricted(author, community_id=community_of_board(board))
    title = _title(title)
    body_html, body_text = _body(body)
    _notice_fields(board, urgent, expires_at)
    if pinned and not access.manage:
        raise Forbidden(_("Only moderators pin posts."), code="not_moderator")
    clean = clean_extra(board.kind, extra)
    pictures, files = _check_uploads(board, author, None, image_ids, attachment_ids)
    throttle.hit("board-post", str(author.pk), settings.BOARD_POST_RATE)
    pending = not access.moderate and board.kind != BoardKind.DISTRICT
    pending = pending and (board.requires_review or _filtered(board, title, body_text))
    with transaction.atomic():
        post = Post.objects.create(
            board=board,
            author=author,
            title=title,
            body=body_html,
            body_text=body_text,
            status=Post.Status.PENDING if pending else Post.Status.PUBLISHED,
            pinned=pinned,
            urgent=urgent,
            expires_at=expires_at,
            extra=clean,
        )
        _attach(post, pictures, files)
        post = _fresh(post.pk)
        if pending:
            live.announce(live.review_streams(post), live.post_pending(post))
        else:
            live.announce(live.board_streams(board), live.post_created(post))
    return post


def _filtered(board: Board, title: str, body_text: str) -> bool:
    """Whether the community's word filter holds the text for review."""
    return bool(filter_matches(community_of_board(board), post_text(title, body_text)))


def post_open(*, user: User, post_id: int) -> tuple[Post, BoardAccess]:
    """A post as its reader opens it; the first opening by each person counts a read."""
    post, access = post_for(user, post_id)
    if post.status == Post.Status.PUBLISHED:
        try:
            with transaction.atomic():
                PostRead.objects.create(post=post, user=user)
                Post.objects.filter(pk=post.pk).update(read_count=F("read_count") + 1)
            post.read_count += 1
        except IntegrityError:
            pass  # read before
    return post, access


def post_edit(
    *,
    editor: User,
    post_id: int,
    title: Any = UNSET,
    body: Any = UNSET,
    image_ids: Any = UNSET,
    attachment_ids: Any = UNSET,
    pinned: Any = UNSET,
    urgent: Any = UNSET,
    expires_at: Any = UNSET,
    extra: Any = UNSET,
) -> Post:
    """Change a post (its author or a moderator); the text it replaces is kept."""
    post, access = post_for(editor, post_id)
    if not may_edit(access, post, editor.pk):
        raise NotFound()
    board = post.board
    refuse_if_restricted(editor, community_id=community_of_board(board))
    new_title = post.title if title is UNSET else _title(title)
    if body is UNSET:
        new_body, new_text = post.body, post.body_text
    else:
        new_body, new_text = _body(body)
    new_urgent = post.urgent if urgent is UNSET or urgent is None else bool(urgent)
    new_expiry = post.expires_at if expires_at is UNSET else expires_at
    if expires_at is not UNSET or urgent is not UNSET:
        _notice_fields(board, new_urgent, None if expires_at is UNSET else expires_at)
    new_pinned = post.pinned if pinned is UNSET or pinned is None else bool(pinned)
    if new_pinned != post.pinned and not access.manage:
        raise Forbidden(_("Only moderators pin posts."), code="not_moderator")
    new_extra = post.extra if extra is UNSET else clean_extra(board.kind, extra)
    pictures, files = _check_uploads(
        board,
        post.author,
        post,
        None if image_ids is UNSET else image_ids,
        None if attachment_ids is UNSET else attachment_ids,
    )
    text_changed = (new_title, new_body, new_extra) != (post.title, post.body, post.extra)
    # An edit that brings in a filtered word sends a published post back to review.
    held = (
        text_changed
        and post.status == Post.Status.PUBLISHED
        and not access.moderate
        and board.kind != BoardKind.DISTRICT
        and _filtered(board, new_title, new_text)
    )
    with transaction.atomic():
        if text_changed:
            PostRevision.objects.create(
                post=post, editor=editor, title=post.title, body=post.body, extra=post.extra
            )
        post.title, post.body, post.body_text, post.extra = new_title, new_body, new_text, new_extra
        post.urgent, post.expires_at, post.pinned = new_urgent, new_expiry, new_pinned
        post.edited_at = timezone.now() if text_changed else post.edited_at
        if post.status == Post.Status.REJECTED and post.author_id == editor.pk:
            post.status, post.review_reason = Post.Status.PENDING, ""  # sent for review again
        if held:
            post.status = Post.Status.PENDING
        post.save()
        _attach(post, pictures, files)
        post = _fresh(post.pk)
        if held:  # readers drop it; the committee's queue gets it
            live.announce(live.board_streams(board), live.post_hidden(post))
            live.announce(live.review_streams(post), live.post_pending(post))
        else:
            live.announce(live.streams_of(post), live.post_updated(post))
    return post


def post_delete(*, actor: User, post_id: int) -> None:
    """The author deletes their post; a moderator deleting someone's post removes it."""
    post, access = post_for(actor, post_id)
    if not may_edit(access, post, actor.pk):
        raise NotFound()
    if post.author_id != actor.pk:
        post_removed_by(actor, post, reason="")
        return
    streams = live.streams_of(post)
    with transaction.atomic():
        post.status = Post.Status.DELETED
        post.pinned = False
        post.save(update_fields=["status", "pinned", "updated_at"])
        live.announce(streams, live.post_deleted(post))


def post_pin(*, actor: User, post_id: int, pinned: bool) -> Post:
    post, _access = _managed(actor, post_id)
    if not isinstance(pinned, bool):
        raise Invalid(errors={"pinned": _("Must be true or false.")})
    if post.pinned == pinned:
        return _fresh(post.pk)
    community = community_of(post.board.place)
    before = _post_state(post)
    with transaction.atomic():
        post.pinned = pinned
        post.save(update_fields=["pinned", "updated_at"])
        action = AuditAction.PIN if pinned else AuditAction.UNPIN
        _audit_post(actor, community, action, post, "", before)
        post = _fresh(post.pk)
        live.announce(live.streams_of(post), live.post_updated(post))
    return post


def post_set_state(
    *, actor: User, post_id: int, state: str | None = None, resolved: bool | None = None
) -> Post:
    """An idle item's state (available → reserved → given) or a mutual-aid post's
    "resolved": the poster's or a moderator's to change."""
    post, access = post_for(actor, post_id)
    if post.author_id != actor.pk and not access.moderate:
        raise Forbidden(_("Only the poster may change this."), code="not_poster")
    extra = dict(post.extra)
    if post.board.kind == BoardKind.IDLE:
        if state not in ("available", "reserved", "given"):
            raise Invalid(errors={"state": _("Choose available, reserved or given.")})
        extra["state"] = state
    elif post.board.kind == BoardKind.MUTUAL_AID:
        if not isinstance(resolved, bool):
            raise Invalid(errors={"resolved": _("Must be true or false.")})
        extra["resolved"] = resolved
    else:
        raise Invalid(_("This post has no state."), code="no_state")
    if extra == post.extra:
        return _fresh(post.pk)
    with transaction.atomic():
        post.extra = extra
        post.save(update_fields=["extra", "updated_at"])
        post = _fresh(post.pk)
        live.announce(live.streams_of(post), live.post_updated(post))
    return post


def post_want(*, user: User, post_id: int) -> int:
    """ "I want it": the knock conversation with an idle item's owner, opened with a
    message naming the item (the same message once, however often one asks)."""
    post, access = post_for(user, post_id)
    if post.board.kind != BoardKind.IDLE or post.status != Post.Status.PUBLISHED:
        raise Invalid(_("Only idle items can be asked for."), code="not_an_item")
    if post.author_id == user.pk:
        raise Invalid(_("This is your own item."), code="own_item")
    if not access.comment:
        raise Forbidden()
    refuse_if_restricted(user, community_id=community_of_board(post.board))
    if post.extra.get("state", "available") != "available":
        raise Conflict(_("This item is no longer available."), code="not_available")
    conversation = knock(user=user, target_id=post.author_id)
    item = post.extra.get("item") or post.title
    message_post(
        author=user,
        conversation_id=conversation.pk,
        body=_("Hello, I would like your item “%(item)s” (%(title)s).")
        % {"item": item, "title": post.title},
        client_id=f"want-{post.pk}",
    )
    return conversation.pk


def post_like(*, user: User, post_id: int, liked: bool) -> tuple[int, bool]:
    """Like or unlike; returns (likes, liked). Doing it twice changes nothing."""
    post, access = post_for(user, post_id)
    if not access.comment or post.status != Post.Status.PUBLISHED:
        raise Forbidden(_("You may not like posts on this board."))
    with transaction.atomic():
        if liked:
            changed = PostLike.objects.get_or_create(post=post, user=user)[1]
            step = 1
        else:
            changed = PostLike.objects.filter(post=post, user=user).delete()[0] > 0
            step = -1
        if changed:
            Post.objects.filter(pk=post.pk).update(like_count=F("like_count") + step)
            post.refresh_from_db(fields=["like_count"])
            live.announce(live.board_streams(post.board), live.post_liked(post))
    return post.like_count, liked
