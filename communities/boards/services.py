"""Writes for the boards: validate → authorise → write in a transaction → publish live.

Every function raises a ``communities.errors.ServiceError`` before it writes anything;
events go out with ``realtime.feeds.publish_to`` (recorded in the same transaction, sent after
commit) to the streams ``live.py`` names for the board.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from communities import throttle
from communities.errors import Conflict, Forbidden, Invalid, NotFound
from communities.models import User
from communities.moderation import audit, claims
from communities.moderation.models import AuditAction, TargetKind
from communities.moderation.services import (
    clean_reason,
    report_actioned,
    report_for_action,
)
from communities.rules import community_of, gatekeeping
from communities.rules.boards import BoardAccess, may_edit
from communities.rules.moderation import (
    community_of_board,
    refuse_if_restricted,
    removed_by_moderator,
)
from communities.rules.reach import Reach
from communities.rules.words import filter_matches, post_text

from . import attachments, images, live, richtext
from .extra import clean_extra
from .models import (
    Board,
    BoardKind,
    BoardReadMark,
    Comment,
    Post,
    PostAttachment,
    PostImage,
    PostLike,
    PostRead,
    PostRevision,
    UrgentAck,
)
from .selectors import board_for, comment_for, post_for, post_to_restore

TITLE_MAX = 120
COMMENT_MAX = 1000
IMAGES_MAX = 9
ATTACHMENTS_MAX = 10
UNSET: Any = object()  # a field a PATCH leaves as it is
IMAGE_FILES = ("image", "thumbnail")


# --- Checks -------------------------------------------------------------------------------
def _title(title: object) -> str:
    if not isinstance(title, str) or not title.strip():
        raise Invalid(errors={"title": _("A title is required.")})
    title = " ".join(title.split())
    if len(title) > TITLE_MAX:
        raise Invalid(errors={"title": _("At most %(n)d characters.") % {"n": TITLE_MAX}})
    return title


def _body(body: object) -> tuple[str, str]:
    """The sanitised body and its plain text."""
    if not isinstance(body, str):
        raise Invalid(errors={"body": _("The text is required.")})
    cleaned = richtext.clean(body)
    text = richtext.plain_text(cleaned)
    if not cleaned or not text:
        raise Invalid(errors={"body": _("The text is required.")})
    if len(cleaned) > richtext.MAX_BODY_CHARS:
        raise Invalid(
            errors={"body": _("At most %(n)d characters.") % {"n": richtext.MAX_BODY_CHARS}}
        )
    return cleaned, text


def _notice_fields(board: Board, urgent: bool, expires_at: datetime | None) -> None:
    if board.kind == BoardKind.NOTICES:
        if expires_at is not None and expires_at <= timezone.now():
            raise Invalid(errors={"expires_at": _("The expiry must be in the future.")})
        return
    if urgent:
        raise Invalid(errors={"urgent": _("Only notices can be urgent.")})
    if expires_at is not None:
        raise Invalid(errors={"expires_at": _("Only notices expire.")})


def _own_uploads(model: Any, ids: object, user: User, post: Post | None, field: str) -> list[Any]:
    """Uploads of ``user`` not yet on another post, in the order given."""
    if ids is None:
        return []
    if not isinstance(ids, list) or not all(isinstance(pk, int) for pk in ids):
        raise Invalid(errors={field: _("Must be a list of ids.")})
    ids = list(dict.fromkeys(ids))
    found = {item.pk: item for item in model.objects.filter(pk__in=ids)}
    for pk in ids:
        item = found.get(pk)
        if item is None or (item.post_id is None and item.uploader_id != user.pk):
            raise Invalid(errors={field: _("Unknown upload: %(id)s.") % {"id": pk}})
        if item.post_id is not None and (post is None or item.post_id != post.pk):
            raise Invalid(errors={field: _("Unknown upload: %(id)s.") % {"id": pk}})
    return [found[pk] for pk in ids]


def _forget(uploads: list[Any], fields: tuple[str, ...]) -> None:
    """Delete upload rows now and their files once the transaction has committed."""
    names = [getattr(item, name).name for item in uploads for name in fields]
    for item in uploads:
        item.delete()

    def remove() -> None:
        storage = default_storage
        for name in names:
            if name:
                storage.delete(name)

    transaction.on_commit(remove, robust=True)


def _attach(
    post: Post, images_list: list[PostImage] | None, files: list[PostAttachment] | None
) -> None:
    if images_list is not None:
        kept = [image.pk for image in images_list]
        _forget(list(PostImage.objects.filter(post=post).exclude(pk__in=kept)), IMAGE_FILES)
        for position, image in enumerate(images_list):
            image.post, image.position = post, position
            image.save(update_fields=["post", "position"])
    if files is not None:
        kept = [item.pk for item in files]
        _forget(list(PostAttachment.objects.filter(post=post).exclude(pk__in=kept)), ("file",))
        PostAttachment.objects.filter(pk__in=kept).update(post=post)


def _check_uploads(
    board: Board, user: User, post: Post | None, image_ids: object, attachment_ids: object
) -> tuple[list[PostImage] | None, list[PostAttachment] | None]:
    pictures = (
        None if image_ids is None else _own_uploads(PostImage, image_ids, user, post, "image_ids")
    )
    if pictures is not None and len(pictures) > IMAGES_MAX:
        raise Invalid(errors={"image_ids": _("At most %(n)d pictures.") % {"n": IMAGES_MAX}})
    files = None
    if attachment_ids is not None:
        files = _own_uploads(PostAttachment, attachment_ids, user, post, "attachment_ids")
        if files and board.kind != BoardKind.GUIDE:
            raise Invalid(errors={"attachment_ids": _("Only service guides have attachments.")})
        if len(files) > ATTACHMENTS_MAX:
            raise Invalid(
                errors={"attachment_ids": _("At most %(n)d files.") % {"n": ATTACHMENTS_MAX}}
            )
    return pictures, files


def _fresh(post_id: int) -> Post:
    """The post as shapes need it, after a write (author, board, images)."""
    return (
        Post.objects.select_related("author", "board__place")
        .prefetch_related("images", "attachments")
        .get(pk=post_id)
    )


# --- Posts --------------------------------------------------------------------------------
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
        _post_remove(actor, post, reason="")
        return
    streams = live.streams_of(post)
    with transaction.atomic():
        post.status = Post.Status.DELETED
        post.pinned = False
        post.save(update_fields=["status", "pinned", "updated_at"])
        live.announce(streams, live.post_deleted(post))


def post_remove(*, actor: User, post_id: int, reason: str) -> Post:
    """A moderator removes a post (status deleted) with a reason; a moderator may restore it."""
    reason = clean_reason(reason, required=True)
    post, access = post_for(actor, post_id)
    if not access.moderate:
        raise Forbidden(_("Only moderators may do this."), code="not_moderator")
    _post_remove(actor, post, reason=reason)
    return _fresh(post.pk)


def _post_remove(actor: User, post: Post, *, reason: str) -> None:
    community = community_of(post.board.place)
    report = report_for_action(actor, community, TargetKind.POST, post.pk)
    streams = live.streams_of(post)
    before = _post_state(post)
    with transaction.atomic():
        post.status = Post.Status.DELETED
        post.pinned = False
        post.save(update_fields=["status", "pinned", "updated_at"])
        _audit_post(actor, community, AuditAction.REMOVE, post, reason, before)
        live.announce(streams, live.post_deleted(post))
        report_actioned(report, actor, reason)


def _post_state(post: Post) -> dict[str, Any]:
    return {"status": post.status, "pinned": post.pinned}


def _audit_post(
    actor: User, community: Any, action: str, post: Post, reason: str, before: dict[str, Any]
) -> None:
    audit.record(
        actor=actor,
        community=community,
        action=action,
        target_kind=TargetKind.POST,
        target_id=post.pk,
        subject=post.author,
        reason=reason,
        before=before,
        after=_post_state(post),
    )


def _managed(actor: User, post_id: int) -> tuple[Post, BoardAccess]:
    post, access = post_for(actor, post_id)
    if not access.manage:
        raise Forbidden(_("Only moderators may do this."), code="not_moderator")
    return post, access


def post_hide(*, actor: User, post_id: int, reason: str = "") -> Post:
    reason = clean_reason(reason, required=False)
    post, _access = _managed(actor, post_id)
    if post.status != Post.Status.PUBLISHED:
        raise Conflict(_("Only a published post can be hidden."))
    community = community_of(post.board.place)
    report = report_for_action(actor, community, TargetKind.POST, post.pk)
    before = _post_state(post)
    with transaction.atomic():
        post.status = Post.Status.HIDDEN
        post.save(update_fields=["status", "updated_at"])
        _audit_post(actor, community, AuditAction.HIDE, post, reason, before)
        live.announce(live.board_streams(post.board), live.post_hidden(post))
        report_actioned(report, actor, reason)
    return _fresh(post.pk)


def post_restore(*, actor: User, post_id: int, reason: str = "") -> Post:
    """Bring back a hidden post, or one a moderator removed (only moderators for that)."""
    reason = clean_reason(reason, required=False)
    post, access = post_to_restore(actor, post_id)
    if not access.manage:
        raise Forbidden(_("Only moderators may do this."), code="not_moderator")
    if post.status not in (Post.Status.HIDDEN, Post.Status.DELETED):
        raise Conflict(_("Only a hidden or removed post can be restored."), code="not_moderated")
    community = community_of(post.board.place)
    before = _post_state(post)
    with transaction.atomic():
        post.status = Post.Status.PUBLISHED
        post.save(update_fields=["status", "updated_at"])
        _audit_post(actor, community, AuditAction.RESTORE, post, reason, before)
        post = _fresh(post.pk)
        live.announce(live.board_streams(post.board), live.post_updated(post))
    return post


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
    from chat.services import knock, message_post

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


# --- Comments -----------------------------------------------------------------------------
def comment_create(
    *, author: User, post_id: int, body: str, parent_id: int | None = None
) -> Comment:
    post, access = post_for(author, post_id)
    if not access.comment or post.status != Post.Status.PUBLISHED:
        raise Forbidden(_("You may not comment on this board."))
    refuse_if_restricted(author, community_id=community_of_board(post.board))
    if not isinstance(body, str) or not body.strip():
        raise Invalid(errors={"body": _("A comment cannot be empty.")})
    body = body.strip()
    if len(body) > COMMENT_MAX:
        raise Invalid(errors={"body": _("At most %(n)d characters.") % {"n": COMMENT_MAX}})
    parent = None
    if parent_id is not None:
        parent = Comment.objects.filter(pk=parent_id, post=post).first()
        if parent is None or parent.status != Comment.Status.VISIBLE:
            raise Invalid(errors={"parent_id": _("The comment you reply to is not here.")})
        if parent.parent_id is not None:  # one level: a reply to a reply joins the thread
            parent = parent.parent
    throttle.hit("board-comment", str(author.pk), settings.BOARD_COMMENT_RATE)
    with transaction.atomic():
        comment = Comment.objects.create(post=post, author=author, parent=parent, body=body)
        Post.objects.filter(pk=post.pk).update(comment_count=F("comment_count") + 1)
        post.refresh_from_db(fields=["comment_count"])
        live.announce(live.board_streams(post.board), live.comment_created(comment, post))
    return comment


def comment_delete(*, actor: User, comment_id: int) -> None:
    """The author deletes their comment; a moderator removes anyone's (it shows hidden)."""
    comment = Comment.objects.select_related("post").filter(pk=comment_id).first()
    if comment is None or comment.status != Comment.Status.VISIBLE:
        raise NotFound()
    post, access = post_for(actor, comment.post_id)
    if comment.author_id == actor.pk:
        status = Comment.Status.DELETED
    elif access.moderate:
        comment_hide(actor=actor, comment_id=comment.pk)
        return
    else:
        raise NotFound()
    with transaction.atomic():
        comment.status = status
        comment.save(update_fields=["status"])
        Post.objects.filter(pk=post.pk).update(comment_count=F("comment_count") - 1)
        post.refresh_from_db(fields=["comment_count"])
        live.announce(live.streams_of(post), live.comment_deleted(comment, post))


