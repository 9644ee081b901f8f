"""Who may do what at a place of the tree: the holders of every place-level action.

A person's *standing* at a place is the set of holders they count as there:
"resident" (an active membership in an estate of the community) plus every role they
hold at the place or above it (a street supervisor stands over every community of the
street) and, for a community, the property managers of its estates. An action is
allowed when the standing meets the action's holders in ``RULES``.

docs/permissions.md is generated from ``RULES`` and the other rule modules' verbs
(``manage.py permissions_table``) and a test keeps the two equal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communities.models import Membership, Place, PlaceKind, Role, RoleKind, User

RESIDENT = "resident"


class Action(StrEnum):
    VIEW_COMMUNITY = "view_community"
    MODERATE_COMMUNITY = "moderate_community"
    VIEW_APPLICATIONS = "view_applications"
    DECIDE_APPLICATIONS = "decide_applications"
    MANAGE_JOIN_CODE = "manage_join_code"
    SUPERVISE = "supervise"
    PUBLISH_DISTRICT_NEWS = "publish_district_news"


ACTION_LABELS = {
    Action.VIEW_COMMUNITY: _("read the community's boards, groups and members"),
    Action.MODERATE_COMMUNITY: _("moderate the community's content"),
    Action.VIEW_APPLICATIONS: _("see join applications (real-name details)"),
    Action.DECIDE_APPLICATIONS: _("approve or reject join applications"),
    Action.MANAGE_JOIN_CODE: _("show and rotate an estate's join QR code"),
    Action.SUPERVISE: _("follow up on the community as supervisor"),
    Action.PUBLISH_DISTRICT_NEWS: _("publish i-District news"),
}

_STAFF = frozenset({RoleKind.COMMITTEE_MEMBER, RoleKind.SOCIAL_WORKER, RoleKind.PARTY_SECRETARY})
_SUPERVISORS = frozenset({RoleKind.STREET_SUPERVISOR, RoleKind.DISTRICT_SUPERVISOR})

RULES: dict[Action, frozenset[str]] = {
    Action.VIEW_COMMUNITY: frozenset(
        {
            RESIDENT,
            *_STAFF,
            RoleKind.PARTY_MEMBER,
            RoleKind.POLICE,
            RoleKind.PROPERTY_MANAGER,
            RoleKind.SERVICE_PROVIDER,
            *_SUPERVISORS,
        }
    ),
    Action.MODERATE_COMMUNITY: _STAFF,
    Action.VIEW_APPLICATIONS: _STAFF | _SUPERVISORS,
    Action.DECIDE_APPLICATIONS: _STAFF,
    Action.MANAGE_JOIN_CODE: _STAFF,
    Action.SUPERVISE: _SUPERVISORS,
    Action.PUBLISH_DISTRICT_NEWS: frozenset({RoleKind.DISTRICT_EDITOR}),
}

# Every holder, in the order the rules table lists them.
HOLDERS: tuple[str, ...] = (RESIDENT, *RoleKind.values)


def community_of(place: Place) -> Place:
    """The community an estate belongs to; any other place is its own answer."""
    if place.kind == PlaceKind.ESTATE:
        assert place.parent is not None
        return place.parent
    return place


def standing(user: User, place: Place) -> frozenset[str]:
    """The holders ``user`` counts as at ``place`` (an estate counts as its community)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    target = community_of(place)
    roles = Q(place_id__in=target.ancestor_ids)
    if target.is_community:
        roles |= Q(place__parent_id=target.pk, kind=RoleKind.PROPERTY_MANAGER)
    held: set[str] = set(Role.objects.filter(roles, user=user).values_list("kind", flat=True))
    if (
        target.is_community
        and Membership.objects.filter(
            user=user, status=Membership.Status.ACTIVE, estate__parent_id=target.pk
        ).exists()
    ):
        held.add(RESIDENT)
    return frozenset(held)


def can(user: User, action: Action, place: Place) -> bool:
    return bool(standing(user, place) & RULES[action])


def places_where(user: User, action: Action, *, kinds: frozenset[str]) -> list[Place]:
    """Every place of ``kinds`` where ``user`` may do ``action`` through a role.

    Residents' own rights come from their memberships and are not listed here.
    """
    role_places = Role.objects.filter(user=user, kind__in=RULES[action]).values_list(
        "place__path", flat=True
    )
    prefixes = set(role_places)
    if not prefixes:
        return []
    under = Q()
    for prefix in prefixes:
        under |= Q(path__startswith=prefix)
    return list(Place.objects.filter(under, kind__in=kinds).order_by("path"))


@dataclass(frozen=True)
class Verb:
    """One thing a person may or may not do to one kind of resource, for ``rules.can``.

    ``label`` says what it lets one do and ``who`` who may, in words, for the generated
    docs/permissions.md; ``check`` decides. Place-level actions are ``Action`` instead.
    """

    name: str
    resource: str
    label: str
    who: str
    check: Callable[[User, Any], bool]
