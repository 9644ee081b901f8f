"""Where one person stands, loaded once: the memberships and roles every rule starts from.

``Standing`` is what the database holds (three queries in ``standing_of``, or one part of
a snapshot, see ``communities.selectors.standing_parts``); ``Reach`` is the same by place
path, so the rules of every board, call-out or community on a page cost no further query.
``Reach.standing(place)`` gives exactly what ``places.standing`` gives (a test keeps the
two equal).
"""

from __future__ import annotations

from dataclasses import dataclass

from communities.models import AwayMembership, Membership, Place, PlaceKind, Role, RoleKind, User

from .places import RESIDENT, RULES, Action

STAFF = RULES[Action.MODERATE_COMMUNITY]
VIEWERS = RULES[Action.VIEW_COMMUNITY]


@dataclass(frozen=True)
class Standing:
    """Where a person lives and the roles they hold: what their live feeds (and, in chat,
    their estate groups) are worked out from."""

    lived: tuple[tuple[int, str], ...]  # (estate id, estate path) of active memberships
    away: tuple[str, ...]  # village paths of active memberships while living away
    roles: tuple[tuple[str, str, str], ...]  # (kind, place kind, place path)


def standing_of(user: User) -> Standing:
    """Three queries, whatever the user holds (see ``standing_parts`` for one)."""
    lived = Membership.objects.filter(user=user, status=Membership.Status.ACTIVE)
    away = AwayMembership.objects.filter(user=user, status=AwayMembership.Status.ACTIVE)
    return Standing(
        lived=tuple(lived.values_list("estate_id", "estate__path")),
        away=tuple(away.values_list("village__path", flat=True)),
        roles=tuple(
            Role.objects.filter(user=user).values_list("kind", "place__kind", "place__path")
        ),
    )


def _ids(path: str) -> tuple[int, ...]:
    return tuple(int(part) for part in path.strip("/").split("/") if part)


@dataclass(frozen=True)
class Reach:
    """Where one person stands: their estates, villages away, and roles (by place path)."""

    user_id: int
    lived: tuple[tuple[int, ...], ...]  # the path of each estate they live in
    away: frozenset[int]  # villages they belong to while living elsewhere
    roles: tuple[tuple[str, tuple[int, ...]], ...]  # (kind, path of the place)

    @classmethod
    def of(cls, user: User) -> Reach:
        """Three queries (``standing_of``); nothing for an anonymous or inactive user."""
        if not user.is_authenticated or not user.is_active:
            return cls(user_id=0, lived=(), away=frozenset(), roles=())
        held = standing_of(user)
        return cls(
            user_id=user.pk,
            lived=tuple(_ids(path) for _, path in held.lived),
            away=frozenset(_ids(path)[-1] for path in held.away),
            roles=tuple((kind, _ids(path)) for kind, _, path in held.roles),
        )

    def standing(self, place: Place) -> frozenset[str]:
        """As ``places.standing``, without a query."""
        target = place.ancestor_ids[:-1] if place.kind == PlaceKind.ESTATE else place.ancestor_ids
        held = {kind for kind, path in self.roles if path[-1] in target}
        if place.kind == PlaceKind.ESTATE or place.is_community:
            community_id = target[-1]
            held |= {
                kind
                for kind, path in self.roles
                if kind == RoleKind.PROPERTY_MANAGER and len(path) > 1 and path[-2] == community_id
            }
            if any(path[-2] == community_id for path in self.lived):
                held.add(RESIDENT)
        return frozenset(held)

    def lives_in(self, estate_id: int) -> bool:
        return any(path[-1] == estate_id for path in self.lived)

    def manages(self, estate_id: int) -> bool:
        return any(
            kind == RoleKind.PROPERTY_MANAGER and path[-1] == estate_id for kind, path in self.roles
        )

    # --- The places whose boards are one's own ----------------------------------------------
    def districts(self) -> set[int]:
        return {path[0] for path in self.lived} | {path[0] for _, path in self.roles}

    def communities(self) -> set[int]:
        """Communities one lives in, serves at, manages an estate of, or belongs to away."""
        own = {path[-2] for path in self.lived} | set(self.away)
        for kind, path in self.roles:
            if len(path) == 3 and kind in VIEWERS:
                own.add(path[-1])
            elif len(path) == 4:
                own.add(path[-2])
        return own

    def estates(self) -> set[int]:
        """Estates lived in or managed (a committee's other estates come from its places)."""
        return {path[-1] for path in self.lived} | {
            path[-1] for kind, path in self.roles if len(path) == 4
        }

    def staff_communities(self) -> set[int]:
        return {path[-1] for kind, path in self.roles if len(path) == 3 and kind in STAFF}
