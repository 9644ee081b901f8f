"""Comments: writing one, and deleting one's own (a moderator deleting someone's hides it)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from communities import throttle
from communities.errors import Forbidden, Invalid, NotFound
from communities.models import User
from communities.rules.moderation import (
    community_of_board,
    refuse_if_restricted,
)

from .. import live
from ..models import (
    Comment,
    Post,
)
from ..moderation import comment_hide
from ..selectors import post_for

COMMENT_MAX = 1000


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
