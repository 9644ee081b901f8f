"""Who may read, post, comment on and moderate each board.

Built on the holders of ``places``: a person's standing at a community (resident,
committee member, party member, supervisor …) decides, with the board's kind.
``board_access`` reads a ``Reach`` (what a person holds, loaded once), so the rules for
every board of a page cost no query.

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

from collections.abc import Callable
from dataclasses import dataclass

from communities.boards.models import Board, BoardKind, Post
from communities.models import Place, PlaceKind, RoleKind, User

from .places import RESIDENT, RULES, Action, Verb
from .reach import Reach

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


def board_access(reach: Reach, board: Board) -> BoardAccess:
    """What the person of ``reach`` may do on ``board`` (no query)."""
    place = board.place
    if board.kind == BoardKind.DISTRICT:
        return _district(reach, place)
    if board.kind == BoardKind.PROPERTY:
        return _property(reach, place)
    return _community(reach, board.kind, place)


def _district(reach: Reach, district: Place) -> BoardAccess:
    lives_under = any(path[0] == district.pk for path in reach.lived)
    roles_under = {kind for kind, path in reach.roles if path[0] == district.pk}
    editor = bool(
        {kind for kind, path in reach.roles if path[-1] == district.pk} & DISTRICT_EDITORS
    )
    return BoardAccess(
        read=lives_under or bool(roles_under),
        post=editor,
        comment=lives_under or bool(roles_under - SUPERVISORS),
        moderate=editor,
        manage=editor,
    )


def _community(reach: Reach, kind: str, community: Place) -> BoardAccess:
    held = reach.standing(community)
    views = held & VIEWERS
    away = kind in AWAY_KINDS and community.kind == PlaceKind.VILLAGE and community.pk in reach.away
    read = bool(views) or away
    staff = bool(held & STAFF)
    return BoardAccess(
        read=read,
        post=read and bool(held & POSTERS.get(kind, frozenset())),
        comment=bool(views - SUPERVISORS) or away,
        moderate=staff,
        manage=staff,
    )


def _property(reach: Reach, estate: Place) -> BoardAccess:
    held = reach.standing(estate)
    lives, manages = reach.lives_in(estate.pk), reach.manages(estate.pk)
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


def _on_board(verb: str) -> Callable[[User, Board], bool]:
    return lambda user, board: bool(getattr(board_access(Reach.of(user), board), verb))


def _on_post(test: Callable[[BoardAccess, Post, int], bool]) -> Callable[[User, Post], bool]:
    return lambda user, post: test(board_access(Reach.of(user), post.board), post, user.pk)


VERBS = (
    Verb(
        "read_board",
        "board",
        "read a board and its posts",
        "district: anyone with a membership or a role under it; a community's boards: whoever "
        "may view the community (notices and hometown: villagers living away too); property: "
        "the estate's residents and manager, the community's staff, supervisors",
        _on_board("read"),
    ),
    Verb(
        "post_on_board",
        "board",
        "write a post",
        "district: its editor; notices, guide, hometown: staff; party: the secretary and party "
        "members; mutual aid, idle items: residents; property: the estate's manager",
        _on_board("post"),
    ),
    Verb(
        "comment_on_board",
        "board",
        "comment and like",
        "every reader except those who read through supervision alone",
        _on_board("comment"),
    ),
    Verb(
        "moderate_board",
        "board",
        "review, hide, remove, restore and pin posts; the board's settings",
        "the community's staff (district: its editor)",
        _on_board("moderate"),
    ),
    Verb(
        "manage_board",
        "board",
        "pin and hide posts",
        "the board's moderators, and a property manager on their estate's board",
        _on_board("manage"),
    ),
    Verb(
        "see_post",
        "post",
        "see a post in its current state",
        "readers of its board when published; hidden: the board's managers; pending or "
        "rejected: its author and the board's moderators",
        _on_post(sees_post),
    ),
    Verb(
        "edit_post",
        "post",
        "change or delete a post",
        "its author and the board's moderators",
        _on_post(may_edit),
    ),
)
