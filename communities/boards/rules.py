"""Who may read, post, comment on and moderate each board.

Built on the holders of ``communities.permissions``: a person's standing at a community
(resident, committee member, party member, supervisor …) decides, with the board's kind.
``Reach`` loads what a person holds in three queries, so the rules for every board of a
page cost nothing more; ``Reach.standing`` gives exactly what
``communities.permissions.standing`` gives (a test keeps the two equal).

| board | read | post | moderate |
|---|---|---|---|
| district | any membership or role under the district | district editor | district editor |
| notices, guide | whoever may view the community (+ away members for notices) | staff | staff |
| party | whoever may view the community | party secretary, party member | staff |
| mutual_aid, idle | whoever may view the community | residents | staff |
| hometown (villages) | whoever may view the village, away members | staff | staff |
| property | the estate's residents and property manager, staff, supervisors | manager | staff |

Comment and like: every reader except those who read through supervision alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from communities.models import Place, PlaceKind, RoleKind, User
from communities.permissions import RESIDENT, RULES, Action
from communities.selectors import standing_of

from .models import Board, BoardKind, Post

STAFF = RULES[Action.MODERATE_COMMUNITY]
SUPERVISORS = RULES[Action.SUPERVISE]
VIEWERS = RULES[Action.VIEW_COMMUNITY]
DISTRICT_EDITORS = RULES[Action.PUBLISH_DISTRICT_NEWS]
PARTY_POSTERS = frozenset({RoleKind.PARTY_SECRETARY, RoleKind.PARTY_MEMBER})

COMMUNITY_KINDS = (
    BoardKind.NOTICES,
    BoardKind.PARTY,
    BoardKind.GUIDE,
    BoardKind.MUTUAL_AID,
    BoardKind.IDLE,
)
# What villagers living elsewhere still follow.
AWAY_KINDS = frozenset({BoardKind.NOTICES, BoardKind.HOMETOWN})
# Who posts on each community board (beyond reading it).
POSTERS: dict[str, frozenset[str]] = {
    BoardKind.NOTICES: STAFF,
    BoardKind.GUIDE: STAFF,
    BoardKind.HOMETOWN: STAFF,
    BoardKind.PARTY: PARTY_POSTERS,
    BoardKind.MUTUAL_AID: frozenset({RESIDENT}),
    BoardKind.IDLE: frozenset({RESIDENT}),
}


def board_kinds(place: Place) -> list[str]:
    """The boards a place has."""
    if place.kind == PlaceKind.DISTRICT:
        return [BoardKind.DISTRICT]
    if place.kind == PlaceKind.ESTATE:
        return [BoardKind.PROPERTY]
    if place.kind == PlaceKind.VILLAGE:
        return [*COMMUNITY_KINDS, BoardKind.HOMETOWN]
    if place.kind == PlaceKind.RESIDENTS_COMMITTEE:
        return list(COMMUNITY_KINDS)
    return []


@dataclass(frozen=True)
class BoardAccess:
    """What one person may do on one board."""

    read: bool = False
    post: bool = False
    comment: bool = False  # comment and like
    moderate: bool = False  # hide, restore, delete anything, pin, review, board settings
    manage: bool = False  # pin and hide: moderators, and a property manager on their board


NO_ACCESS = BoardAccess()


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
        """As ``communities.permissions.standing``, without a query."""
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

    # --- The rules ---------------------------------------------------------------------------
    def access(self, board: Board) -> BoardAccess:
        place = board.place
        if board.kind == BoardKind.DISTRICT:
            return self._district(place)
        if board.kind == BoardKind.PROPERTY:
            return self._property(place)
        return self._community(board.kind, place)

    def _district(self, district: Place) -> BoardAccess:
        lives_under = any(path[0] == district.pk for path in self.lived)
        roles_under = {kind for kind, path in self.roles if path[0] == district.pk}
        editor = bool(
            {kind for kind, path in self.roles if path[-1] == district.pk} & DISTRICT_EDITORS
        )
        return BoardAccess(
            read=lives_under or bool(roles_under),
            post=editor,
            comment=lives_under or bool(roles_under - SUPERVISORS),
            moderate=editor,
            manage=editor,
        )

    def _community(self, kind: str, community: Place) -> BoardAccess:
        held = self.standing(community)
        views = held & VIEWERS
        away = (
            kind in AWAY_KINDS and community.kind == PlaceKind.VILLAGE and community.pk in self.away
        )
        read = bool(views) or away
        staff = bool(held & STAFF)
        return BoardAccess(
            read=read,
            post=read and bool(held & POSTERS.get(kind, frozenset())),
            comment=bool(views - SUPERVISORS) or away,
            moderate=staff,
            manage=staff,
        )

    def _property(self, estate: Place) -> BoardAccess:
        held = self.standing(estate)
        lives, manages = self.lives_in(estate.pk), self.manages(estate.pk)
        staff = bool(held & STAFF)
        return BoardAccess(
            read=lives or manages or staff or bool(held & SUPERVISORS),
            post=manages,
            comment=lives or manages or staff,
            moderate=staff,
            manage=staff or manages,
        )


def sees_post(access: BoardAccess, post: Post, user_id: int) -> bool:
    """Whether a reader of the post's board sees the post itself (in its current state)."""
    if not access.read or post.status == Post.Status.DELETED:
        return False
    if post.status == Post.Status.PUBLISHED:
        return True
    if post.status == Post.Status.HIDDEN:
        return access.manage
    return access.moderate or post.author_id == user_id  # pending, rejected


def may_edit(access: BoardAccess, post: Post, user_id: int) -> bool:
    return post.status != Post.Status.DELETED and (access.moderate or post.author_id == user_id)
