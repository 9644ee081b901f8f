"""The ``callout`` link of party-board posts (boards/extra.py): kept through an edit,
checked as an id, and only on the party board."""

from __future__ import annotations

import pytest

from communities.boards.extra import clean_extra
from communities.boards.models import BoardKind
from communities.errors import Invalid
from tests.conftest import World
from tests.volunteering.conftest import api, make_callout

pytestmark = pytest.mark.django_db


def test_the_call_out_post_keeps_its_link_when_its_author_edits_it(branch: World) -> None:
    callout = make_callout(branch)
    response = api(branch.zhang_min).patch(
        f"/boards/posts/{callout.post_id}", {"title": "周六清理楼道杂物（改为上午）"}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["extra"] == {"callout": callout.pk}
    assert response.json()["title"] == "周六清理楼道杂物（改为上午）"


@pytest.mark.parametrize("value", ["12", 0, -3, True, 1.5])
def test_a_link_is_a_positive_id(value: object) -> None:
    with pytest.raises(Invalid) as refused:
        clean_extra(BoardKind.PARTY, {"callout": value})
    assert "extra.callout" in refused.value.errors


def test_a_party_post_may_go_without_a_link_and_other_boards_have_none() -> None:
    assert clean_extra(BoardKind.PARTY, {}) == {}
    assert clean_extra(BoardKind.PARTY, {"callout": 7}) == {"callout": 7}
    with pytest.raises(Invalid):
        clean_extra(BoardKind.NOTICES, {"callout": 7})
