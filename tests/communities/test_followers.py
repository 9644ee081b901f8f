"""``followers_of(stream)`` is the inverse of ``streams_of``: whoever a feed reaches."""

from __future__ import annotations

import pytest

from communities.models import AwayMembership
from communities.selectors import feed_streams, followers_of
from communities.services import place_create
from tests.conftest import PEOPLE, World

pytestmark = pytest.mark.django_db


def test_everyone_follows_exactly_the_feeds_that_name_them(world: World) -> None:
    village = place_create(name="新民村", kind="village", parent=world.luodian)
    AwayMembership.objects.create(user=world.nobody, village=village)
    streams = {stream for person in PEOPLE for stream in feed_streams(world.people[person])}
    assert streams  # the fixture district has feeds
    for stream in streams:
        expected = {
            world.people[person].pk
            for person in PEOPLE
            if stream in feed_streams(world.people[person])
        }
        assert followers_of(stream) == expected, stream


def test_a_personal_stream_is_its_person_and_nonsense_is_nobody(world: World) -> None:
    assert followers_of(f"user.{world.wang_fang.pk}") == {world.wang_fang.pk}
    assert followers_of("conv.3") == set()  # chat says who is in a conversation
    assert followers_of("nonsense") == set()
