"""Who may see and do what to a case (docs/cases.md, "Who sees what" and the tiers).

Everyone's part in one case is one ``CaseAccess``: whether they reported it or follow it,
may view its community (a neighbour), are on the community's staff (the community tier),
are an officer of the unit holding it now or of one that held it before, or supervise its
street or district. Every ``may`` flag is worked out from those parts and the case's
status and tier alone, so the table of docs/cases.md is generated from the same code
(``manage.py cases_table``) and a list of cases needs no query per case
(``CaseAccess.build`` with the parts loaded once).

``handles`` is the unit that may act now: the community's staff at the community tier, the
officers of ``case.unit`` above it (at the grid tier the street's desk, which enters the
grid's updates). Supervisors read everything and may urge; nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from communities.cases.models import Case, Follower, Tier, UnitOfficer
from communities.models import COMMUNITY_KINDS, STREET_KINDS, Place, PlaceKind, RoleKind, User
from communities.moderation.models import AuditEntry

from .places import RESIDENT, RULES, Action, Verb, standing

STAFF = RULES[Action.MODERATE_COMMUNITY]
SUPERVISORS = RULES[Action.SUPERVISE]
VIEWERS = RULES[Action.VIEW_COMMUNITY]
# Who keeps a district's list of categories.
CATEGORY_EDITORS = frozenset({RoleKind.DISTRICT_SUPERVISOR})

# A case someone still works on (the unit's queue); a resolved one waits for its reporter.
ACTIVE = frozenset({Case.Status.SUBMITTED, Case.Status.ACCEPTED, Case.Status.IN_PROGRESS})
OPEN = ACTIVE | {Case.Status.RESOLVED}

# The ``may`` flags of the case shape, in the order docs/cases.md lists them.
MAY = (
    "accept",
    "decline",
    "start",
    "reply",
    "note",
    "resolve",
    "escalate",
    "assign",
    "refer",
    "hand_off",
    "grid_update",
    "send_back",
    "merge",
    "urge",
    "answer_urge",
    "rate",
    "reopen",
)


@dataclass(frozen=True)
class CaseAccess:
    """One person's part in one case, and what it lets them do now."""

    case: Case
    reporter: bool = False
    follower: bool = False
    neighbour: bool = False  # may view the case's community
    staff: bool = False  # the community's committee: the community tier
    officer: bool = False  # an officer of the unit holding the case now
    past_unit: bool = False  # an officer of a unit that held it before: keeps reading
    supervisor: bool = False  # street supervisor of its street, district supervisor above
    units: frozenset[int] = field(default=frozenset())  # every unit the person serves

    @classmethod
    def of(cls, user: User, case: Case) -> CaseAccess:
        """At most five small queries: standing (two), units, following, past units."""
        if not user.is_authenticated or not user.is_active:
            return cls(case=case)
        held = standing(user, case.community)
        units = frozenset(UnitOfficer.objects.filter(user=user).values_list("unit_id", flat=True))
        follower = Follower.objects.filter(case=case, user=user).exists()
        past = bool(units) and bool(units & past_units(case.pk))
        return cls.build(case, user.pk, held, units=units, follower=follower, past=past)

    @classmethod
    def build(
        cls,
        case: Case,
        user_id: int,
        held: frozenset[str],
        *,
        units: frozenset[int] = frozenset(),
        follower: bool = False,
        past: bool = False,
    ) -> CaseAccess:
        """From parts already loaded (``held``: the standing at the case's community)."""
        return cls(
            case=case,
            reporter=case.reporter_id == user_id,
            follower=follower,
            neighbour=bool(held & VIEWERS),
            staff=bool(held & STAFF),
            officer=case.unit_id is not None and case.unit_id in units,
            past_unit=past,
            supervisor=bool(held & SUPERVISORS),
            units=units,
        )

    # --- Seeing --------------------------------------------------------------------------
    @property
    def internal(self) -> bool:
        """Sees the internal notes, the reporter and their phone: the units, supervisors."""
        return self.staff or self.officer or self.past_unit or self.supervisor

    @property
    def sees(self) -> bool:
        return (
            self.internal or self.reporter or self.follower or (self.neighbour and self.case.public)
        )

    @property
    def sees_reporter(self) -> bool:
        return self.internal or self.reporter or self.case.show_reporter

    @property
    def read_only(self) -> bool:
        """Reads through supervision alone (each look is logged)."""
        return self.supervisor and not (self.staff or self.officer or self.past_unit)

    # --- Acting ------------------------------------------------------------------------
    @property
    def handles(self) -> bool:
        """Holds the case now: may act on it (as far as its status allows)."""
        if self.case.tier == Tier.COMMUNITY:
            return self.staff
        return self.officer

    @property
    def active(self) -> bool:
        return self.case.status in ACTIVE

    def _handling(self, *statuses: str) -> bool:
        return self.handles and self.case.status in statuses

    @property
    def may_accept(self) -> bool:
        return self._handling(Case.Status.SUBMITTED)

    @property
    def may_decline(self) -> bool:
        return self._handling(Case.Status.SUBMITTED)

    @property
    def may_start(self) -> bool:
        return self._handling(Case.Status.SUBMITTED, Case.Status.ACCEPTED)

    @property
    def may_reply(self) -> bool:
        return self._handling(*OPEN)

    @property
    def may_note(self) -> bool:
        return self._handling(*OPEN)

    @property
    def may_resolve(self) -> bool:
        return self._handling(Case.Status.ACCEPTED, Case.Status.IN_PROGRESS)

    def _hop(self, *tiers: str) -> bool:
        return self.handles and self.active and self.case.tier in tiers

    @property
    def may_escalate(self) -> bool:
        return self._hop(Tier.COMMUNITY)

    @property
    def may_assign(self) -> bool:
        return self._hop(Tier.STREET)

    @property
    def may_refer(self) -> bool:
        return self._hop(Tier.STREET)

    @property
    def may_hand_off(self) -> bool:
        return self._hop(Tier.STREET)

    @property
    def may_grid_update(self) -> bool:
        return self._hop(Tier.GRID)

    @property
    def may_send_back(self) -> bool:
        return self._hop(Tier.STREET, Tier.OFFICE, Tier.DEPARTMENT, Tier.GRID)

    @property
    def may_merge(self) -> bool:
        return self.handles and self.active

    @property
    def may_urge(self) -> bool:
        return self.supervisor and self.active

    @property
    def may_answer_urge(self) -> bool:
        return self.handles and self.case.open_urges > 0

    @property
    def may_rate(self) -> bool:
        return self.reporter and self.case.status == Case.Status.RESOLVED

    @property
    def may_reopen(self) -> bool:
        return self.may_rate and self.case.reopened == 0

    @property
    def may(self) -> dict[str, bool]:
        return {name: bool(getattr(self, f"may_{name}")) for name in MAY}


