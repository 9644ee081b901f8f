"""Boards are made with their place, so reading a person's boards never writes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communities.boards.models import Board
from communities.boards.selectors import boards_of
from communities.models import Place, PlaceKind
from communities.services import place_create
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_a_new_community_and_estate_have_their_boards_at_once(world: World) -> None:
    community = place_create(
        name="新立居委", kind=PlaceKind.RESIDENTS_COMMITTEE, parent=world.luodian
    )
    estate = place_create(name="新立小区", kind=PlaceKind.ESTATE, parent=community)
    assert set(Board.objects.filter(place=community).values_list("kind", flat=True)) == {
        "notices", "party", "guide", "mutual_aid", "idle"
    }  # fmt: skip
    assert list(Board.objects.filter(place=estate).values_list("kind", flat=True)) == ["property"]
    street_boards = Board.objects.filter(place=world.luodian)
    assert not street_boards.exists()


def test_reading_boards_writes_nothing(world: World) -> None:
    with CaptureQueriesContext(connection) as queries:
        got = boards_of(world.wang_fang)
    assert got, "a resident reads her community's boards"
    writes = [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []


def test_a_place_whose_boards_are_gone_shows_none_rather_than_making_them(world: World) -> None:
    Board.objects.filter(place=world.meiluo).delete()
    before = Board.objects.count()
    places = {board.place_id for board, _access in boards_of(world.wang_fang)}
    assert world.meiluo.pk not in places
    assert Board.objects.count() == before
    assert Place.objects.filter(pk=world.meiluo.pk).exists()
