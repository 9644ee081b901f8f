"""The committee's side of a board: deciding posts waiting for review, a board's
settings; and each reader's read marks and acknowledged urgent notices."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.errors import Conflict, Forbidden, Invalid, NotFound
from communities.models import User
from communities.moderation.models import AuditAction, TargetKind
from communities.moderation.settle import settle
from communities.rules import community_of, gatekeeping
from realtime.groups import user_group

from .. import live
from ..models import (
    Board,
    BoardKind,
    BoardReadMark,
    Post,
    UrgentAck,
)
from ..selectors import board_for, post_for
from ..writes import _audit_post, _fresh, _post_state


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
        settle(community_id=community.pk, kind=TargetKind.POST, item_id=post.pk)
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
    with transaction.atomic():
        _ack, created = UrgentAck.objects.get_or_create(post=post, user=user)
        if created:
            live.announce([user_group(user.pk)], live.urgent_acknowledged(post))