def _moderated_comment(actor: User, comment_id: int) -> tuple[Comment, Post, Any]:
    comment, post, access = comment_for(actor, comment_id)
    if not access.moderate:
        raise Forbidden(_("Only moderators may do this."), code="not_moderator")
    return comment, post, community_of(post.board.place)


def _comment_verdict(
    actor: User, comment_id: int, status: str, action: str, reason: str
) -> Comment:
    comment, post, community = _moderated_comment(actor, comment_id)
    if comment.status == status:
        return comment
    if comment.status != Comment.Status.VISIBLE and not (
        status == Comment.Status.DELETED and comment.status == Comment.Status.HIDDEN
    ):
        raise Conflict(_("This comment was deleted by its author."), code="deleted")
    report = report_for_action(actor, community, TargetKind.COMMENT, comment.pk)
    was_visible = comment.status == Comment.Status.VISIBLE
    before = {"status": comment.status}
    with transaction.atomic():
        comment.status = status
        comment.save(update_fields=["status"])
        audit.record(
            actor=actor,
            community=community,
            action=action,
            target_kind=TargetKind.COMMENT,
            target_id=comment.pk,
            subject=comment.author,
            reason=reason,
            before=before,
            after={"status": status},
        )
        if was_visible:
            Post.objects.filter(pk=post.pk).update(comment_count=F("comment_count") - 1)
            post.refresh_from_db(fields=["comment_count"])
            live.announce(live.streams_of(post), live.comment_deleted(comment, post))
        report_actioned(report, actor, reason)
    return comment


