"""NUL in a message's text (the socket fuzzer sent one): PostgreSQL cannot store it in a
text column, so the send failed with `internal` instead of posting or refusing."""

from __future__ import annotations

import pytest

from chat.models import Message
from chat.selectors import search
from chat.services import message_edit, message_post
from communities.errors import Invalid
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_nul_is_dropped_from_a_message(neighbours: World, estate_chat: int) -> None:
    message, created = message_post(
        author=neighbours.wang_fang, conversation_id=estate_chat, body="a\x00b", client_id="c-1"
    )
    assert created
    message.refresh_from_db()
    assert message.body == "ab"
    edited = message_edit(editor=neighbours.wang_fang, message_id=message.pk, body="\x00c\x00")
    edited.refresh_from_db()
    assert edited.body == "c"


def test_a_message_of_nul_alone_is_empty(neighbours: World, estate_chat: int) -> None:
    with pytest.raises(Invalid) as refused:
        message_post(
            author=neighbours.wang_fang, conversation_id=estate_chat, body="\x00", client_id="c-2"
        )
    assert refused.value.code == "empty"
    assert not Message.objects.exists()


def test_a_client_id_with_nul_is_refused(neighbours: World, estate_chat: int) -> None:
    with pytest.raises(Invalid) as refused:
        message_post(
            author=neighbours.wang_fang, conversation_id=estate_chat, body="hi", client_id="c\x00"
        )
    assert refused.value.code == "bad_client_id"
    assert not Message.objects.exists()


def test_search_ignores_nul(neighbours: World, estate_chat: int) -> None:
    message_post(
        author=neighbours.wang_fang, conversation_id=estate_chat, body="快递柜", client_id="c-3"
    )
    conversation = Message.objects.get().conversation
    assert [m.body for m in search(conversation, text="快递\x00")] == ["快递柜"]
    assert search(conversation, text="\x00") == []
