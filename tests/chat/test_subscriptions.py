"""What a socket follows, read in one query, is exactly what the plain reads give."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chat.following import following
from chat.models import ChatSettings, Conversation, Participant
from chat.services import estate_conversations_ensure
from communities.models import AwayMembership, Membership, Place, PlaceKind, User
from communities.rules import RULES, Action
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
    expected_conversations = plain_conversations(user)
    with CaptureQueriesContext(connection) as captured:
        state = following(user)
    assert len(captured) == 1
    assert state.conversation_ids == expected_conversations
    assert state.feeds == frozenset(feed_streams(user))
    assert state.groups == {
        *(f"conv.{pk}" for pk in expected_conversations),
        *feed_streams(user),
    }
    assert state.hides_presence == (person == "zhao_lei")
    assert state.estates == plain_estates(user)
    assert following(user) == state


@pytest.mark.django_db
def test_a_moderator_follows_every_estate_group_of_the_community(world: World) -> None:
    """li_wei sits on 美罗家园居委: he follows the groups of both its estates."""
    groups = dict(
        Conversation.objects.filter(kind=Conversation.Kind.ESTATE).values_list("place_id", "pk")
    )
    assert following(world.li_wei).conversation_ids == sorted(
        [groups[world.meiluo_1.pk], groups[world.meiluo_2.pk]]
    )
    assert following(world.wang_fang).conversation_ids == [groups[world.meiluo_1.pk]]
    assert following(world.chen_jie).conversation_ids == [groups[world.gongkang_1.pk]]
    assert following(world.zhao_lei).conversation_ids == []  # party member


@pytest.mark.django_db
def test_every_estate_has_its_group_from_the_start_and_reading_writes_nothing(
    world: World,
) -> None:
    """The estate group is made with the estate (and ensured on approval), never while
    someone connects: following() only reads."""
    estates = Place.objects.filter(kind=PlaceKind.ESTATE)
    assert sorted(
        Conversation.objects.filter(kind=Conversation.Kind.ESTATE).values_list(
            "place_id", flat=True
        )
    ) == sorted(estates.values_list("pk", flat=True))
    Conversation.objects.filter(place=world.meiluo_2, kind=Conversation.Kind.ESTATE).delete()
    with CaptureQueriesContext(connection) as captured:
        state = following(world.li_wei)
    assert all(
        q["sql"].lstrip("( ").upper().startswith("SELECT") for q in captured.captured_queries
    )
    assert len(state.conversation_ids) == 1  # 美罗二期 has no group now: nothing made one
    assert not Conversation.objects.filter(place=world.meiluo_2).exists()


@pytest.mark.django_db
def test_a_revoked_membership_or_a_left_group_is_no_longer_followed(world: World) -> None:
    group = estate_conversations_ensure(estate_ids=[world.meiluo_1.pk])[world.meiluo_1.pk]
    topic = Conversation.objects.create(
        kind=Conversation.Kind.TOPIC, place=world.meiluo, title="跑步"
    )
    Participant.objects.create(conversation=topic, user=world.wang_fang)
    assert following(world.wang_fang).conversation_ids == sorted([group, topic.pk])
    Membership.objects.filter(user=world.wang_fang).update(status=Membership.Status.REVOKED)
    Participant.objects.filter(user=world.wang_fang).update(status=Participant.Status.LEFT)
    state = following(world.wang_fang)
    assert state.conversation_ids == []
    assert state.feeds == frozenset()
    assert state.groups == frozenset()


@pytest.mark.django_db
def test_the_handshake_query_is_the_same_however_many_places_and_groups(world: World) -> None:
    for n in range(4):
        estate = place_create(name=f"新苑{n}", kind=PlaceKind.ESTATE, parent=world.meiluo)
        make_member(make_user(f"resident{n}"), estate)
        topic = Conversation.objects.create(
            kind=Conversation.Kind.TOPIC, place=world.meiluo, title=f"t{n}"
        )
        Participant.objects.create(conversation=topic, user=world.li_wei)
    with CaptureQueriesContext(connection) as captured:
        state = following(world.li_wei)
    assert len(captured) == 1
    assert len(state.conversation_ids) == 2 + 4 + 4