def comment_hide(*, actor: User, comment_id: int, reason: str = "") -> Comment:
    """A moderator hides a comment: readers see that it was hidden, moderators its text."""
    reason = clean_reason(reason, required=False)
    return _comment_verdict(actor, comment_id, Comment.Status.HIDDEN, AuditAction.HIDE, reason)


def comment_remove(*, actor: User, comment_id: int, reason: str) -> Comment:
    """A moderator removes a comment (as if deleted; a moderator may restore it)."""
    reason = clean_reason(reason, required=True)
    return _comment_verdict(actor, comment_id, Comment.Status.DELETED, AuditAction.REMOVE, reason)


def comment_restore(*, actor: User, comment_id: int, reason: str = "") -> Comment:
    """Bring back a hidden comment, or one a moderator removed."""
    reason = clean_reason(reason, required=False)
    comment, post, community = _moderated_comment(actor, comment_id)
    restorable = comment.status == Comment.Status.HIDDEN or (
        comment.status == Comment.Status.DELETED
        and removed_by_moderator(TargetKind.COMMENT, comment.pk)
    )
    if not restorable:
        raise Conflict(_("Only a hidden or removed comment can be restored."), code="not_moderated")
    before = {"status": comment.status}
    with transaction.atomic():
        comment.status = Comment.Status.VISIBLE
        comment.save(update_fields=["status"])
        audit.record(
            actor=actor,
            community=community,
            action=AuditAction.RESTORE,
            target_kind=TargetKind.COMMENT,
            target_id=comment.pk,
            subject=comment.author,
            reason=reason,
            before=before,
            after={"status": Comment.Status.VISIBLE},
        )
        Post.objects.filter(pk=post.pk).update(comment_count=F("comment_count") + 1)
        post.refresh_from_db(fields=["comment_count"])
        live.announce(live.streams_of(post), live.comment_created(comment, post))
    return comment


