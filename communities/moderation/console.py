"""The committee console: everything waiting for a community's committee, as one list.

Eight kinds of item wait there: pending join applications, posts awaiting review, open
reports, proposed topic groups, applications to topic groups, unread letters to the
committee, party members' report-ins (报到) waiting for the party secretary (gated by
rule: the staff see them, only the secretary or a delegate decides), and the cases open
at the community tier (身边事). ``items_of`` reads
them all in a fixed number of queries (one per kind, plus gates, claims and the reports'
details), however many there are, and shapes each alike:

    {kind, id, community, title, summary, created_at, author, claimed_by, claimed_at,
     gated, gate_note, gated_by, may_decide, link, extra}

The community's staff open its console and act; the street and district supervisors
above it may read it but not act (``may_decide`` is false for them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Model, QuerySet
from django.utils import timezone

from chat import moderation as chat_moderation
from communities.boards import moderation as board_moderation
from communities.cases import moderation as case_moderation
from communities.errors import NotFound
from communities.models import (
    COMMUNITY_KINDS,
    AccessLog,
    JoinApplication,
    Place,
    Role,
    RoleKind,
    User,
)
from communities.rules import RULES, Action, places_where, standing
from communities.rules import gatekeeping as gate_rules
from communities.shapes import person_out
from communities.volunteering import moderation as volunteering_moderation

from . import gatekeeping
from .models import Claim, Report, ReportEntry, TargetKind
from .sources import Source, short

# The order the console shows its groups in.
KINDS: tuple[str, ...] = (
    TargetKind.REPORT,
    TargetKind.APPLICATION,
    TargetKind.POST,
    TargetKind.TOPIC_PROPOSAL,
    TargetKind.TOPIC_APPLICATION,
    TargetKind.LETTER,
    TargetKind.REPORT_IN,
    TargetKind.CASE,
)
# At most this many items of one kind are listed (the oldest first).
PER_KIND = 200


def claim_ttl() -> timedelta:
    """How long a claim holds without being renewed (the console renews it while open)."""
    return timedelta(seconds=getattr(settings, "CONSOLE_CLAIM_TTL", 30 * 60))


@dataclass(frozen=True)
class Console:
    """One person at one community's console."""

    community: Place
    staff: bool  # may act on the items (supervisors only read)
    gatekeeper: bool  # the party secretary or a delegate: decides gated items too
    secretary: bool  # the party secretary: delegates gatekeeping


# --- Where each kind of item comes from ----------------------------------------------------
def _application(item: JoinApplication) -> dict[str, Any]:
    estate = item.estate
    return {
        "title": item.real_name,
        "summary": short(item.note),
        "author": person_out(item.applicant),
        "link": f"/review?community={estate.parent_id}",
        "extra": {
            "estate": {"id": estate.pk, "name": estate.name},
            "building": item.building,
            "unit": item.unit,
            "room": item.room,
            "living_away": item.living_away,
        },
    }


def _report(item: Report) -> dict[str, Any]:
    # ``reasons``, ``conversation`` and ``post`` are filled in by ``_report_details``.
    return {
        "title": item.get_target_kind_display(),
        "summary": item.excerpt,
        "author": person_out(item.target_author),
        "link": "",
        "extra": {
            "target_kind": item.target_kind,
            "target_id": item.target_id,
            "count": item.count,
            "reasons": {},
            "last_at": item.last_at.isoformat(),
            "conversation": None,
            "post": None,
        },
    }


SOURCES: dict[str, Source] = {
    source.kind: source
    for source in (
        Source(
            TargetKind.APPLICATION,
            lambda: JoinApplication.objects.select_related("estate", "applicant").annotate(
                console_community=F("estate__parent_id"), console_at=F("created_at")
            ),
            {"status": JoinApplication.Status.PENDING},
            _application,
        ),
        Source(
            TargetKind.REPORT,
            lambda: Report.objects.select_related("target_author").annotate(
                console_community=F("community_id"), console_at=F("first_at")
            ),
            {"status": Report.Status.OPEN},
            _report,
        ),
        *board_moderation.CONSOLE_SOURCES,
        *chat_moderation.CONSOLE_SOURCES,
        *volunteering_moderation.CONSOLE_SOURCES,
        *case_moderation.CONSOLE_SOURCES,
    )
}


# --- Who may open which console ------------------------------------------------------------
def console_for(user: User, community_id: int) -> Console:
    """The console of a community for its staff or a supervisor above it; NotFound else."""
    community = Place.objects.filter(pk=community_id, kind__in=COMMUNITY_KINDS).first()
    held = standing(user, community) if community is not None else frozenset()
    staff = bool(held & RULES[Action.MODERATE_COMMUNITY])
    if community is None or not (staff or held & RULES[Action.SUPERVISE]):
        raise NotFound()
    secretary = staff and RoleKind.PARTY_SECRETARY in held
    gatekeeper = secretary or (staff and gate_rules.is_gatekeeper(user, community))
    return Console(community=community, staff=staff, gatekeeper=gatekeeper, secretary=secretary)


