"""The reads of the cases app. They never write, except that a supervisor's look at a case
or a list of cases is written to ``AccessLog`` (cases carry personal data).

Who sees what is ``communities.rules.cases.CaseAccess``; a list builds every case's access
from parts loaded once (the person's reach, units and follows), so its cost does not grow
with its length beyond the rows themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Case as When_  # noqa: I001  (Case is the model here)
from django.db.models import IntegerField, Prefetch, Q, QuerySet, Value, When

from communities.errors import NotFound
from communities.models import COMMUNITY_KINDS, AccessLog, Place, PlaceKind, User
from communities.rules import RULES, Action, standing
from communities.rules.cases import ACTIVE, OPEN, CaseAccess
from communities.rules.reach import Reach

from .models import Case, Category, Entry, Follower, Photo, Unit, UnitOfficer, Urge
from .shapes import COMMITTEE, OWN, PUBLIC, UNIT, case_out, entry_out, unit_name, urge_out

LIST_MAX = 200
SUPERVISORS = RULES[Action.SUPERVISE]
STAFF = RULES[Action.MODERATE_COMMUNITY]


def _cases() -> QuerySet[Case]:
    return Case.objects.select_related(
        "community", "category", "estate", "reporter", "unit", "unit__place"
    ).prefetch_related(Prefetch("photos", queryset=Photo.objects.filter(entry__isnull=True)))


def level_of(access: CaseAccess) -> str:
    if access.staff:  # the committee of the case's community: the reporter's whole phone
        return COMMITTEE
    if access.internal:
        return UNIT
    return OWN if access.reporter else PUBLIC


def _logged(user: User, action: str, place: Place | None, detail: str) -> None:
    AccessLog.objects.create(actor=user, action=action, place=place, detail=detail[:255])


# --- One case ------------------------------------------------------------------------------
def case_access(user: User, case_id: int) -> tuple[Case, CaseAccess]:
    case = _cases().filter(pk=case_id).first() if isinstance(case_id, int) else None
    if case is None:
        raise NotFound()
    access = CaseAccess.of(user, case)
    if not access.sees:
        raise NotFound()
    return case, access


def case_for(user: User, case_id: int) -> Case:
    """The case, if ``user`` may see it; NotFound whether missing or not theirs."""
    return case_access(user, case_id)[0]


def case_view(case: Case, access: CaseAccess) -> dict[str, Any]:
    return case_out(case, level=level_of(access), may=access.may)


def case_detail(user: User, case_id: int) -> dict[str, Any]:
    """CaseOut, ``entries`` (the internal ones only for the units and supervisors) and
    ``urges`` (for the same)."""
    case, access = case_access(user, case_id)
    level = level_of(access)
    entries = Entry.objects.filter(case=case).select_related("actor").prefetch_related("photos")
    if not access.internal:
        entries = entries.filter(public=True)
    urges: list[dict[str, Any]] = []
    if access.internal:
        urges = [
            urge_out(urge)
            for urge in Urge.objects.filter(case=case).select_related("supervisor").order_by("id")
        ]
    if access.read_only:
        _logged(user, "view_case", case.community, f"case={case.pk}")
    return {
        **case_out(case, level=level, may=access.may),
        "entries": [entry_out(item, case=case, level=level) for item in entries.order_by("id")],
        "urges": urges,
    }


# --- Lists ---------------------------------------------------------------------------------
def _shaped(
    user: User, cases: Sequence[Case], *, followed: set[int] | None = None
) -> list[dict[str, Any]]:
    """Each case in the shape and with the ``may`` the person has (no query per case)."""
    if not cases:
        return []
    reach = Reach.of(user)
    units = frozenset(UnitOfficer.objects.filter(user=user).values_list("unit_id", flat=True))
    if followed is None:
        followed = set(
            Follower.objects.filter(user=user, case__in=cases).values_list("case_id", flat=True)
        )
    held: dict[int, frozenset[str]] = {}
    out = []
    for case in cases:
        if case.community_id not in held:
            held[case.community_id] = reach.standing(case.community)
        access = CaseAccess.build(
            case, user.pk, held[case.community_id], units=units, follower=case.pk in followed
        )
        out.append(case_view(case, access))
    return out


def cases_mine(user: User) -> list[dict[str, Any]]:
    """The cases ``user`` reported or follows, newest first."""
    if not user.is_authenticated:
        return []
    followed = set(Follower.objects.filter(user=user).values_list("case_id", flat=True))
    cases = list(_cases().filter(Q(reporter=user) | Q(pk__in=followed)).order_by("-id")[:LIST_MAX])
    return _shaped(user, cases, followed=followed)


def _community(community_id: int) -> Place:
    community = Place.objects.filter(pk=community_id, kind__in=COMMUNITY_KINDS).first()
    if community is None:
        raise NotFound()
    return community


def board_cases(user: User, community_id: int) -> list[dict[str, Any]]:
    """A community's public cases (its 身边事 board), newest first, for whoever may view it."""
    community = _community(community_id)
    held = standing(user, community)
    if not held & RULES[Action.VIEW_COMMUNITY]:
        raise NotFound()
    cases = list(
        _cases()
        .filter(community=community, public=True)
        .exclude(status=Case.Status.MERGED)
        .order_by("-id")[:LIST_MAX]
    )
    if held & SUPERVISORS and not held & STAFF:
        _logged(user, "view_cases", community, f"board of {community.pk}")
    return _shaped(user, cases)