# --- Review -------------------------------------------------------------------------------
def post_review(*, actor: User, post_id: int, decision: str, reason: str = "") -> Post:
    """Approve a pending post (it is published then) or reject it with a reason."""
    post, access = post_for(actor, post_id)
    if not access.moderate:
        raise NotFound()
    if decision not in ("approve", "reject"):
        raise Invalid(errors={"decision": _("Choose approve or reject.")})
    reason = (reason or "").strip()
    if decision == "reject" and not reason:
        raise Invalid(errors={"reason": _("Please give the author a reason.")})
    if len(reason) > 200:
        raise Invalid(errors={"reason": _("At most %(n)d characters.") % {"n": 200}})
    community = community_of(post.board.place)
    with transaction.atomic():
        locked = Post.objects.select_for_update().get(pk=post.pk)
        if locked.status != Post.Status.PENDING:
            raise Conflict(_("This post has already been decided."), code="already_decided")
        gatekeeping.require_may_decide(actor, community, TargetKind.POST, post.pk)
        before = _post_state(post)
        post.status = Post.Status.PUBLISHED if decision == "approve" else Post.Status.REJECTED
        post.review_reason = reason
        post.reviewed_by, post.reviewed_at = actor, timezone.now()
        post.save()
        action = AuditAction.APPROVE if decision == "approve" else AuditAction.REJECT
        _audit_post(actor, community, action, post, reason, before)
        post = _fresh(post.pk)
        if decision == "approve":
            live.announce(live.board_streams(post.board), live.post_created(post))
        live.announce(live.author_streams(post), live.post_reviewed(post, decision))
        # Every open committee console drops it (the author alone hears of a rejection).
        claims.settle(community_id=community.pk, kind=TargetKind.POST, item_id=post.pk)
    return post