def consoles_of(user: User) -> list[tuple[Place, bool, dict[str, int]]]:
    """The communities whose console ``user`` may open: (community, staff, waiting per kind).

    Counted in one grouped query per kind, however many communities a supervisor watches.
    """
    staff_ids = {
        place.pk for place in places_where(user, Action.MODERATE_COMMUNITY, kinds=COMMUNITY_KINDS)
    }
    watched = places_where(user, Action.SUPERVISE, kinds=COMMUNITY_KINDS)
    ids = staff_ids | {place.pk for place in watched}
    if not ids:
        return []
    counts: dict[int, dict[str, int]] = {pk: dict.fromkeys(KINDS, 0) for pk in ids}
    for kind in KINDS:
        source = SOURCES[kind]
        rows = (
            source.everything()
            .filter(console_community__in=ids, **source.waiting)
            .values("console_community")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            counts[row["console_community"]][kind] = row["n"]
    communities = Place.objects.filter(pk__in=ids).order_by("path")
    return [(place, place.pk in staff_ids, counts[place.pk]) for place in communities]


# --- Reading items ---------------------------------------------------------------------------
def _fresh_claims(community_id: int) -> dict[tuple[str, int], Claim]:
    since = timezone.now() - claim_ttl()
    claims = Claim.objects.filter(community_id=community_id, claimed_at__gte=since)
    return {(c.target_kind, c.target_id): c for c in claims.select_related("claimed_by")}


def _report_details(reports: list[Report], shaped: dict[int, dict[str, Any]]) -> None:
    """The reasons given (counted) and where each reported item is opened: three queries."""
    if not reports:
        return
    for row in (
        ReportEntry.objects.filter(report__in=reports)
        .values("report_id", "reason")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        shaped[row["report_id"]]["extra"]["reasons"][row["reason"]] = row["n"]
    wanted: dict[str, list[int]] = {}
    for report in reports:
        wanted.setdefault(report.target_kind, []).append(report.target_id)
    conversations = chat_moderation.conversations_of_messages(wanted.get(TargetKind.MESSAGE, []))
    comment_posts = board_moderation.posts_of_comments(wanted.get(TargetKind.COMMENT, []))
    for report in reports:
        extra = shaped[report.pk]["extra"]
        if report.target_kind == TargetKind.MESSAGE:
            extra["conversation"] = conversations.get(report.target_id)
        elif report.target_kind == TargetKind.POST:
            extra["post"] = report.target_id
        elif report.target_kind == TargetKind.COMMENT:
            extra["post"] = comment_posts.get(report.target_id)
        if extra["conversation"]:
            shaped[report.pk]["link"] = f"/chat/{extra['conversation']}"
        elif extra["post"]:
            shaped[report.pk]["link"] = f"/boards/posts/{extra['post']}"


def _waiting(kind: str, community_id: int) -> QuerySet[Any]:
    source = SOURCES[kind]
    return source.everything().filter(console_community=community_id, **source.waiting)


def items_of(user: User, community_id: int) -> tuple[Console, list[dict[str, Any]]]:
    """Everything waiting for the committee of a community, grouped by kind, oldest first
    (with the console it was read for).

    Join applications show real names, so a look that lists any is written to AccessLog.
    """
    console = console_for(user, community_id)
    items: list[dict[str, Any]] = []
    claims = _fresh_claims(console.community.pk)  # one read, shared by every kind
    applications = 0
    for kind in KINDS:
        rows = list(_waiting(kind, console.community.pk).order_by("console_at", "pk")[:PER_KIND])
        if kind == TargetKind.APPLICATION:
            applications = len(rows)
        items.extend(_shape(console, kind, rows, claims))
    if applications:
        AccessLog.objects.create(
            actor=user,
            action="view_console",
            place=console.community,
            detail=f"applications shown={applications}",
        )
    return console, items


def _shape(
    console: Console, kind: str, rows: list[Any], claims: dict[tuple[str, int], Claim]
) -> list[dict[str, Any]]:
    """The console items of ``rows`` (one kind, one community)."""
    if not rows:
        return []
    source = SOURCES[kind]
    gates = gate_rules.gates_of(kind, [row.pk for row in rows])
    shaped: dict[int, dict[str, Any]] = {}
    for row in rows:
        gate = gates.get(row.pk)
        claim = claims.get((kind, row.pk))
        at: datetime = row.console_at
        shaped[row.pk] = {
            "kind": kind,
            "id": row.pk,
            "community": console.community.pk,
            "created_at": at.isoformat(),
            "claimed_by": person_out(claim.claimed_by) if claim else None,
            "claimed_at": claim.claimed_at.isoformat() if claim else None,
            **gatekeeping.gate_out(gate),
            "may_decide": console.staff and (gate is None or console.gatekeeper),
            **source.shape(row),
        }
    if kind == TargetKind.REPORT:
        _report_details(rows, shaped)
    return list(shaped.values())


@dataclass(frozen=True)
class Located:
    """One console item, wherever it stands now."""

    console: Console
    kind: str
    row: Model
    waiting: bool


def item_locate(user: User, kind: str, item_id: int) -> Located:
    """A console item of a community whose console ``user`` may open, waiting or not;
    NotFound whether it is missing or not theirs to see."""
    source = SOURCES.get(kind)
    row = source.everything().filter(pk=item_id).first() if source is not None else None
    if source is None or row is None or row.console_community is None:
        raise NotFound()
    console = console_for(user, row.console_community)
    waiting = source.everything().filter(pk=item_id, **source.waiting).exists()
    return Located(console=console, kind=kind, row=row, waiting=waiting)


def item_out(located: Located) -> dict[str, Any]:
    """The console shape of one located item (as ``items_of`` lists it)."""
    claims = _fresh_claims(located.console.community.pk)
    return _shape(located.console, located.kind, [located.row], claims)[0]


def delegate_candidates(user: User, community_id: int) -> list[User]:
    """Whom the party secretary may delegate gatekeeping to: the community's other staff
    and its party members."""
    console = console_for(user, community_id)
    if not console.secretary:
        return []
    ids = (
        Role.objects.filter(place=console.community, kind__in=gate_rules.DELEGATE_HOLDERS)
        .exclude(user=user)
        .values("user_id")
    )
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("display_name", "pk"))
