"""What a socket follows, read in one query, is exactly what the plain reads give."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chat.models import ChatSettings, Conversation, Participant
from chat.selectors import connect_state, estates_of, subscriptions_of
from chat.services import estate_conversations_ensure
from communities.models import AwayMembership, Membership, Place, PlaceKind, User
from communities.permissions import RULES, Action
from communities.selectors import feed_streams
from communities.services import place_create
from tests.conftest import PEOPLE, World, make_member, make_user


def plain_estates(user: User) -> list[int]:
    """Where they live, and every estate under a community where they moderate."""
    estates = set(
        Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).values_list(
            "estate_id", flat=True
        )
    )
    for path in user.roles.filter(
        kind__in=RULES[Action.MODERATE_COMMUNITY],
        place__kind__in=[PlaceKind.RESIDENTS_COMMITTEE, PlaceKind.VILLAGE],
    ).values_list("place__path", flat=True):
        estates.update(
            Place.objects.filter(path__startswith=path, kind=PlaceKind.ESTATE).values_list(
                "pk", flat=True
            )
        )
    return sorted(estates)


def plain_conversations(user: User) -> list[int]:
    groups = estate_conversations_ensure(estate_ids=plain_estates(user))
    joined = Participant.objects.filter(
        user=user, status=Participant.Status.ACTIVE, conversation__approved=True
    ).values_list("conversation_id", flat=True)
    return sorted({*groups.values(), *joined})


@pytest.fixture
def busy(world: World) -> World:
    """Everyone of the fixture district, plus: a third estate under 美罗家园居委, a topic
    group wang_fang joined and one she left, an unapproved topic group chen_jie joined, a
    revoked membership, a villager living away, and zhao_lei hiding his presence."""
    place_create(name="美罗三期", kind=PlaceKind.ESTATE, parent=world.meiluo)
    make_member(world.zhao_lei, world.meiluo_2)
    gone = make_member(world.song_yu, world.gongkang_1)
    gone.status = Membership.Status.REVOKED
    gone.save()
    village = place_create(name="新民村", kind=PlaceKind.VILLAGE, parent=world.luodian)
    AwayMembership.objects.create(user=world.nobody, village=village)
    for title, approved, person, status in [
        ("跑步", True, "wang_fang", Participant.Status.ACTIVE),
        ("下棋", True, "wang_fang", Participant.Status.LEFT),
        ("待批", False, "chen_jie", Participant.Status.ACTIVE),
    ]:
        topic = Conversation.objects.create(
            kind=Conversation.Kind.TOPIC, place=world.meiluo, title=title, approved=approved
        )
        Participant.objects.create(conversation=topic, user=world.people[person], status=status)
    ChatSettings.objects.create(user=world.zhao_lei, hide_presence=True)
    return world


@pytest.mark.django_db
@pytest.mark.parametrize("person", PEOPLE)
def test_one_query_follows_what_the_plain_reads_give(busy: World, person: str) -> None:
    user = busy.people[person]
    expected_conversations = plain_conversations(user)  # creates missing estate groups first
    with CaptureQueriesContext(connection) as captured:
        state = connect_state(user)
    assert len(captured) == 1
    assert state.subscriptions.conversation_ids == expected_conversations
    assert state.subscriptions.feeds == frozenset(feed_streams(user))
    assert state.hides_presence == (person == "zhao_lei")
    assert estates_of(user) == plain_estates(user)
    assert subscriptions_of(user) == state.subscriptions


@pytest.mark.django_db
def test_a_moderator_follows_every_estate_group_of_the_community(world: World) -> None:
    """li_wei sits on 美罗家园居委: its estates' groups are created on his first connect."""
    assert not Conversation.objects.filter(kind=Conversation.Kind.ESTATE).exists()
    state = connect_state(world.li_wei)
    groups = estate_conversations_ensure(estate_ids=[world.meiluo_1.pk, world.meiluo_2.pk])
    assert state.subscriptions.conversation_ids == sorted(groups.values())
    assert connect_state(world.wang_fang).subscriptions.conversation_ids == [
        groups[world.meiluo_1.pk]
    ]
    assert connect_state(world.chen_jie).subscriptions.conversation_ids != []
    assert connect_state(world.zhao_lei).subscriptions.conversation_ids == []  # party member


@pytest.mark.django_db
def test_a_revoked_membership_or_a_left_group_is_no_longer_followed(world: World) -> None:
    group = estate_conversations_ensure(estate_ids=[world.meiluo_1.pk])[world.meiluo_1.pk]
    topic = Conversation.objects.create(
        kind=Conversation.Kind.TOPIC, place=world.meiluo, title="跑步"
    )
    Participant.objects.create(conversation=topic, user=world.wang_fang)
    assert subscriptions_of(world.wang_fang).conversation_ids == sorted([group, topic.pk])
    Membership.objects.filter(user=world.wang_fang).update(status=Membership.Status.REVOKED)
    Participant.objects.filter(user=world.wang_fang).update(status=Participant.Status.LEFT)
    following = subscriptions_of(world.wang_fang)
    assert following.conversation_ids == []
    assert following.feeds == frozenset()


@pytest.mark.django_db
def test_the_handshake_query_is_the_same_however_many_places_and_groups(world: World) -> None:
    for n in range(4):
        estate = place_create(name=f"新苑{n}", kind=PlaceKind.ESTATE, parent=world.meiluo)
        make_member(make_user(f"resident{n}"), estate)
        topic = Conversation.objects.create(
            kind=Conversation.Kind.TOPIC, place=world.meiluo, title=f"t{n}"
        )
        Participant.objects.create(conversation=topic, user=world.li_wei)
    connect_state(world.li_wei)  # creates the estate groups he moderates
    with CaptureQueriesContext(connection) as captured:
        state = connect_state(world.li_wei)
    assert len(captured) == 1
    assert len(state.subscriptions.conversation_ids) == 2 + 4 + 4