def board_update(*, actor: User, board_id: int, requires_review: bool) -> Board:
    board, access, _reach = board_for(actor, board_id)
    if not access.moderate:
        raise Forbidden(_("Only moderators may change a board's settings."), code="not_moderator")
    if not isinstance(requires_review, bool):
        raise Invalid(errors={"requires_review": _("Must be true or false.")})
    if board.kind == BoardKind.DISTRICT and requires_review:
        raise Invalid(errors={"requires_review": _("Only district editors post here.")})
    board.requires_review = requires_review
    board.save(update_fields=["requires_review"])
    return board


# --- Read marks and urgent notices ----------------------------------------------------------
def board_mark_read(*, user: User, board_id: int) -> None:
    """Everything on the board up to now counts as read."""
    board, _access, _reach = board_for(user, board_id)
    newest = Post.objects.filter(board=board).order_by("-id").values_list("pk", flat=True).first()
    BoardReadMark.objects.update_or_create(
        board=board, user=user, defaults={"last_post_id": newest or 0}
    )


def urgent_acknowledge(*, user: User, post_id: int) -> None:
    post, _access = post_for(user, post_id)
    if not post.urgent:
        raise Invalid(_("This notice is not urgent."), code="not_urgent")
    UrgentAck.objects.get_or_create(post=post, user=user)


# --- Uploads ------------------------------------------------------------------------------
def _may_upload(user: User) -> None:
    reach = Reach.of(user)
    if not (reach.lived or reach.roles or reach.away):
        raise Forbidden(_("Only members may upload."))
    throttle.hit("board-upload", str(user.pk), settings.BOARD_UPLOAD_RATE)


def image_upload(*, uploader: User, upload: UploadedFile) -> PostImage:
    """A checked, cleaned picture, waiting to be put on a post by its uploader."""
    _may_upload(uploader)
    processed = images.process(upload)
    stem = uuid.uuid4().hex
    image = PostImage(uploader=uploader, width=processed.width, height=processed.height)
    image.image.save(f"{stem}.{processed.extension}", processed.full, save=False)
    image.thumbnail.save(f"{stem}.{processed.extension}", processed.thumbnail, save=False)
    image.save()
    return image


def attachment_upload(*, uploader: User, upload: UploadedFile) -> PostAttachment:
    """A checked PDF, waiting to be put on a service guide by its uploader."""
    _may_upload(uploader)
    attachments.check_pdf(upload)
    size = upload.size or 0
    name = (upload.name or "document.pdf")[:200]
    attachment = PostAttachment(uploader=uploader, name=name, size=size)
    attachment.file.save(f"{uuid.uuid4().hex}.pdf", upload, save=False)
    attachment.save()
    return attachment


def uploads_prune(*, older_than: timedelta) -> int:
    """Delete pictures and files uploaded but never put on a post (an abandoned composer)
    more than ``older_than`` ago; returns how many went."""
    cutoff = timezone.now() - older_than
    with transaction.atomic():
        images_left = list(PostImage.objects.filter(post__isnull=True, created_at__lt=cutoff))
        files_left = list(PostAttachment.objects.filter(post__isnull=True, created_at__lt=cutoff))
        _forget(images_left, IMAGE_FILES)
        _forget(files_left, ("file",))
    return len(images_left) + len(files_left)
