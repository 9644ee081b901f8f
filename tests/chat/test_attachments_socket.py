"""The ``send`` frame with ``attachments``, over the real socket: the message and its
files reach the conversation, a retry is the same message, refusals are error frames."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.core.files.uploadedfile import SimpleUploadedFile

from chat.models import Attachment, Message
from chat.services import attachment_upload
from tests.chat.attachments import PDF, photo
from tests.chat.ws import ready
from tests.conftest import World

pytestmark = pytest.mark.django_db(transaction=True)


@sync_to_async
def uploaded(world: World, conversation: int, data: bytes, name: str) -> int:
    return attachment_upload(
        uploader=world.wang_fang,
        conversation_id=conversation,
        upload=SimpleUploadedFile(name, data),
    ).pk


async def test_a_photo_without_text_reaches_the_group_and_a_retry_is_the_same_message(
    neighbours: World, estate_chat: int, private_root: Path
) -> None:
    picture = await uploaded(neighbours, estate_chat, photo(), "photo.jpg")
    document = await uploaded(neighbours, estate_chat, PDF, "通知.pdf")
    wang = await ready(neighbours.wang_fang)
    zhao = await ready(neighbours.zhao_lei)
    frame = {
        "op": "send",
        "conversation": estate_chat,
        "client_id": "with-files",
        "attachments": [picture, document],
    }

    ack = await wang.request(dict(frame))
    assert ack["type"] == "ack", ack
    assert ack["message"]["body"] == ""
    files = ack["message"]["attachments"]
    assert [(f["id"], f["kind"]) for f in files] == [(picture, "image"), (document, "file")]
    assert files[0]["thumbnail_url"] == f"/api/chat/attachments/{picture}/thumbnail"
    assert files[1]["name"] == "通知.pdf"
    event = await zhao.receive_type("message.new")
    assert event["message"]["attachments"] == files

    again = await wang.request(dict(frame))
    assert again["duplicate"] is True
    assert again["message"]["id"] == ack["message"]["id"]
    assert again["message"]["attachments"] == files
    assert await sync_to_async(Message.objects.count)() == 1
    for socket in (wang, zhao):
        await socket.close()


async def test_refused_attachments_are_error_frames_and_post_nothing(
    neighbours: World, estate_chat: int, private_root: Path
) -> None:
    theirs = await sync_to_async(attachment_upload)(
        uploader=neighbours.zhao_lei,
        conversation_id=estate_chat,
        upload=SimpleUploadedFile("z.pdf", PDF),
    )
    wang = await ready(neighbours.wang_fang)
    base = {"op": "send", "conversation": estate_chat, "body": "看"}
    cases: tuple[tuple[dict[str, Any], str], ...] = (
        ({"attachments": "1"}, "bad_field"),
        ({"attachments": [theirs.pk]}, "bad_attachment"),
        ({"attachments": [], "body": ""}, "empty"),
    )
    for n, (extra, code) in enumerate(cases):
        reply = await wang.request({**base, "client_id": f"bad-{n}", **extra})
        assert (reply["type"], reply["code"]) == ("error", code)
    assert await sync_to_async(Message.objects.count)() == 0
    assert await sync_to_async(Attachment.objects.filter(message__isnull=True).count)() == 1
    await wang.close()
