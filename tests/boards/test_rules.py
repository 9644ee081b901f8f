"""Who may read, post on, comment on and moderate every board: each named person, through
the HTTP API, refusals included (and a refusal changes nothing)."""

from __future__ import annotations

import pytest

from communities.boards.models import Comment, Post, PostLike
from communities.models import Place
from communities.rules import standing
from communities.rules.reach import Reach
from realtime.models import Event
from tests.boards.conftest import VILLAGERS, Town, api, make_post, post_body
from tests.conftest import PEOPLE

EVERYONE = frozenset({*PEOPLE, *VILLAGERS})
MEILUO_STAFF = frozenset({"li_wei", "zheng_hua", "zhang_min"})
MEILUO_VIEW = frozenset(
    {
        *MEILUO_STAFF,
        *("wang_fang", "sun_li", "zhao_lei", "zhou_qiang", "wu_hao", "song_yu"),
        *("liu_yang", "huang_jun"),
    }
)
MEILUO_COMMENT = MEILUO_VIEW - {"liu_yang", "huang_jun"}
VILLAGE_VIEW = frozenset({"xu_ming", "he_mei", "liu_yang", "huang_jun"})
DISTRICT_READ = EVERYONE - {"nobody", "sun_qin"}


Names = set[str] | frozenset[str]


def rule(read: Names, post: Names, comment: Names, moderate: Names) -> dict[str, set[str]]:
    return {
        "read": set(read),
        "post": set(post),
        "comment": set(comment),
        "moderate": set(moderate),
    }


EXPECTED = {
    "district": rule(
        DISTRICT_READ,
        {"ma_lin"},
        DISTRICT_READ - {"liu_yang", "wusong_supervisor", "huang_jun"},
        {"ma_lin"},
    ),
    "notices": rule(MEILUO_VIEW, set(MEILUO_STAFF), MEILUO_COMMENT, set(MEILUO_STAFF)),
    "guide": rule(MEILUO_VIEW, set(MEILUO_STAFF), MEILUO_COMMENT, set(MEILUO_STAFF)),
    "party": rule(MEILUO_VIEW, {"zhang_min", "zhao_lei"}, MEILUO_COMMENT, set(MEILUO_STAFF)),
    "mutual_aid": rule(MEILUO_VIEW, {"wang_fang", "sun_li"}, MEILUO_COMMENT, set(MEILUO_STAFF)),
    "idle": rule(MEILUO_VIEW, {"wang_fang", "sun_li"}, MEILUO_COMMENT, set(MEILUO_STAFF)),
    "property": rule(
        {*MEILUO_STAFF, "wang_fang", "wu_hao", "liu_yang", "huang_jun"},
        {"wu_hao"},
        {*MEILUO_STAFF, "wang_fang", "wu_hao"},
        set(MEILUO_STAFF),
    ),
    "property_2": rule(
        {*MEILUO_STAFF, "sun_li", "liu_yang", "huang_jun"},
        set(),
        {*MEILUO_STAFF, "sun_li"},
        set(MEILUO_STAFF),
    ),
    "village_notices": rule(
        VILLAGE_VIEW | {"sun_qin"}, {"xu_ming"}, {"xu_ming", "he_mei", "sun_qin"}, {"xu_ming"}
    ),
    "village_hometown": rule(
        VILLAGE_VIEW | {"sun_qin"}, {"xu_ming"}, {"xu_ming", "he_mei", "sun_qin"}, {"xu_ming"}
    ),
    "village_idle": rule(VILLAGE_VIEW, {"he_mei"}, {"xu_ming", "he_mei"}, {"xu_ming"}),
    "gongkang_notices": rule(
        {"chen_jie", "lin_na", "wusong_supervisor", "huang_jun"},
        {"lin_na"},
        {"chen_jie", "lin_na"},
        {"lin_na"},
    ),
}
AUTHORS = {
    "district": "ma_lin",
    "notices": "li_wei",
    "guide": "li_wei",
    "party": "zhang_min",
    "mutual_aid": "wang_fang",
    "idle": "wang_fang",
    "property": "wu_hao",
    "property_2": "li_wei",
    "village_notices": "xu_ming",
    "village_hometown": "xu_ming",
    "village_idle": "he_mei",
    "gongkang_notices": "lin_na",
}