def past_units(case_id: int) -> frozenset[int]:
    """Every unit the case was at: the hops' audit entries name them (one query)."""
    ids: set[int] = set()
    rows = AuditEntry.objects.filter(target_kind="case", target_id=case_id).values_list(
        "before", "after"
    )
    for before, after in rows:
        for state in (before, after):
            unit = state.get("unit_id") if isinstance(state, dict) else None
            if isinstance(unit, int):
                ids.add(unit)
    return frozenset(ids)


# --- Raising and categories --------------------------------------------------------------
def may_raise(user: User, community: Place) -> bool:
    """A resident of the community (an active membership of one of its estates)."""
    return community.is_community and RESIDENT in standing(user, community)


def may_edit_categories(user: User, district: Place) -> bool:
    """The district's supervisors keep its list of categories."""
    return district.kind == PlaceKind.DISTRICT and bool(standing(user, district) & CATEGORY_EDITORS)


def may_see_figures(user: User, place: Place) -> bool:
    """A place's case figures and the cases behind them: its supervisors (street, district)
    and those above; a community's staff for their own community."""
    if place.kind not in COMMUNITY_KINDS | STREET_KINDS | {PlaceKind.DISTRICT}:
        return False
    held = standing(user, place)
    if held & SUPERVISORS:
        return True
    return place.kind in COMMUNITY_KINDS and bool(held & STAFF)


# --- Verbs for ``rules.can`` and docs/permissions.md --------------------------------------
def _case(flag: str) -> Callable[[User, Case], bool]:
    return lambda user, case: bool(getattr(CaseAccess.of(user, case), flag))


def _any(user: User, case: Any) -> bool:
    return CaseAccess.of(user, case).sees


VERBS = (
    Verb(
        "raise_case",
        "community",
        "tell the committee about a problem nearby (raise a case)",
        "residents of the community",
        may_raise,
    ),
    Verb(
        "edit_case_categories",
        "district",
        "keep the district's list of case categories",
        "the district's supervisors",
        may_edit_categories,
    ),
    Verb(
        "see_case_figures",
        "place",
        "see a place's case figures, its league table and the cases behind each figure",
        "supervisors of the street or district (and above); a community's staff for their "
        "own community",
        may_see_figures,
    ),
    Verb(
        "see_case",
        "case",
        "read a case: its public entries and photos",
        "its reporter and followers, neighbours if it is public, the units that handle or "
        "handled it, the supervisors above it",
        _any,
    ),
    Verb(
        "see_case_internals",
        "case",
        "read a case's internal notes and who reported it (with their phone)",
        "the community's staff, officers of the units that handle or handled it, supervisors",
        _case("internal"),
    ),
    Verb(
        "handle_case",
        "case",
        "accept, decline, start, reply to, note and resolve a case",
        "the unit holding it: the community's staff at the community tier, else the "
        "officers of its unit",
        _case("handles"),
    ),
    Verb(
        "escalate_case",
        "case",
        "escalate a case to the street's case desk",
        "the community's staff, while the case is open at the community tier",
        _case("may_escalate"),
    ),
    Verb(
        "route_case",
        "case",
        "assign a case to a street office, refer it to a district department, hand it "
        "to the city grid platform",
        "officers of the street's case desk, while the case is open at the street tier",
        _case("may_assign"),
    ),
    Verb(
        "send_back_case",
        "case",
        "send a case one tier down",
        "the unit holding it above the community tier, while it is open",
        _case("may_send_back"),
    ),
    Verb(
        "merge_case",
        "case",
        "merge a duplicate into another case of the same community",
        "the unit holding both, while both are open",
        _case("may_merge"),
    ),
    Verb(
        "urge_case",
        "case",
        "urge a case (督办) with a note",
        "the street and district supervisors above it, while it is open",
        _case("may_urge"),
    ),
    Verb(
        "answer_case_urge",
        "case",
        "answer an urge in the timeline",
        "the unit holding the case",
        _case("may_answer_urge"),
    ),
    Verb(
        "rate_case",
        "case",
        "confirm a resolved case and rate it 1–5, or reopen it once",
        "its reporter, while it is resolved",
        _case("may_rate"),
    ),
)
