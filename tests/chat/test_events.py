"""Each live event of chat is built by one function (chat/events.py); this pins every
shape to the fields docs/protocol.md lists for it, so the two cannot drift apart."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from chat import events
from chat.models import Conversation, Letter, Message, Participant
from chat.shapes import message_out
from tests.conftest import World

pytestmark = pytest.mark.django_db


def documented_fields() -> dict[str, set[str]]:
    """``type`` → the backticked fields of its row in docs/protocol.md's frame tables."""
    text = (Path(settings.BASE_DIR) / "docs" / "protocol.md").read_text()
    fields: dict[str, set[str]] = {}
    for row in re.findall(r"^\|(.+)\|\s*$", text, flags=re.M):
        cells = [cell.strip() for cell in row.split("|")]
        if len(cells) < 3:
            continue
        # type | meaning | fields, or (the moderation frames) type | stream | fields | …
        names = re.findall(r"`([a-z_.]+)`", cells[0])
        listed = set(re.findall(r"`([a-z_]+)`", cells[2]))
        for name in names:
            fields.setdefault(name, set()).update(listed)
    return fields


def built(world: World) -> dict[str, dict[str, object]]:
    estate = Conversation.objects.get(kind=Conversation.Kind.ESTATE, place=world.meiluo_1)
    topic = Conversation.objects.create(
        kind=Conversation.Kind.TOPIC, place=world.meiluo, title="跑步", created_by=world.wang_fang
    )
    message = Message.objects.create(
        conversation=estate, author=world.wang_fang, client_id="c1", body="你好"
    )
    message.pinned_at = timezone.now()
    shape = message_out(message, likes=0)
    row = Participant.objects.create(conversation=topic, user=world.wang_fang, note="想加入")
    letter = Letter.objects.create(
        sender=world.wang_fang, committee=world.meiluo, subject="路灯", body="坏了"
    )
    letter.read_at = timezone.now()
    made = [
        events.message_new(shape),
        events.mention(shape),
        events.message_edited(shape),
        events.message_deleted(message),
        events.message_liked(message, likes=1, user_id=world.li_wei.pk, liked=True),
        events.read_updated(estate.pk, message.pk),
        events.message_moderated(message),
        events.message_restored(shape),
        events.message_pinned(message, shape),
        events.conversation_locked(estate),
        events.conversation_joined(topic),
        events.conversation_left(topic),
        events.topic_application(row, "想加入"),
        events.topic_application_decided(row),
        events.topic_proposed(topic),
        events.topic_rejected(topic, "重复"),
        events.topic_proposal_decided(topic, approved=True),
        events.letter_new(letter),
        events.letter_read(letter),
    ]
    return {str(event["type"]): event for event in made}


def test_every_chat_event_has_the_documented_fields(world: World) -> None:
    documented = documented_fields()
    frames = built(world)
    assert len(frames) == 19  # one builder per type, none built twice
    for frame_type, frame in frames.items():
        assert frame_type in documented, f"docs/protocol.md does not list {frame_type}"
        assert set(frame) - {"type"} == documented[frame_type], frame_type


def test_the_check_catches_a_missing_field(world: World) -> None:
    frame = built(world)["message.deleted"]
    assert set(frame) - {"type", "message_id"} != documented_fields()["message.deleted"]
