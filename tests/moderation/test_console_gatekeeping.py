"""Gatekeeping in the committee console: gated items, referring one to the party
secretary, and the secretary's delegates."""

from __future__ import annotations

import pytest

from communities.models import User
from communities.moderation import gatekeeping
from communities.moderation.models import Gate
from tests.conftest import World, client_for
from tests.moderation.waiting import Waiting, by_kind, get, items_url, post


def decidable(user: User, world: World) -> dict[tuple[str, int], bool]:
    items = get(user, items_url(world)).json()["items"]
    return {(item["kind"], item["id"]): item["may_decide"] for item in items}


def test_a_party_board_post_is_gated_and_only_the_secretary_may_decide_it(
    world: World, waiting: Waiting
) -> None:
    found = by_kind(get(world.li_wei, items_url(world)).json()["items"])
    party = found["post"][waiting.party_post.pk]
    assert party["gated"] is True
    assert party["gate_note"]
    assert party["gated_by"] is None  # the rule, not a person
    assert party["may_decide"] is False
    assert found["post"][waiting.post.pk]["gated"] is False

    assert decidable(world.zhang_min, world)[("post", waiting.party_post.pk)] is True
    assert decidable(world.zheng_hua, world)[("post", waiting.party_post.pk)] is False


def test_a_member_refers_an_item_to_the_secretary_from_the_console(
    world: World, waiting: Waiting
) -> None:
    url = f"/api/console/items/application/{waiting.application.pk}/refer"
    response = post(client_for(world.li_wei), url, {"note": "户籍信息需核实"})
    assert response.status_code == 200
    item = response.json()
    assert (item["gated"], item["gate_note"]) == (True, "户籍信息需核实")
    assert item["gated_by"]["id"] == world.li_wei.pk
    assert item["may_decide"] is False

    key = ("application", waiting.application.pk)
    assert decidable(world.zheng_hua, world)[key] is False
    assert decidable(world.zhang_min, world)[key] is True
    assert get(world.zhang_min, items_url(world)).json()["gatekeeper"] is True

    again = post(client_for(world.zheng_hua), url, {"note": "再次"})
    assert again.status_code == 409
    assert again.json()["code"] == "already_gated"
    assert Gate.objects.filter(target_kind="application").count() == 1


def test_a_delegate_decides_gated_items_too(world: World, waiting: Waiting) -> None:
    key = ("post", waiting.party_post.pk)
    assert decidable(world.li_wei, world)[key] is False
    url = f"/api/console/communities/{world.meiluo.pk}/delegations"
    candidates = get(world.zhang_min, url + "/candidates").json()
    assert {p["id"] for p in candidates} == {
        world.li_wei.pk,
        world.zheng_hua.pk,
        world.zhao_lei.pk,
    }
    assert get(world.li_wei, url + "/candidates").json() == []

    made = post(client_for(world.zhang_min), url, {"user_id": world.li_wei.pk})
    assert made.status_code == 201
    assert made.json()["delegate"]["id"] == world.li_wei.pk
    assert decidable(world.li_wei, world)[key] is True
    assert get(world.li_wei, items_url(world)).json()["gatekeeper"] is True
    assert [d["id"] for d in get(world.zheng_hua, url).json()] == [made.json()["id"]]

    ended = client_for(world.zhang_min).delete(f"{url}/{made.json()['id']}")
    assert ended.status_code == 204
    assert decidable(world.li_wei, world)[key] is False
    assert get(world.zhang_min, url).json() == []


@pytest.mark.parametrize(
    ("name", "status", "code"),
    [
        ("li_wei", 403, "not_secretary"),
        ("liu_yang", 404, "not_found"),
        ("wang_fang", 404, "not_found"),
        ("lin_na", 404, "not_found"),
    ],
)
def test_only_the_secretary_delegates(world: World, name: str, status: int, code: str) -> None:
    url = f"/api/console/communities/{world.meiluo.pk}/delegations"
    response = post(client_for(world.people[name]), url, {"user_id": world.zheng_hua.pk})
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert not gatekeeping.delegations_of(world.zhang_min, world.meiluo.pk)


def test_ending_a_delegation_of_another_community_is_not_found(world: World) -> None:
    made = gatekeeping.delegate(
        actor=world.zhang_min, community_id=world.meiluo.pk, user_id=world.li_wei.pk
    )
    url = f"/api/console/communities/{world.gongkang.pk}/delegations/{made.pk}"
    assert client_for(world.lin_na).delete(url).status_code == 404
    assert gatekeeping.delegations_of(world.zhang_min, world.meiluo.pk) == [made]


@pytest.mark.parametrize(
    ("name", "status", "code"),
    [
        ("liu_yang", 403, "read_only"),
        ("huang_jun", 403, "read_only"),
        ("wang_fang", 404, "not_found"),
        ("zhao_lei", 404, "not_found"),
        ("lin_na", 404, "not_found"),
    ],
)
def test_referring_is_for_the_committee_only(
    world: World, waiting: Waiting, name: str, status: int, code: str
) -> None:
    url = f"/api/console/items/letter/{waiting.letter.pk}/refer"
    response = post(client_for(world.people[name]), url, {"note": "?"})
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert not Gate.objects.exists()
