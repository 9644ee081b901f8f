"""Moderation's rules: whose rules cover a board or a conversation, who moderates or
oversees a community, and the mutes and suspensions that keep someone from writing.

Chat and the boards ask ``refuse_if_restricted`` before they write (one query); they
never reach into the moderation app for it. Which words hold a post back is
``words``; who decides a gated item is ``gatekeeping``.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from chat.models import Conversation
from communities.boards.models import Board
from communities.errors import Forbidden, NotFound
from communities.models import Place, PlaceKind, User
from communities.moderation.models import AuditAction, AuditEntry, Restriction

from .places import RULES, Action, Verb, standing

STAFF = RULES[Action.MODERATE_COMMUNITY]
SUPERVISORS = RULES[Action.SUPERVISE]


# --- Places ---------------------------------------------------------------------------------
def community_id_of_place(place: Place) -> int:
    """The community of an estate, or the place itself (a community, or the district of
    the i-District board)."""
    if place.kind == PlaceKind.ESTATE:
        assert place.parent_id is not None
        return place.parent_id
    return place.pk


def community_of_board(board: Board) -> int | None:
    """The community whose rules (suspensions, word filter) cover a board; None for the
    district's board."""
    place = board.place
    if place.kind == PlaceKind.DISTRICT:
        return None
    return community_id_of_place(place)


def community_of_conversation(conversation: Conversation) -> int:
    return community_id_of_place(conversation.place)


def _community(community_id: int) -> Place:
    community = (
        Place.objects.filter(pk=community_id).first() if isinstance(community_id, int) else None
    )
    if community is None or not community.is_community:
        raise NotFound()
    return community


def staff_community(user: User, community_id: int) -> Place:
    """A community whose staff ``user`` is; NotFound otherwise (whether missing or not)."""
    community = _community(community_id)
    if not standing(user, community) & STAFF:
        raise NotFound()
    return community


def overseen_community(user: User, community_id: int) -> Place:
    """A community ``user`` serves on the staff of or supervises (may read its moderation)."""
    community = _community(community_id)
    if not standing(user, community) & (STAFF | SUPERVISORS):
        raise NotFound()
    return community


# --- Mutes and suspensions ------------------------------------------------------------------
def _active() -> Q:
    return Q(lifted_at__isnull=True, until__gt=timezone.now())


def active_restrictions() -> QuerySet[Restriction]:
    return Restriction.objects.filter(_active()).select_related("community", "user", "created_by")


def restriction_blocking(
    user_id: int, *, community_id: int, conversation_id: int | None = None
) -> Restriction | None:
    """The active suspension in the community (or mute in the conversation) that keeps
    ``user_id`` from writing there, the one ending last; one query."""
    where = Q(kind=Restriction.Kind.SUSPENSION, community_id=community_id)
    if conversation_id is not None:
        where |= Q(kind=Restriction.Kind.MUTE, conversation_id=conversation_id)
    return (
        Restriction.objects.filter(where, _active(), user_id=user_id)
        .select_related("community")
        .order_by("-until")
        .first()
    )


def _local(value: datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def refuse_if_restricted(
    user: User, *, community_id: int | None, conversation_id: int | None = None
) -> None:
    """Forbidden ``suspended`` or ``muted`` (naming the end time) while ``user`` may not
    write here; nothing when they may."""
    if community_id is None:
        return
    found = restriction_blocking(
        user.pk, community_id=community_id, conversation_id=conversation_id
    )
    if found is None:
        return
    if found.kind == Restriction.Kind.SUSPENSION:
        raise Forbidden(
            _("You are suspended from posting in %(community)s until %(until)s. Reason: %(reason)s")
            % {
                "community": found.community.name,
                "until": _local(found.until),
                "reason": found.reason,
            },
            code="suspended",
        )
    raise Forbidden(
        _("You are muted in this group until %(until)s. Reason: %(reason)s")
        % {"until": _local(found.until), "reason": found.reason},
        code="muted",
    )


# --- Removed by whom ----------------------------------------------------------------------
def removed_by_moderator(target_kind: str, target_id: int) -> bool:
    """Whether a deleted post or comment was removed by a moderator (so a moderator may
    restore it), not deleted by its author: the audit log's last word on it."""
    last = (
        AuditEntry.objects.filter(
            target_kind=target_kind,
            target_id=target_id,
            action__in=[AuditAction.REMOVE, AuditAction.RESTORE],
        )
        .order_by("-id")
        .values_list("action", flat=True)
        .first()
    )
    return last == AuditAction.REMOVE


def _oversees(user: User, community: Place) -> bool:
    return community.is_community and bool(standing(user, community) & (STAFF | SUPERVISORS))


VERBS = (
    Verb(
        "oversee_moderation",
        "community",
        "read the community's reports, suspensions, audit log and committee console",
        "the community's staff, and the street and district supervisors above it",
        _oversees,
    ),
)
