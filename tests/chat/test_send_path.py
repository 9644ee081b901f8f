"""The send path costs the same number of queries whatever the size of the group."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chat.services import message_post
from tests.conftest import World, make_member, make_user


def queries_for_one_send(world: World, conversation: int, client_id: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        message_post(
            author=world.wang_fang, conversation_id=conversation, body="你好", client_id=client_id
        )
    return len(captured)


@pytest.mark.django_db
def test_send_queries_do_not_grow_with_the_group(
    neighbours: World, estate_chat: int, settings: Any
) -> None:
    settings.CHAT_SEND_RATE = "1000/1"
    # The first send of a process also learns the conversation's kind (cached for good);
    # measure the steady state.
    queries_for_one_send(neighbours, estate_chat, "warm-up")
    small = queries_for_one_send(neighbours, estate_chat, "small")
    for n in range(200):
        make_member(make_user(f"resident{n}"), neighbours.meiluo_1)
    large = queries_for_one_send(neighbours, estate_chat, "large")
    assert large == small
    assert small <= 12


@pytest.mark.django_db
def test_the_connect_handshake_costs_a_fixed_handful_of_queries(
    neighbours: World, estate_chat: int
) -> None:
    from chat.following import following

    with CaptureQueriesContext(connection) as resident:
        state = following(neighbours.wang_fang)
    assert state.conversation_ids == [estate_chat]
    for n in range(20):
        make_member(make_user(f"more{n}"), neighbours.meiluo_1)
    with CaptureQueriesContext(connection) as again:
        following(neighbours.wang_fang)
    assert len(again) == len(resident) == 1  # one UNION ALL: see chat.following
