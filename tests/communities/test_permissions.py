"""The whole rules table, walked person by person, refusals included.

The expectations are written out here by hand, not derived from RULES, so a change
to the rules has to be made twice — once in the code and once here, on purpose.
"""

from __future__ import annotations

from typing import Any

import pytest

from communities.management.commands.permissions_table import DOC, render
from communities.models import Place
from communities.rules import HOLDERS, RULES, Action, can, standing
from tests.conftest import PEOPLE, World

# Who may do each action at 美罗家园居委 (its estates count as the community).
# Everyone not listed is refused.
EXPECTED_AT_MEILUO: dict[Action, set[str]] = {
    Action.VIEW_COMMUNITY: {
        "wang_fang",
        "li_wei",
        "zheng_hua",
        "zhang_min",
        "zhao_lei",
        "zhou_qiang",
        "wu_hao",
        "song_yu",
        "liu_yang",
        "huang_jun",
    },
    Action.MODERATE_COMMUNITY: {"li_wei", "zheng_hua", "zhang_min"},
    Action.VIEW_APPLICATIONS: {"li_wei", "zheng_hua", "zhang_min", "liu_yang", "huang_jun"},
    Action.DECIDE_APPLICATIONS: {"li_wei", "zheng_hua", "zhang_min"},
    Action.MANAGE_JOIN_CODE: {"li_wei", "zheng_hua", "zhang_min"},
    Action.SUPERVISE: {"liu_yang", "huang_jun"},
    # A role counts everywhere below where it is held.
    Action.PUBLISH_DISTRICT_NEWS: {"ma_lin"},
}
EXPECTED_AT_DISTRICT: dict[Action, set[str]] = {
    Action.VIEW_COMMUNITY: {"huang_jun"},
    Action.PUBLISH_DISTRICT_NEWS: {"ma_lin"},
    Action.SUPERVISE: {"huang_jun"},
    Action.VIEW_APPLICATIONS: {"huang_jun"},
}


def test_every_action_has_an_expectation() -> None:
    assert set(EXPECTED_AT_MEILUO) == set(Action) == set(RULES)


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("where", ["meiluo", "meiluo_1", "meiluo_2"])
def test_rules_table_at_the_community(
    world: World, action: Action, person: str, where: str
) -> None:
    place: Place = getattr(world, where)
    expected = person in EXPECTED_AT_MEILUO[action]
    assert can(world.people[person], action, place) is expected


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("person", PEOPLE)
def test_rules_table_at_the_district(world: World, action: Action, person: str) -> None:
    expected = person in EXPECTED_AT_DISTRICT.get(action, set())
    assert can(world.people[person], action, world.district) is expected


def test_outsiders_and_the_other_streets_supervisor_see_nothing_of_meiluo(world: World) -> None:
    for person in ("chen_jie", "lin_na", "wusong_supervisor", "nobody"):
        assert standing(world.people[person], world.meiluo) == frozenset(), person


def test_lin_na_manages_her_own_community_only(world: World) -> None:
    assert can(world.lin_na, Action.DECIDE_APPLICATIONS, world.gongkang)
    assert can(world.lin_na, Action.MANAGE_JOIN_CODE, world.gongkang_1)
    assert not can(world.lin_na, Action.DECIDE_APPLICATIONS, world.meiluo)


def test_one_person_holds_several_roles(world: World) -> None:
    from communities.models import RoleKind
    from communities.services import role_grant

    role_grant(user=world.wang_fang, kind=RoleKind.PARTY_MEMBER, place=world.meiluo)
    assert standing(world.wang_fang, world.meiluo) == {"resident", "party_member"}


def test_revoked_membership_and_inactive_accounts_lose_their_standing(world: World) -> None:
    world.wang_fang.memberships.update(status="revoked")
    assert not can(world.wang_fang, Action.VIEW_COMMUNITY, world.meiluo)
    world.li_wei.is_active = False
    world.li_wei.save()
    assert not can(world.li_wei, Action.DECIDE_APPLICATIONS, world.meiluo)


def test_standing_costs_two_queries(world: World, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(2):
        standing(world.wang_fang, world.meiluo_1)


def test_holders_cover_every_role() -> None:
    from communities.models import RoleKind

    assert set(HOLDERS) == {"resident", *RoleKind.values}


def test_docs_table_is_generated_from_the_rules() -> None:
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/permissions.md is stale: run `python manage.py permissions_table --write`"
    )
