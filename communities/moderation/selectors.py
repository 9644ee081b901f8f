"""Reads for moderation: who moderates a community, active mutes and suspensions (and the
refusal they cause), reports with their reasons, the word filter, the audit log."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.errors import Forbidden, Invalid, NotFound
from communities.models import Place, PlaceKind, User
from communities.permissions import RULES, Action, standing

from . import wordfilter
from .models import (
    AuditAction,
    AuditEntry,
    Report,
    ReportEntry,
    Restriction,
    TargetKind,
    WordFilter,
)
from .shapes import report_out

if TYPE_CHECKING:
    from chat.models import Conversation
    from communities.boards.models import Board, Post

AUDIT_PAGE = 50
AUDIT_MAX = 100
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


def restrictions_of(user: User) -> list[Restriction]:
    """My active mutes and suspensions, soonest ending first (for the composer's banner)."""
    return list(active_restrictions().filter(user=user).order_by("until", "id"))


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


# --- Reports --------------------------------------------------------------------------------
def reasons_of(report_ids: list[int]) -> dict[int, dict[str, int]]:
    """How many reporters gave each reason, per report: one query."""
    counts: dict[int, Counter[str]] = {pk: Counter() for pk in report_ids}
    rows = ReportEntry.objects.filter(report_id__in=report_ids).values_list("report_id", "reason")
    for report_id, reason in rows:
        counts[report_id][reason] += 1
    return {pk: dict(counter) for pk, counter in counts.items()}


def _where(reports: list[Report]) -> dict[int, tuple[int | None, int | None]]:
    """(conversation, post) to open each reported item at: a query per kind present."""
    from chat.models import Message
    from communities.boards.models import Comment

    ids: dict[str, list[int]] = {}
    for report in reports:
        ids.setdefault(report.target_kind, []).append(report.target_id)
    conversations = dict(
        Message.objects.filter(pk__in=ids.get(TargetKind.MESSAGE, [])).values_list(
            "pk", "conversation_id"
        )
    )
    posts = dict(
        Comment.objects.filter(pk__in=ids.get(TargetKind.COMMENT, [])).values_list("pk", "post_id")
    )
    where: dict[int, tuple[int | None, int | None]] = {}
    for report in reports:
        if report.target_kind == TargetKind.MESSAGE:
            where[report.pk] = (conversations.get(report.target_id), None)
        elif report.target_kind == TargetKind.COMMENT:
            where[report.pk] = (None, posts.get(report.target_id))
        else:
            where[report.pk] = (None, report.target_id)
    return where


def report_shapes(reports: list[Report]) -> list[dict[str, Any]]:
    """ReportOut of each report, in a fixed number of queries however many."""
    reasons = reasons_of([report.pk for report in reports])
    where = _where(reports)
    return [
        report_out(
            report,
            reasons=reasons[report.pk],
            conversation=where[report.pk][0],
            post=where[report.pk][1],
        )
        for report in reports
    ]


def report_shape(report: Report) -> dict[str, Any]:
    return report_shapes([report])[0]


REPORT_STATUSES = ("open", "actioned", "dismissed", "all")


def reports_of(user: User, community_id: int, *, status: str = "open") -> list[Report]:
    """A community's reports, most recently reported first (staff and supervisors)."""
    community = overseen_community(user, community_id)
    if status not in REPORT_STATUSES:
        raise Invalid(errors={"status": _("Choose open, actioned, dismissed or all.")})
    queryset = Report.objects.filter(community=community).select_related(
        "target_author", "decided_by"
    )
    if status != "all":
        queryset = queryset.filter(status=status)
    return list(queryset.order_by("-last_at", "-id")[:200])


def open_report_of(target_kind: str, target_id: int) -> Report | None:
    return Report.objects.filter(
        target_kind=target_kind, target_id=target_id, status=Report.Status.OPEN
    ).first()


# --- Word filter ----------------------------------------------------------------------------
def word_filter_of(user: User, community_id: int) -> WordFilter | None:
    """A community's word filter, for its staff (None when it has never had one)."""
    community = staff_community(user, community_id)
    return WordFilter.objects.filter(community=community).select_related("updated_by").first()


def _matcher(word_filter: WordFilter) -> wordfilter.Matcher:
    return wordfilter.matcher_for(
        word_filter.community_id, word_filter.updated_at, list(word_filter.words)
    )


def filter_matches(community_id: int | None, text: str) -> list[str]:
    """The community's listed words found in ``text`` (none when the filter is off)."""
    if community_id is None:
        return []
    word_filter = WordFilter.objects.filter(community_id=community_id, enabled=True).first()
    if word_filter is None:
        return []
    return _matcher(word_filter).matches(text)


def post_text(title: str, body_text: str) -> str:
    """What the filter reads of a post: title and text, kept apart by a line break (a word
    cannot join the end of the title to the start of the text)."""
    return f"{title}\n{body_text}"


def filter_matches_of(posts: list[Post]) -> dict[int, list[str]]:
    """For moderators' review queue: the listed words each post contains under its
    community's current filter (posts matching nothing are left out). One query."""
    by_community: dict[int, list[Post]] = {}
    for post in posts:
        community_id = community_of_board(post.board)
        if community_id is not None:
            by_community.setdefault(community_id, []).append(post)
    filters = WordFilter.objects.filter(community_id__in=by_community, enabled=True)
    found: dict[int, list[str]] = {}
    for word_filter in filters:
        matcher = _matcher(word_filter)
        for post in by_community[word_filter.community_id]:
            words = matcher.matches(post_text(post.title, post.body_text))
            if words:
                found[post.pk] = words
    return found


# --- Audit log ------------------------------------------------------------------------------
def audit_log(
    user: User,
    community_id: int,
    *,
    before_id: int | None = None,
    limit: int = AUDIT_PAGE,
    action: str | None = None,
    target_kind: str | None = None,
) -> list[AuditEntry]:
    """A community's audit entries, newest first (its staff and the supervisors above)."""
    community = overseen_community(user, community_id)
    if action and action not in AuditAction.values:
        raise Invalid(errors={"action": _("Unknown action.")})
    if target_kind and target_kind not in TargetKind.values:
        raise Invalid(errors={"target_kind": _("Unknown kind of item.")})
    queryset = AuditEntry.objects.filter(community=community).select_related("actor", "subject")
    if before_id is not None:
        queryset = queryset.filter(pk__lt=before_id)
    if action:
        queryset = queryset.filter(action=action)
    if target_kind:
        queryset = queryset.filter(target_kind=target_kind)
    return list(queryset.order_by("-id")[: max(1, min(limit, AUDIT_MAX))])


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


def mutes_of(user: User, conversation_id: int) -> list[Restriction]:
    """A group's active mutes, for its moderators."""
    from chat.selectors import conversation_access_for

    conversation, access = conversation_access_for(user, conversation_id)
    if not access.moderate:
        raise Forbidden(_("Only the group's moderators may do this."), code="not_moderator")
    return list(active_restrictions().filter(conversation=conversation).order_by("until", "id"))


def suspensions_of(user: User, community_id: int) -> list[Restriction]:
    """A community's active suspensions, for its staff and supervisors."""
    community = overseen_community(user, community_id)
    return list(
        active_restrictions()
        .filter(community=community, kind=Restriction.Kind.SUSPENSION)
        .order_by("until", "id")
    )
