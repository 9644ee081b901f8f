"""Which live feeds each person follows: from their memberships and roles, nothing more."""

from __future__ import annotations

import pytest

from communities.models import AwayMembership, Membership, PlaceKind
from communities.selectors import feed_streams
from communities.services import place_create
from realtime.groups import (
    away_feed,
    community_feed,
    community_staff_feed,
    district_feed,
    estate_feed,
    observe_feed,
    party_feed,
)
from tests.conftest import World


def expected(world: World) -> dict[str, set[str]]:
    d, meiluo, gongkang = world.district.pk, world.meiluo.pk, world.gongkang.pk
    community = {district_feed(d), community_feed(meiluo)}
    staff = community | {community_staff_feed(meiluo)}
    return {
        "wang_fang": community | {estate_feed(world.meiluo_1.pk)},
        "chen_jie": {district_feed(d), community_feed(gongkang), estate_feed(world.gongkang_1.pk)},
        "li_wei": staff,
        "zheng_hua": staff,
        "zhang_min": staff | {party_feed(meiluo)},
        "zhao_lei": community | {party_feed(meiluo)},
        "zhou_qiang": community,
        "song_yu": community,
        "wu_hao": community | {estate_feed(world.meiluo_1.pk)},
        "guo_qing": {district_feed(d)},
        "liu_yang": {district_feed(d), observe_feed(world.luodian.pk)},
        "wusong_supervisor": {district_feed(d), observe_feed(world.wusong.pk)},
        "huang_jun": {district_feed(d), observe_feed(d)},
        "ma_lin": {district_feed(d)},
        "lin_na": {district_feed(d), community_feed(gongkang), community_staff_feed(gongkang)},
        "nobody": set(),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "person", ["wang_fang", "chen_jie", "li_wei", "zheng_hua", "zhang_min", "zhao_lei",
               "zhou_qiang", "song_yu", "wu_hao", "guo_qing", "liu_yang", "wusong_supervisor",
               "huang_jun", "ma_lin", "lin_na", "nobody"],
)  # fmt: skip
def test_each_person_follows_exactly_the_feeds_of_their_places_and_roles(
    world: World, person: str
) -> None:
    assert feed_streams(world.people[person]) == expected(world)[person]


@pytest.mark.django_db
def test_a_revoked_membership_no_longer_brings_its_feeds(world: World) -> None:
    Membership.objects.filter(user=world.wang_fang).update(status=Membership.Status.REVOKED)
    assert feed_streams(world.wang_fang) == set()


@pytest.mark.django_db
def test_a_villager_living_away_follows_only_the_village_away_feed(world: World) -> None:
    village = place_create(name="新民村", kind=PlaceKind.VILLAGE, parent=world.luodian)
    away = AwayMembership.objects.create(user=world.nobody, village=village)
    assert feed_streams(world.nobody) == {away_feed(village.pk)}
    away.status = AwayMembership.Status.REVOKED
    away.save()
    assert feed_streams(world.nobody) == set()


@pytest.mark.django_db
def test_feeds_cost_three_queries_however_many_places(
    world: World, django_assert_num_queries: object
) -> None:
    for n in range(5):
        estate = place_create(name=f"e{n}", kind=PlaceKind.ESTATE, parent=world.gongkang)
        Membership.objects.create(user=world.li_wei, estate=estate, building="1", room="1")
    with django_assert_num_queries(3):  # type: ignore[operator]
        streams = feed_streams(world.li_wei)
    assert community_feed(world.gongkang.pk) in streams