def _urgency() -> When_:
    """Red first, then amber, then the rest."""
    return When_(
        When(flag=Case.Flag.RED, then=Value(0)),
        When(flag=Case.Flag.AMBER, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


def queue_of(
    user: User, *, community_id: int | None = None, unit_id: int | None = None
) -> list[dict[str, Any]]:
    """The open cases at one unit, red first, then amber, oldest first: a community's (its
    staff, or a supervisor above it: logged) or a unit's (its officers)."""
    if community_id is not None:
        community = _community(community_id)
        held = standing(user, community)
        if not held & (STAFF | SUPERVISORS):
            raise NotFound()
        rows = _cases().filter(community=community, tier="community")
        if not held & STAFF:
            _logged(user, "view_cases", community, f"queue of {community.pk}")
    elif unit_id is not None:
        if not UnitOfficer.objects.filter(unit_id=unit_id, user=user).exists():
            raise NotFound()
        rows = _cases().filter(unit_id=unit_id).exclude(tier="community")
    else:
        raise NotFound()
    cases = list(
        rows.filter(status__in=ACTIVE)
        .annotate(urgency=_urgency())
        .order_by("urgency", "created_at", "id")[:LIST_MAX]
    )
    return _shaped(user, cases)


# --- Units, categories ---------------------------------------------------------------------
def unit_out(unit: Unit) -> dict[str, Any]:
    return {"id": unit.pk, "kind": unit.kind, "name": unit_name(unit)}


def units_mine(user: User) -> list[dict[str, Any]]:
    """The units ``user`` is an officer of, and the communities whose staff they are."""
    if not user.is_authenticated:
        return []
    from communities.rules import places_where

    communities = places_where(user, Action.MODERATE_COMMUNITY, kinds=COMMUNITY_KINDS)
    mine = [{"id": place.pk, "kind": "community", "name": place.name} for place in communities]
    units = Unit.objects.filter(officers=user, active=True).select_related("place")
    return mine + [unit_out(unit) for unit in units.order_by("kind", "name", "id")]


def units_list(
    user: User, *, street_id: int | None = None, district_id: int | None = None
) -> list[dict[str, Any]]:
    """Where the street's desk may send a case: the street's offices (``street_id``) or
    the district's departments (``district_id``); for officers of a desk there."""
    desks = Unit.objects.filter(officers=user, kind=Unit.Kind.STREET).select_related("place")
    desk_places = [desk.place for desk in desks]
    if street_id is not None:
        if not any(place.pk == street_id for place in desk_places):
            raise NotFound()
        rows = Unit.objects.filter(place_id=street_id, kind=Unit.Kind.OFFICE, active=True)
    elif district_id is not None:
        if not any(place.ancestor_ids[0] == district_id for place in desk_places):
            raise NotFound()
        rows = Unit.objects.filter(place_id=district_id, kind=Unit.Kind.DEPARTMENT, active=True)
    else:
        raise NotFound()
    return [unit_out(unit) for unit in rows.select_related("place").order_by("name", "id")]


def categories_for(user: User, community_id: int) -> list[dict[str, Any]]:
    """The active categories of the community's district, for whoever may view it."""
    community = _community(community_id)
    if not standing(user, community) & RULES[Action.VIEW_COMMUNITY]:
        raise NotFound()
    rows = Category.objects.filter(district_id=community.ancestor_ids[0], active=True)
    return [{"id": row.pk, "name": row.name} for row in rows.order_by("position", "id")]


# --- Supervision ---------------------------------------------------------------------------
def patrol_of(user: User, place_id: int) -> dict[str, Any]:
    """A supervisor's page for their street or district: the open cases by age and tier,
    overdue first, and the urges still waiting for an answer. Logged."""
    place = Place.objects.filter(
        pk=place_id, kind__in=[PlaceKind.DISTRICT, PlaceKind.STREET, PlaceKind.TOWN, PlaceKind.PARK]
    ).first()
    if place is None or not standing(user, place) & SUPERVISORS:
        raise NotFound()
    area = Q(district=place) if place.kind == PlaceKind.DISTRICT else Q(street=place)
    cases = list(
        _cases()
        .filter(area, status__in=OPEN)
        .annotate(urgency=_urgency())
        .order_by("-overdue", "urgency", "created_at", "id")[:LIST_MAX]
    )
    urges = (
        Urge.objects.filter(answered_at__isnull=True)
        .filter(**{"case__district" if place.kind == PlaceKind.DISTRICT else "case__street": place})
        .select_related("supervisor")
        .order_by("created_at", "id")[:LIST_MAX]
    )
    _logged(user, "view_cases", place, f"patrol of {place.pk}")
    return {"cases": _shaped(user, cases), "urges": [urge_out(urge) for urge in urges]}


# --- Photos --------------------------------------------------------------------------------
def photo_for(user: User, photo_id: int) -> Photo:
    """A photo whoever may read its case (or its entry) may fetch; before it is used, its
    uploader alone. NotFound otherwise."""
    photo = (
        Photo.objects.select_related("entry").filter(pk=photo_id).first()
        if isinstance(photo_id, int)
        else None
    )
    if photo is None or not user.is_authenticated:
        raise NotFound()
    if photo.case_id is None:
        if photo.uploader_id != user.pk:
            raise NotFound()
        return photo
    case = Case.objects.select_related("community").get(pk=photo.case_id)
    access = CaseAccess.of(user, case)
    internal_only = photo.entry is not None and not photo.entry.public
    if not access.sees or (internal_only and not access.internal):
        raise NotFound()
    return photo
