"""Gatekeeping (把关): the items only the party secretary, or a delegate, may decide.

An item is gated when a committee member referred it to the secretary (a ``Gate`` row)
or by rule: a post waiting for review on the party-building board, or a party member's
report-in (报到) waiting for confirmation. A gated item is decided by the community's
party secretary or by someone they delegated to; everyone else gets Forbidden with code
``gated``, whatever their other rights. The deciding services (join applications, post
review, topic groups, reports, report-ins) call ``require_may_decide`` before they write;
the writes of gatekeeping (referring, delegating) are communities/moderation/gatekeeping.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.boards.models import BoardKind, Post
from communities.errors import Forbidden
from communities.models import Place, Role, RoleKind, User
from communities.moderation.models import Delegation, Gate, Report, TargetKind
from communities.volunteering.models import ReportIn

from .places import RULES, Action, Verb

# Why a post on the party board is gated without anyone referring it.
PARTY_BOARD_NOTE = gettext_lazy("Posts on the party-building board are decided by the secretary.")
# Why a party member's report-in (报到) is gated: the branch secretary confirms it.
REPORT_IN_NOTE = gettext_lazy("Report-ins are confirmed by the party branch secretary.")
# Who a secretary may delegate to: people who work for the community or its branch.
DELEGATE_HOLDERS = RULES[Action.MODERATE_COMMUNITY] | {RoleKind.PARTY_MEMBER}


def _party_board_posts(ids: list[int]) -> set[int]:
    return set(
        Post.objects.filter(
            pk__in=ids, board__kind=BoardKind.PARTY, status=Post.Status.PENDING
        ).values_list("pk", flat=True)
    )


def _pending_report_ins(ids: list[int]) -> set[int]:
    return set(
        ReportIn.objects.filter(pk__in=ids, status=ReportIn.Status.PENDING).values_list(
            "pk", flat=True
        )
    )


# Items gated by rule, per kind: which of these ids are, and the note saying why.
RULE_GATES: dict[str, tuple[Callable[[list[int]], set[int]], Any]] = {
    TargetKind.POST: (_party_board_posts, PARTY_BOARD_NOTE),
    TargetKind.REPORT_IN: (_pending_report_ins, REPORT_IN_NOTE),
}


def gates_of(target_kind: str, ids: list[int]) -> dict[int, Gate]:
    """The gate of each gated item among ``ids`` (rule gates are unsaved ``Gate`` objects)."""
    found = {
        gate.target_id: gate
        for gate in Gate.objects.filter(target_kind=target_kind, target_id__in=ids).select_related(
            "referred_by"
        )
    }
    rule = RULE_GATES.get(target_kind)
    if rule is not None:
        gated, note = rule
        for item_id in gated([pk for pk in ids if pk not in found]):
            found[item_id] = Gate(target_kind=target_kind, target_id=item_id, note=str(note))
    return found


def gate_of(target_kind: str, target_id: int) -> Gate | None:
    return gates_of(target_kind, [target_id]).get(target_id)


def is_gatekeeper(user: User, community: Place) -> bool:
    """The community's party secretary, or someone they delegated gatekeeping to."""
    if not user.is_authenticated or not user.is_active:
        return False
    if Role.objects.filter(user=user, kind=RoleKind.PARTY_SECRETARY, place=community).exists():
        return True
    return Delegation.objects.filter(
        community=community, delegate=user, ended_at__isnull=True
    ).exists()


def may_decide(user: User, community: Place, target_kind: str, target_id: int) -> bool:
    """False only for a gated item and someone who is not its gatekeeper."""
    return gate_of(target_kind, target_id) is None or is_gatekeeper(user, community)


def require_may_decide(user: User, community: Place, target_kind: str, target_id: int) -> None:
    if not may_decide(user, community, target_kind, target_id):
        raise Forbidden(_("Only the party secretary can decide this."), code="gated")


def require_may_act_on(actor: User, community: Place, target_kind: str, target_id: int) -> None:
    """Before hiding or removing an item: Forbidden ``gated`` when its open report waits
    for the party secretary and ``actor`` is not their gatekeeper (acting on the item
    decides the report too)."""
    report_id = (
        Report.objects.filter(
            target_kind=target_kind, target_id=target_id, status=Report.Status.OPEN
        )
        .values_list("pk", flat=True)
        .first()
    )
    if report_id is not None:
        require_may_decide(actor, community, TargetKind.REPORT, report_id)


VERBS = (
    Verb(
        "decide_gated_items",
        "community",
        "decide the items waiting for the party secretary (把关): referred ones, party-board "
        "posts in review, report-ins",
        "the community's party secretary and whoever they delegated to",
        is_gatekeeper,
    ),
)
