"""``communities.rules.can``: one vocabulary over every resource's rules."""

from __future__ import annotations

import pytest

from chat.models import Conversation, Participant
from communities.boards.models import Board, BoardKind
from communities.boards.services import boards_ensure
from communities.rules import VERBS, Action, can
from communities.rules.places import can as can_at_place
from tests.conftest import PEOPLE, World

pytestmark = pytest.mark.django_db


def board(world: World, kind: str) -> Board:
    boards = boards_ensure([world.meiluo, world.meiluo_1])
    return next(b for b in boards if b.kind == kind)


def test_place_actions_answer_as_the_place_rules(world: World) -> None:
    for person in PEOPLE:
        user = world.people[person]
        for action in Action:
            assert can(user, action, world.meiluo) == can_at_place(user, action, world.meiluo)
            assert can(user, str(action), world.meiluo) == can_at_place(user, action, world.meiluo)


def test_board_verbs(world: World) -> None:
    notices, mutual_aid = board(world, BoardKind.NOTICES), board(world, BoardKind.MUTUAL_AID)
    party, prop = board(world, BoardKind.PARTY), board(world, BoardKind.PROPERTY)
    assert can(world.wang_fang, "post_on_board", mutual_aid)
    assert not can(world.wang_fang, "post_on_board", notices)
    assert can(world.wang_fang, "read_board", notices)
    assert can(world.li_wei, "moderate_board", notices)
    assert not can(world.wang_fang, "moderate_board", notices)
    assert can(world.zhao_lei, "post_on_board", party)
    assert can(world.liu_yang, "read_board", notices)
    assert not can(world.liu_yang, "comment_on_board", notices)  # supervision reads only
    assert not can(world.chen_jie, "read_board", notices)  # another community's
    assert can(world.wu_hao, "post_on_board", prop)
    assert can(world.wu_hao, "manage_board", prop)
    assert not can(world.wu_hao, "moderate_board", prop)


def test_conversation_verbs(world: World) -> None:
    estate = Conversation.objects.get(kind=Conversation.Kind.ESTATE, place=world.meiluo_1)
    assert can(world.wang_fang, "read_conversation", estate)
    assert can(world.wang_fang, "post_in_conversation", estate)
    assert not can(world.wang_fang, "moderate_conversation", estate)
    assert can(world.li_wei, "moderate_conversation", estate)
    assert can(world.liu_yang, "read_conversation", estate)
    assert not can(world.liu_yang, "post_in_conversation", estate)
    assert not can(world.chen_jie, "read_conversation", estate)
    proposal = Conversation.objects.create(
        kind=Conversation.Kind.TOPIC, place=world.meiluo, title="跑步", approved=False
    )
    Participant.objects.create(
        conversation=proposal, user=world.wang_fang, role=Participant.Role.ADMIN
    )
    assert can(world.wang_fang, "see_topic_group", proposal)
    assert can(world.li_wei, "run_topic_group", proposal)
    assert not can(world.zhao_lei, "see_topic_group", proposal)  # not approved yet
    assert not can(world.wang_fang, "see_topic_group", estate)  # not a topic group


def test_people_and_branch_verbs(world: World) -> None:
    assert can(world.wang_fang, "reach_neighbour", world.li_wei)
    assert not can(world.wang_fang, "reach_neighbour", world.chen_jie)
    assert can(world.zhang_min, "decide_gated_items", world.meiluo)
    assert not can(world.li_wei, "decide_gated_items", world.meiluo)
    assert can(world.li_wei, "organise_callouts", world.meiluo)
    assert not can(world.zhao_lei, "organise_callouts", world.meiluo)
    assert can(world.zhao_lei, "claim_projects", world.meiluo)
    assert can(world.liu_yang, "oversee_moderation", world.meiluo)
    assert not can(world.wusong_supervisor, "oversee_moderation", world.meiluo)
    assert not can(world.wang_fang, "oversee_moderation", world.meiluo)


def test_every_verb_is_named_once_with_its_resource_and_words() -> None:
    assert not set(VERBS) & set(Action.__members__.values())
    for name, verb in VERBS.items():
        assert verb.name == name
        assert verb.resource
        assert verb.label
        assert verb.who


def test_an_unknown_verb_is_a_mistake_not_a_refusal(world: World) -> None:
    with pytest.raises(ValueError, match="no rule"):
        can(world.li_wei, "launch_rockets", world.meiluo)
