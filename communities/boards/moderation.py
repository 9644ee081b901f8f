"""The boards' door for moderation: what the moderation app calls, and nothing else of
the boards.

Removing, hiding and restoring posts and comments are the boards' writes (a board's
managers hide posts from its own pages too), each with its audit entry, its live event
and, for a verdict, ``content_moderated`` so an open report of the item is marked acted
on; what a moderator sees of a post or a comment; what a report of one says; and where
the console finds the posts waiting for review. Who moderates a board is
``communities.rules.boards``.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Case, F, IntegerField, QuerySet, When
from django.utils.translation import gettext as _

from communities import signals
from communities.errors import Conflict, Forbidden, NotFound
from communities.models import Place, PlaceKind, User
from communities.moderation import audit
from communities.moderation.audit import clean_reason
from communities.moderation.models import AuditAction, TargetKind
from communities.moderation.sources import Source, short
from communities.rules import community_of, gatekeeping
from communities.rules.boards import board_access
from communities.rules.moderation import (
    removed_by_moderator,
)
from communities.rules.reach import Reach
from communities.shapes import person_out

from . import live
from .models import (
    Comment,
    Post,
)
from .schemas import CommentOut, PostDetailOut
from .selectors import comment_for, post_detail_of, post_for, post_to_restore
from .shapes import comment_out
from .writes import _audit_post, _fresh, _managed, _post_state


def post_remove(*, actor: User, post_id: int, reason: str) -> Post:
    """A moderator removes a post (status deleted) with a reason; a moderator may restore it."""
    reason = clean_reason(reason, required=True)
    post, access = post_for(actor, post_id)
    if not access.moderate:
        raise Forbidden(_("Only moderators may do this."), code="not_moderator")
    post_removed_by(actor, post, reason=reason)
    return _fresh(post.pk)


def post_removed_by(actor: User, post: Post, *, reason: str) -> None:
    """Remove ``post`` (``actor`` moderates its board): it leaves every page, its open
    report is acted on, a moderator may restore it."""
    community = community_of(post.board.place)
    gatekeeping.require_may_act_on(actor, community, TargetKind.POST, post.pk)
    streams = live.streams_of(post)
    before = _post_state(post)
    with transaction.atomic():
        post.status = Post.Status.DELETED
        post.pinned = False
        post.save(update_fields=["status", "pinned", "updated_at"])
        _audit_post(actor, community, AuditAction.REMOVE, post, reason, before)
        live.announce(streams, live.post_deleted(post))
        signals.content_moderated.send(
            sender=Post,
            target_kind=TargetKind.POST,
            target_id=post.pk,
            actor=actor,
            note=reason,
        )


def post_hide(*, actor: User, post_id: int, reason: str = "") -> Post:
    reason = clean_reason(reason, required=False)
    post, _access = _managed(actor, post_id)
    if post.status != Post.Status.PUBLISHED:
        raise Conflict(_("Only a published post can be hidden."))
    community = community_of(post.board.place)
    gatekeeping.require_may_act_on(actor, community, TargetKind.POST, post.pk)
    before = _post_state(post)
    with transaction.atomic():
        post.status = Post.Status.HIDDEN
        post.save(update_fields=["status", "updated_at"])
        _audit_post(actor, community, AuditAction.HIDE, post, reason, before)
        live.announce(live.board_streams(post.board), live.post_hidden(post))
        signals.content_moderated.send(
            sender=Post,
            target_kind=TargetKind.POST,
            target_id=post.pk,
            actor=actor,
            note=reason,
        )
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
    gatekeeping.require_may_act_on(actor, community, TargetKind.COMMENT, comment.pk)
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
        signals.content_moderated.send(
            sender=Comment,
            target_kind=TargetKind.COMMENT,
            target_id=comment.pk,
            actor=actor,
            note=reason,
        )
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


# --- What a moderator sees ------------------------------------------------------------------
def post_as_moderator(user: User, post: Post) -> dict[str, Any]:
    """The post as the moderator now sees it (a removed one too)."""
    return post_detail_of(user, post, board_access(Reach.of(user), post.board))


def comment_as_moderator(comment: Comment) -> dict[str, Any]:
    return comment_out(comment, moderator=True)


# --- Reports --------------------------------------------------------------------------------
def reported_post(reporter: User, post_id: int) -> tuple[Place, User, str]:
    """The community, author and text of a published post ``reporter`` can read; else 404."""
    post, _access = post_for(reporter, post_id)
    if post.status != Post.Status.PUBLISHED:
        raise NotFound()
    return community_of(post.board.place), post.author, f"{post.title} {post.body_text}"


def reported_comment(reporter: User, comment_id: int) -> tuple[Place, User, str]:
    """The community, author and text of a visible comment ``reporter`` can read; else 404."""
    comment = (
        Comment.objects.select_related("author").filter(pk=comment_id).first()
        if isinstance(comment_id, int)
        else None
    )
    if comment is None or comment.status != Comment.Status.VISIBLE:
        raise NotFound()
    post, _access = post_for(reporter, comment.post_id)
    return community_of(post.board.place), comment.author, comment.body


def posts_of_comments(comment_ids: list[int]) -> dict[int, int]:
    """The post of each comment, to open a reported one at: one query."""
    return dict(Comment.objects.filter(pk__in=comment_ids).values_list("pk", "post_id"))


# --- The committee console ------------------------------------------------------------------
def _community_of_post() -> Case:
    """A post's community: its board's place, or the community of an estate's board."""
    return Case(
        When(board__place__kind=PlaceKind.ESTATE, then=F("board__place__parent_id")),
        default=F("board__place_id"),
        output_field=IntegerField(),
    )


def _posts() -> QuerySet[Post]:
    return Post.objects.select_related("board", "author").annotate(
        console_community=_community_of_post(), console_at=F("created_at")
    )


def _post_item(item: Post) -> dict[str, Any]:
    board = item.board
    return {
        "title": item.title,
        "summary": short(item.body_text),
        "author": person_out(item.author),
        "link": f"/boards/posts/{item.pk}",
        "extra": {"board": {"id": board.pk, "kind": board.kind, "place_id": board.place_id}},
    }


CONSOLE_SOURCES = (Source(TargetKind.POST, _posts, {"status": Post.Status.PENDING}, _post_item),)


# The shapes moderation's endpoints answer with.
__all__ = [
    "CONSOLE_SOURCES",
    "CommentOut",
    "PostDetailOut",
    "comment_as_moderator",
    "comment_hide",
    "comment_remove",
    "comment_restore",
    "post_as_moderator",
    "post_hide",
    "post_remove",
    "post_removed_by",
    "post_restore",
    "posts_of_comments",
    "reported_comment",
    "reported_post",
]
