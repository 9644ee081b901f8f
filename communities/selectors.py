"""Reads: what a person may see, fetched in as few queries as the page needs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import CharField, F, Field, IntegerField, QuerySet, Value
from django.db.models.functions import Cast

from .errors import Forbidden, NotFound
from .models import (
    COMMUNITY_KINDS,
    AccessLog,
    AwayMembership,
    JoinApplication,
    Membership,
    Place,
    PlaceKind,
    Role,
    RoleKind,
    User,
)
from .rules import RULES, Action, can, places_where
from .rules.reach import Standing, standing_of


def place_get(place_id: int) -> Place:
    place = Place.objects.select_related("parent__parent__parent").filter(pk=place_id).first()
    if place is None:
        raise NotFound()
    return place


def place_lineage(place: Place) -> dict[str, Place | None]:
    """The district, street, community and estate a place lies in (itself included)."""
    by_id = {p.pk: p for p in Place.objects.filter(pk__in=place.ancestor_ids)}
    lineage: dict[str, Place | None] = {
        "district": None,
        "street": None,
        "community": None,
        "estate": None,
    }
    for pk in place.ancestor_ids:
        node = by_id[pk]
        if node.kind == PlaceKind.DISTRICT:
            lineage["district"] = node
        elif node.kind in COMMUNITY_KINDS:
            lineage["community"] = node
        elif node.kind == PlaceKind.ESTATE:
            lineage["estate"] = node
        else:
            lineage["street"] = node
    return lineage


def estate_by_join_code(code: str) -> Place:
    estate = (
        Place.objects.select_related("parent__parent__parent")
        .filter(join_code=code, kind=PlaceKind.ESTATE)
        .first()
        if code
        else None
    )
    if estate is None:
        raise NotFound()
    return estate


def estate_for(user: User, estate_id: int, action: Action) -> Place:
    """An estate ``user`` may do ``action`` on; NotFound whether missing or forbidden."""
    estate = (
        Place.objects.select_related("parent").filter(pk=estate_id, kind=PlaceKind.ESTATE).first()
    )
    if estate is None or not can(user, action, estate):
        raise NotFound()
    return estate


def community_estates(user: User, community_id: int) -> QuerySet[Place]:
    community = Place.objects.filter(pk=community_id, kind__in=COMMUNITY_KINDS).first()
    if community is None or not can(user, Action.VIEW_COMMUNITY, community):
        raise NotFound()
    return Place.objects.filter(parent=community, kind=PlaceKind.ESTATE).order_by("name")


def estate_member_count(estate: Place) -> int:
    return Membership.objects.filter(estate=estate, status=Membership.Status.ACTIVE).count()


def user_memberships(user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user, status=Membership.Status.ACTIVE)
        .select_related("estate__parent__parent")
        .order_by("joined_at")
    )


def user_away_memberships(user: User) -> QuerySet[AwayMembership]:
    return (
        AwayMembership.objects.filter(user=user, status=AwayMembership.Status.ACTIVE)
        .select_related("village")
        .order_by("joined_at")
    )


def user_roles(user: User) -> QuerySet[Role]:
    return Role.objects.filter(user=user).select_related("place").order_by("place__path", "kind")


def user_applications(user: User) -> QuerySet[JoinApplication]:
    return JoinApplication.objects.filter(applicant=user).select_related(
        "estate__parent", "decided_by"
    )


def reviewable_communities(user: User) -> list[Place]:
    """Communities whose join applications ``user`` may decide."""
    return places_where(user, Action.DECIDE_APPLICATIONS, kinds=COMMUNITY_KINDS)


def deciding_community_ids(user: User) -> set[int]:
    """The communities whose join applications ``user`` decides: its committee, who see
    the whole phone numbers of the people there."""
    return {c.pk for c in places_where(user, Action.DECIDE_APPLICATIONS, kinds=COMMUNITY_KINDS)}


def applications_for_review(
    user: User, *, status: str | None, community_id: int | None
) -> Sequence[JoinApplication]:
    """The review queue: applications to the communities ``user`` may see them for.

    Looking at it shows real names and phone numbers, so every look is logged.
    """
    communities = places_where(user, Action.VIEW_APPLICATIONS, kinds=COMMUNITY_KINDS)
    if community_id is not None:
        communities = [c for c in communities if c.pk == community_id]
    if not communities:
        raise Forbidden()
    queryset = JoinApplication.objects.filter(estate__parent__in=communities).select_related(
        "estate__parent", "decided_by", "applicant"
    )
    if status:
        queryset = queryset.filter(status=status)
    applications = list(queryset[:500])
    shown: dict[int, int] = {}
    for application in applications:
        community_pk = application.estate.parent_id or 0
        shown[community_pk] = shown.get(community_pk, 0) + 1
    AccessLog.objects.bulk_create(
        AccessLog(
            actor=user,
            action="view_applications",
            place=community,
            detail=f"status={status or 'all'} shown={shown.get(community.pk, 0)}",
        )
        for community in communities
    )
    return applications


def application_for(user: User, application_id: int, action: Action) -> JoinApplication:
    """An application ``user`` may act on; NotFound whether missing or forbidden."""
    application = (
        JoinApplication.objects.select_related("estate__parent", "applicant")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        raise NotFound()
    if not can(user, action, application.estate):
        raise NotFound()
    return application


def _ids(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


# A snapshot: several reads about one person sent as one query, a UNION ALL of tagged
# parts. Every part selects the same columns, in this order (None where it has nothing to say).
SNAPSHOT_COLUMNS: dict[str, Field[Any, Any]] = {
    "row_tag": CharField(),
    "row_kind": CharField(),
    "row_place_kind": CharField(),
    "row_path": CharField(),
    "row_ref": IntegerField(),
    "row_ref2": IntegerField(),
}
# tag, kind, place_kind, path (str or None), ref, ref2 (int or None)
SnapshotRow = tuple[str, Any, Any, Any, Any, Any]
# Stands for the person's id while a snapshot's SQL is compiled.
_SOMEONE = -7_351_902_113


def snapshot_part(queryset: QuerySet[Any], tag: str, **columns: Any) -> QuerySet[Any]:
    """``queryset`` as one part of a snapshot: ``columns`` name expressions (or field
    paths) for some of kind, place_kind, path, ref and ref2."""
    unknown = set(columns) - {name.removeprefix("row_") for name in SNAPSHOT_COLUMNS}
    assert not unknown, unknown
    select: dict[str, Any] = {}
    for name, field in SNAPSHOT_COLUMNS.items():
        if name == "row_tag":
            select[name] = Value(tag, output_field=field)
            continue
        value = columns.get(name.removeprefix("row_"))
        if value is None:  # typed, or PostgreSQL takes a column of NULLs for text
            select[name] = Cast(Value(None), output_field=field)
        else:
            select[name] = F(value) if isinstance(value, str) else value
    return queryset.order_by().values(**select)


class Snapshot:
    """A snapshot query, built and compiled by the ORM once per process and database, then
    sent as SQL with the person's id. Building and compiling a query of several joined
    parts costs the ORM far more CPU than the database needs to run it (chat's seven-part
    snapshot: ~10 ms a call against a ~1.5 ms round trip, see docs/benchmarks.md), and the
    WebSocket handshake runs it for every socket of a reconnect storm.

    ``parts(user_id)`` returns the parts (see ``snapshot_part``); it must depend on nothing
    but the id, since its SQL is reused for everyone.
    """

    def __init__(self, parts: Callable[[int], Sequence[QuerySet[Any]]]) -> None:
        self.parts = parts
        self.compiled: dict[str, tuple[str, tuple[Any, ...]]] = {}

    def sql(self, connection: Any) -> tuple[str, tuple[Any, ...]]:
        compiled = self.compiled.get(connection.vendor)
        if compiled is None:
            first, *rest = self.parts(_SOMEONE)
            query = first.union(*rest, all=True) if rest else first
            sql, params = query.query.get_compiler(connection=connection).as_sql()
            assert _SOMEONE in params, "a snapshot part ignores the person"
            compiled = self.compiled[connection.vendor] = (sql, tuple(params))
        return compiled

    def rows(self, user_id: int) -> list[SnapshotRow]:
        connection = connections[DEFAULT_DB_ALIAS]
        sql, params = self.sql(connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, [user_id if p == _SOMEONE else p for p in params])
            return [tuple(row) for row in cursor.fetchall()]


def standing_parts(user_id: int) -> list[QuerySet[Any]]:
    """``standing_of`` as snapshot parts (tags "lived", "away", "role")."""
    return [
        snapshot_part(
            Membership.objects.filter(user_id=user_id, status=Membership.Status.ACTIVE),
            "lived",
            path="estate__path",
            ref="estate_id",
        ),
        snapshot_part(
            AwayMembership.objects.filter(user_id=user_id, status=AwayMembership.Status.ACTIVE),
            "away",
            path="village__path",
        ),
        snapshot_part(
            Role.objects.filter(user_id=user_id),
            "role",
            kind="kind",
            place_kind="place__kind",
            path="place__path",
        ),
    ]


def standing_from(rows: Sequence[SnapshotRow]) -> Standing:
    lived: list[tuple[int, str]] = []
    away: list[str] = []
    roles: list[tuple[str, str, str]] = []
    for tag, kind, place_kind, path, ref, _ref2 in rows:
        if tag == "lived":
            lived.append((ref, path))
        elif tag == "away":
            away.append(path)
        elif tag == "role":
            roles.append((kind, place_kind, path))
    return Standing(lived=tuple(lived), away=tuple(away), roles=tuple(roles))


_PARTY_ROLES = frozenset({RoleKind.PARTY_MEMBER, RoleKind.PARTY_SECRETARY})


def feed_streams(user: User) -> set[str]:
    """The live feeds ``user`` follows besides their chats, from memberships and roles.

    Residents: their district, community and estate. Villagers living away: the village's
    away feed (notices, hometown). Role holders: the community they serve (committee staff
    also its staff feed, party members and the secretary its party feed, a property manager
    their estate), and supervisors the observe feed
    of the street or district they watch. Three queries, whatever the user holds.
    """
    return streams_of(standing_of(user))


def streams_of(standing: Standing) -> set[str]:
    """``feed_streams`` of a standing already loaded."""
    from realtime.groups import (
        away_feed,
        community_feed,
        community_staff_feed,
        district_feed,
        estate_feed,
        observe_feed,
        party_feed,
    )

    streams: set[str] = set()
    for _estate, path in standing.lived:
        ids = _ids(path)
        streams |= {district_feed(ids[0]), community_feed(ids[-2]), estate_feed(ids[-1])}
    for path in standing.away:
        streams.add(away_feed(_ids(path)[-1]))
    staff, supervisors = RULES[Action.MODERATE_COMMUNITY], RULES[Action.SUPERVISE]
    for kind, place_kind, path in standing.roles:
        ids = _ids(path)
        streams.add(district_feed(ids[0]))
        if kind in supervisors:
            streams.add(observe_feed(ids[-1]))
        if place_kind in COMMUNITY_KINDS:
            streams.add(community_feed(ids[-1]))
            if kind in staff:
                streams.add(community_staff_feed(ids[-1]))
            if kind in _PARTY_ROLES:
                streams.add(party_feed(ids[-1]))
        elif place_kind == PlaceKind.ESTATE:
            streams |= {community_feed(ids[-2]), estate_feed(ids[-1])}
    return streams


def followers_of(stream: str) -> set[int]:
    """Who follows a feed: the inverse of ``streams_of`` (a test keeps the two in step),
    for work done on behalf of a feed's followers outside their sockets (pushes). A
    personal stream is its person; a conversation's members are chat's to say."""
    from realtime.groups import kind_and_id

    kind, pk = kind_and_id(stream)
    active = Membership.Status.ACTIVE
    if kind == "user":
        return {pk}
    if kind == "community":
        return {
            *Membership.objects.filter(estate__parent_id=pk, status=active).values_list(
                "user_id", flat=True
            ),
            *Role.objects.filter(place_id=pk).values_list("user_id", flat=True),
            *Role.objects.filter(place__parent_id=pk, place__kind=PlaceKind.ESTATE).values_list(
                "user_id", flat=True
            ),
        }
    if kind == "estate":
        return {
            *Membership.objects.filter(estate_id=pk, status=active).values_list(
                "user_id", flat=True
            ),
            *Role.objects.filter(place_id=pk).values_list("user_id", flat=True),
        }
    if kind == "away":
        return set(
            AwayMembership.objects.filter(
                village_id=pk, status=AwayMembership.Status.ACTIVE
            ).values_list("user_id", flat=True)
        )
    holders = {
        "staff": RULES[Action.MODERATE_COMMUNITY],
        "party": _PARTY_ROLES,
        "observe": RULES[Action.SUPERVISE],
    }.get(kind)
    if holders is not None:
        return set(
            Role.objects.filter(place_id=pk, kind__in=holders).values_list("user_id", flat=True)
        )
    if kind == "district":
        under = Place.objects.filter(path__startswith=f"/{pk}/")
        return {
            *Membership.objects.filter(estate__in=under, status=active).values_list(
                "user_id", flat=True
            ),
            *Role.objects.filter(place__in=under).values_list("user_id", flat=True),
        }
    return set()
