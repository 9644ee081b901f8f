"""Who is who in a community's party branch and call-outs (docs/volunteering.md, "Who is
who"), from the holders of ``places``.

``Branch`` answers for one person at one community; it is built from the same holders as
``places.standing`` (two queries) and, where it matters, ``gatekeeping.is_gatekeeper``.
For many communities at once, ``in_audience`` and ``may_see_callouts`` take the holders
from a ``reach.Reach`` (loaded once), without queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from communities.errors import NotFound
from communities.models import COMMUNITY_KINDS, Place, RoleKind, User
from communities.volunteering.models import Audience

from .gatekeeping import is_gatekeeper
from .places import RESIDENT, RULES, Action, Verb, standing

STAFF = RULES[Action.MODERATE_COMMUNITY]
SUPERVISORS = RULES[Action.SUPERVISE]
VIEWERS = RULES[Action.VIEW_COMMUNITY]
PARTY = frozenset({RoleKind.PARTY_MEMBER, RoleKind.PARTY_SECRETARY})
# Who follows ``community.<id>``, and so hears a call-out for all residents.
FOLLOWERS = VIEWERS - SUPERVISORS


def in_audience(held: frozenset[str], audience: str) -> bool:
    """Whether someone holding ``held`` at a community is in a call-out's ``audience``."""
    if audience == Audience.PARTY:
        return bool(held & (PARTY | STAFF))
    return bool(held & FOLLOWERS)


def may_see_callouts(held: frozenset[str], audience: str) -> bool:
    """The audience, the organisers (staff) and the supervisors above the community."""
    return in_audience(held, audience) or bool(held & (STAFF | SUPERVISORS))


@dataclass(frozen=True)
class Branch:
    """Where one person stands in one community's party branch."""

    community: Place
    held: frozenset[str]
    gatekeeper: bool

    @classmethod
    def of(cls, user: User, community: Place, *, gatekeeping: bool = True) -> Branch:
        """``gatekeeping=False`` skips the (one or two) queries for delegations."""
        return cls(
            community=community,
            held=standing(user, community),
            gatekeeper=gatekeeping and is_gatekeeper(user, community),
        )

    @property
    def viewer(self) -> bool:
        return bool(self.held & VIEWERS)

    @property
    def resident(self) -> bool:
        return RESIDENT in self.held

    @property
    def party_member(self) -> bool:
        """A party member or the secretary of this community."""
        return bool(self.held & PARTY)

    @property
    def secretary(self) -> bool:
        return RoleKind.PARTY_SECRETARY in self.held

    @property
    def staff(self) -> bool:
        return bool(self.held & STAFF)

    @property
    def supervisor(self) -> bool:
        return bool(self.held & SUPERVISORS)

    @property
    def branch(self) -> bool:
        """Sees everything of the branch: hidden members, report-ins, hours."""
        return self.staff or self.gatekeeper

    @property
    def sees_projects(self) -> bool:
        return self.party_member or self.branch or self.supervisor

    @property
    def manages_projects(self) -> bool:
        return self.staff

    @property
    def claims_projects(self) -> bool:
        return self.party_member

    @property
    def organiser(self) -> bool:
        """Posts call-outs and runs them: rosters, check-in, hours, thanks."""
        return self.staff


def community_get(community_id: int) -> Place:
    """A residents' committee or village; NotFound for anything else."""
    community = Place.objects.filter(pk=community_id, kind__in=COMMUNITY_KINDS).first()
    if community is None:
        raise NotFound()
    return community


def branch_for(user: User, community_id: int, *, gatekeeping: bool = True) -> Branch:
    """The branch of a community ``user`` may view; NotFound whether missing or not theirs."""
    branch = Branch.of(user, community_get(community_id), gatekeeping=gatekeeping)
    if not branch.viewer and not branch.gatekeeper:
        raise NotFound()
    return branch


def _branch(prop: str) -> Callable[[User, Place], bool]:
    return lambda user, community: bool(getattr(Branch.of(user, community), prop))


VERBS = (
    Verb(
        "see_party_branch",
        "community",
        "see everything of the party branch: hidden members, report-ins, hours",
        "the community's staff, and the party secretary's delegates",
        _branch("branch"),
    ),
    Verb(
        "see_projects",
        "community",
        "see the branch's service projects",
        "party members and the secretary, the staff, delegates, supervisors",
        _branch("sees_projects"),
    ),
    Verb(
        "claim_projects",
        "community",
        "take on a service project and add progress notes",
        "the community's party members and secretary",
        _branch("claims_projects"),
    ),
    Verb(
        "manage_projects",
        "community",
        "create and change service projects",
        "the community's staff",
        _branch("manages_projects"),
    ),
    Verb(
        "organise_callouts",
        "community",
        "post volunteer call-outs and run them: rosters, check-in, hours, thanks",
        "the community's staff",
        _branch("organiser"),
    ),
)