def test_every_board_of_the_table_is_checked(town: Town) -> None:
    assert set(EXPECTED) == set(town.boards) == set(AUTHORS)
    assert {name for rules in EXPECTED.values() for name in rules["read"]} <= EVERYONE


def snapshot() -> tuple[int, ...]:
    """Everything a refused request must leave alone."""
    return (
        Post.objects.count(),
        Post.objects.filter(pinned=True).count(),
        Comment.objects.count(),
        PostLike.objects.count(),
        Event.objects.count(),
    )


@pytest.mark.parametrize("person", sorted(EVERYONE))
def test_the_rules_of_every_board_for(town: Town, person: str) -> None:
    """Read (list and open), post, comment and like, moderate (board settings), pin: allowed
    exactly as the table says; every refusal is a 403/404 that changes nothing."""
    user = town.people[person]
    client = api(user)
    wrong: list[str] = []

    def attempt(response: object, ok: int, key: str, before: tuple[int, ...]) -> bool:
        status = response.status_code  # type: ignore[attr-defined]
        if status == ok:
            return True
        assert status in (403, 404), (key, status, response.json())  # type: ignore[attr-defined]
        assert snapshot() == before, key
        return False

    for key, board in town.boards.items():
        expected = {action: person in people for action, people in EXPECTED[key].items()}
        existing = make_post(board, town.people[AUTHORS[key]])

        listed = client.get(f"/boards/{board.pk}/posts")
        opened = client.get(f"/boards/posts/{existing.pk}")
        read = listed.status_code == 200 and opened.status_code == 200
        if not read:
            assert (listed.status_code, opened.status_code) == (404, 404), key
        posted = attempt(
            client.post(f"/boards/{board.pk}/posts", post_body(board.kind, f"{person}说")),
            201,
            key,
            snapshot(),
        )
        before = snapshot()
        commented = attempt(
            client.post(f"/boards/posts/{existing.pk}/comments", {"body": "赞同"}), 201, key, before
        )
        liked = attempt(client.put(f"/boards/posts/{existing.pk}/like"), 200, key, snapshot())
        assert commented == liked, key
        moderated = attempt(
            client.patch(f"/boards/{board.pk}", {"requires_review": False}), 200, key, snapshot()
        )
        pinned = attempt(
            client.post(f"/boards/posts/{existing.pk}/pin", {"pinned": True}), 200, key, snapshot()
        )
        existing.refresh_from_db()
        assert existing.pinned == pinned
        assert pinned == (moderated or (key == "property" and person == "wu_hao")), key

        actual = {"read": read, "post": posted, "comment": commented, "moderate": moderated}
        wrong += [f"{key}.{action}" for action in actual if actual[action] != expected[action]]
    assert wrong == []


def test_the_property_manager_pins_and_hides_but_does_not_moderate(town: Town) -> None:
    post = make_post(town.boards["property"], town.wang_fang)
    manager = api(town.wu_hao)
    assert manager.post(f"/boards/posts/{post.pk}/pin", {"pinned": True}).status_code == 200
    assert manager.post(f"/boards/posts/{post.pk}/hide").json()["status"] == "hidden"
    assert manager.post(f"/boards/posts/{post.pk}/restore").json()["status"] == "published"
    refused = manager.patch(f"/boards/{town.boards['property'].pk}", {"requires_review": True})
    assert refused.status_code == 403
    detail = manager.get(f"/boards/posts/{post.pk}").json()
    assert (detail["can_moderate"], detail["can_manage"], detail["can_comment"]) == (
        False,
        True,
        True,
    )


def test_supervisors_read_every_board_below_them_but_never_write(town: Town) -> None:
    board = town.boards["notices"]
    post = make_post(board, town.li_wei)
    for name in ("liu_yang", "huang_jun"):
        client = api(town.people[name])
        assert client.get(f"/boards/posts/{post.pk}").status_code == 200
        assert client.post(f"/boards/{board.pk}/posts", post_body("notices")).status_code == 403
        assert client.post(f"/boards/posts/{post.pk}/comments", {"body": "x"}).status_code == 403
    assert Comment.objects.count() == 0


def test_reach_counts_what_the_permissions_module_counts(town: Town) -> None:
    """rules.Reach works out a person's standing without queries; it must agree with
    communities.rules.standing for every person at every place."""
    places = list(Place.objects.all())
    for user in town.people.values():
        reach = Reach.of(user)
        for place in places:
            assert reach.standing(place) == standing(user, place), (user.username, place.name)
