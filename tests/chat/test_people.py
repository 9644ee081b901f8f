"""Chat settings, blocks and the neighbour list through the HTTP API."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from chat.models import Block, ChatSettings
from chat.selectors import people
from communities.models import Membership
from tests.chat.test_topics import post
from tests.conftest import World, client_for, make_member, make_user


def neighbours_of(client: Client, world: World, q: str = "") -> Any:
    return client.get(f"/api/chat/communities/{world.meiluo.pk}/neighbours", {"q": q})


def test_settings_start_off_and_change_one_at_a_time(neighbours: World) -> None:
    wang_fang = client_for(neighbours.wang_fang)
    assert wang_fang.get("/api/chat/settings").json() == {
        "refuse_strangers": False,
        "hide_presence": False,
    }
    assert not ChatSettings.objects.exists()  # reading writes nothing
    changed = post(wang_fang, "/api/chat/settings", {"refuse_strangers": True})
    assert changed.json() == {"refuse_strangers": True, "hide_presence": False}
    post(wang_fang, "/api/chat/settings", {"hide_presence": True})
    assert wang_fang.get("/api/chat/settings").json() == {
        "refuse_strangers": True,
        "hide_presence": True,
    }
    assert client_for(neighbours.sun_li).get("/api/chat/settings").json() == {
        "refuse_strangers": False,
        "hide_presence": False,
    }


def test_bad_settings_name_the_field_and_write_nothing(neighbours: World) -> None:
    response = post(client_for(neighbours.wang_fang), "/api/chat/settings", {"hide_presence": "?"})
    assert response.status_code == 400
    assert "hide_presence" in response.json()["errors"]
    assert not ChatSettings.objects.exists()
    assert client_for(None).get("/api/chat/settings").status_code == 401


def test_block_and_unblock(neighbours: World) -> None:
    world = neighbours
    sun_li = client_for(world.sun_li)
    for _ in range(2):  # blocking twice is blocking once
        assert post(sun_li, "/api/chat/blocks", {"user_id": world.wang_fang.pk}).status_code == 204
    assert sun_li.get("/api/chat/blocks").json() == [
        {"id": world.wang_fang.pk, "name": "wang_fang", "party": False}
    ]
    assert Block.objects.filter(blocker=world.sun_li, blocked=world.wang_fang).count() == 1
    assert sun_li.delete(f"/api/chat/blocks/{world.wang_fang.pk}").status_code == 204
    assert sun_li.delete(f"/api/chat/blocks/{world.wang_fang.pk}").status_code == 204
    assert sun_li.get("/api/chat/blocks").json() == []


@pytest.mark.parametrize(
    ("body", "status"), [({}, 400), ({"user_id": "li"}, 400), ({"user_id": 999999}, 404)]
)
def test_bad_blocks_are_refused(neighbours: World, body: dict[str, Any], status: int) -> None:
    response = post(client_for(neighbours.sun_li), "/api/chat/blocks", body)
    assert response.status_code == status
    if status == 400:
        assert "user_id" in response.json()["errors"]
    assert not Block.objects.exists()


def test_nobody_blocks_themselves(neighbours: World) -> None:
    body = {"user_id": neighbours.sun_li.pk}
    response = post(client_for(neighbours.sun_li), "/api/chat/blocks", body)
    assert (response.status_code, response.json()["code"]) == (400, "self")
    assert "user_id" in response.json()["errors"]
    assert not Block.objects.exists()


def test_neighbours_show_name_estate_and_building_only(neighbours: World) -> None:
    world = neighbours
    Membership.objects.filter(user=world.sun_li).update(building="7", room="702")
    response = neighbours_of(client_for(world.wang_fang), world)
    assert response.status_code == 200
    listed = response.json()
    assert [(p["name"], p["is_committee"]) for p in listed] == [
        ("li_wei", True),
        ("zhang_min", True),
        ("zheng_hua", True),
        ("sun_li", False),
        ("zhao_lei", False),
    ]
    assert listed[3] == {
        "id": world.sun_li.pk,
        "name": "sun_li",
        "estate": "美罗二期",
        "building": "7",
        "is_committee": False,
    }
    assert "702" not in response.content.decode()
    assert listed[0]["estate"] is None  # committee members need not live there


def test_neighbours_are_searched_by_name_only(neighbours: World) -> None:
    world = neighbours
    world.sun_li.phone = "+8613812345678"
    world.sun_li.save()
    wang_fang = client_for(world.wang_fang)
    assert [p["name"] for p in neighbours_of(wang_fang, world, "  li").json()] == [
        "li_wei",
        "sun_li",
    ]
    assert neighbours_of(wang_fang, world, "138123").json() == []


def test_people_without_a_real_name_are_not_listed(neighbours: World) -> None:
    world = neighbours
    unnamed = make_user("+8613900000000")
    unnamed.display_name = ""
    unnamed.save()
    make_member(unnamed, world.meiluo_1)
    names = [p["name"] for p in neighbours_of(client_for(world.wang_fang), world).json()]
    assert "" not in names
    assert len(names) == 5


@pytest.mark.parametrize("person", ["chen_jie", "liu_yang", "zhou_qiang", "lin_na"])
def test_only_members_of_the_community_see_its_neighbours(neighbours: World, person: str) -> None:
    response = neighbours_of(client_for(neighbours.people[person]), neighbours)
    assert response.status_code == 404


def test_the_list_stops_at_fifty_in_four_queries(
    neighbours: World, django_assert_num_queries: Any
) -> None:
    world = neighbours
    for index in range(60):
        make_member(make_user(f"resident_{index:02}"), world.meiluo_2)
    # My communities (two), the committee, the residents.
    with django_assert_num_queries(4):
        listed = people.neighbours(world.wang_fang, world.meiluo.pk)
    assert len(listed) == people.NEIGHBOURS_MAX == 50
    assert [p["name"] for p in listed[:4]] == ["li_wei", "zhang_min", "zheng_hua", "resident_00"]
