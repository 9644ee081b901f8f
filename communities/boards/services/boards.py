"""The boards themselves: every place gets its boards when it is made."""

from __future__ import annotations

from communities.models import Place
from communities.rules.boards import board_kinds

from ..models import Board
from ..selectors import boards_at


def boards_ensure(places: list[Place]) -> list[Board]:
    """Make the boards ``places`` should have and lack (``board_kinds``), and return all of
    them in the tabs' order. Safe to repeat and to race: a board another transaction made
    first is skipped by the unique (place, kind) constraint."""
    wanted = {(place.pk, kind) for place in places for kind in board_kinds(place)}
    if wanted:
        Board.objects.bulk_create(
            [Board(place_id=pk, kind=kind) for pk, kind in sorted(wanted)],
            ignore_conflicts=True,
        )
    return boards_at(places)
