"""Photos and PDFs in chat: uploaded through the boards' pipelines into a conversation,
every refusal writing nothing, sent with a message (idempotently, only one's own unsent
uploads, a limited number), in history without a query per message."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone, translation
from PIL import Image

from chat import selectors
from chat.models import Attachment, Conversation, Message
from chat.services import attachment_upload, message_post
from chat.services.attachments import attachment_ids
from chat.shapes import message_out
from communities.errors import Invalid
from communities.moderation.services import member_mute
from tests.chat.attachments import (
    GPS_IFD,
    PDF,
    nothing_written,
    photo,
    stored_files,
    upload,
)
from tests.conftest import World, client_for

pytestmark = pytest.mark.django_db


def uploaded(world: World, conversation: int, data: bytes, name: str = "photo.jpg") -> Attachment:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return attachment_upload(
        uploader=world.wang_fang,
        conversation_id=conversation,
        upload=SimpleUploadedFile(name, data),
    )


# --- Uploading -------------------------------------------------------------------------------
def test_a_photo_is_cleaned_kept_out_of_media_and_described(
    neighbours: World, estate_chat: int, private_root: Path, settings: Any
) -> None:
    response = upload(client_for(neighbours.wang_fang), estate_chat, photo((3200, 2400), gps=True))

    assert response.status_code == 201, response.json()
    shape = response.json()
    pk = shape["id"]
    assert shape == {
        "id": pk,
        "kind": "image",
        "url": f"/api/chat/attachments/{pk}",
        "thumbnail_url": f"/api/chat/attachments/{pk}/thumbnail",
        "width": 1600,
        "height": 1200,
        "name": None,
        "size": shape["size"],
    }
    attachment = Attachment.objects.get(pk=pk)
    assert (attachment.uploader, attachment.conversation_id) == (neighbours.wang_fang, estate_chat)
    assert attachment.message is None
    files = stored_files(private_root)
    assert len(files) == 2  # the picture and its thumbnail, nowhere under MEDIA_ROOT
    assert not Path(settings.MEDIA_ROOT).exists()
    assert shape["size"] == (private_root / attachment.file.name).stat().st_size
    for path in files:
        stored = Image.open(path)
        assert not stored.getexif().get_ifd(GPS_IFD)
        assert not stored.getexif()
    assert max(Image.open(private_root / attachment.thumbnail.name).size) == 400


def test_a_pdf_keeps_a_safe_name_and_its_size(
    neighbours: World, estate_chat: int, private_root: Path
) -> None:
    response = upload(client_for(neighbours.wang_fang), estate_chat, PDF, "../停水 通知?.pdf")

    assert response.status_code == 201, response.json()
    shape = response.json()
    assert (shape["kind"], shape["name"], shape["size"]) == ("file", "停水 通知.pdf", len(PDF))
    assert (shape["thumbnail_url"], shape["width"], shape["height"]) == (None, None, None)
    [stored] = stored_files(private_root)
    assert stored.read_bytes() == PDF
    assert stored.suffix == ".pdf"
    assert "停水" not in stored.name  # stored under a random name


def test_an_outsider_anonymous_or_another_estate_is_refused_and_nothing_is_written(
    neighbours: World, estate_chat: int, private_root: Path
) -> None:
    for user, status in ((None, 401), (neighbours.chen_jie, 404), (neighbours.sun_li, 404)):
        response = upload(client_for(user), estate_chat, photo())
        assert response.status_code == status, user
    assert upload(client_for(neighbours.wang_fang), 999_999, photo()).status_code == 404
    assert nothing_written(private_root)


def test_a_read_only_group_a_mute_or_a_block_refuses_uploads_and_nothing_is_written(
    neighbours: World, estate_chat: int, private_root: Path
) -> None:
    Conversation.objects.filter(pk=estate_chat).update(locked=True)
    response = upload(client_for(neighbours.wang_fang), estate_chat, photo())
    assert (response.status_code, response.json()["code"]) == (403, "locked")
    Conversation.objects.filter(pk=estate_chat).update(locked=False)

    member_mute(
        actor=neighbours.li_wei,
        conversation_id=estate_chat,
        user_id=neighbours.wang_fang.pk,
        minutes=30,
        reason="刷屏",
    )
    response = upload(client_for(neighbours.wang_fang), estate_chat, photo())
    assert (response.status_code, response.json()["code"]) == (403, "muted")
    assert nothing_written(private_root)


@pytest.mark.parametrize(
    ("data", "name", "said"),
    [
        (b"<html><script>alert(1)</script></html>", "photo.jpg", "not a JPEG, PNG, WebP or GIF"),
        (b"", "photo.jpg", "empty"),
        (b"%PDF-" + b"\x00" * 200, "big.pdf", "too large"),
        (photo((2000, 2000)), "photo.jpg", "too many pixels"),
    ],
)
def test_what_is_not_a_photo_or_a_pdf_within_the_limits_is_refused_and_not_kept(
    neighbours: World,
    estate_chat: int,
    private_root: Path,
    settings: Any,
    data: bytes,
    name: str,
    said: str,
) -> None:
    settings.CHAT_FILE_MAX_BYTES = 100
    settings.CHAT_IMAGE_MAX_PIXELS = 1_000_000
    response = upload(client_for(neighbours.wang_fang), estate_chat, data, name)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert said in body["errors"]["file"]
    assert nothing_written(private_root)


def test_uploads_are_throttled_per_person(
    neighbours: World, estate_chat: int, private_root: Path, settings: Any
) -> None:
    settings.CHAT_UPLOAD_RATE = "2/60"
    wang = client_for(neighbours.wang_fang)
    assert [upload(wang, estate_chat, PDF, "a.pdf").status_code for _ in range(3)] == [
        201,
        201,
        429,
    ]
    assert Attachment.objects.count() == 2


def test_the_boards_pipeline_still_serves_the_boards(settings: Any) -> None:
    """One pipeline, two sets of limits: the boards' bind their own settings."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from communities.boards import attachments, images

    settings.BOARD_ATTACHMENT_MAX_BYTES = len(PDF)
    settings.CHAT_FILE_MAX_BYTES = 1
    attachments.check_pdf(SimpleUploadedFile("a.pdf", PDF))
    settings.BOARD_IMAGE_MAX_PIXELS, settings.CHAT_IMAGE_MAX_PIXELS = 10_000_000, 1
    assert images.process(SimpleUploadedFile("a.jpg", photo((100, 100)))).width == 100


# --- Sending ---------------------------------------------------------------------------------
def test_a_message_carries_its_files_in_order_and_needs_no_text(
    neighbours: World, estate_chat: int, private_root: Path
) -> None:
    first, second = (
        uploaded(neighbours, estate_chat, PDF, "a.pdf"),
        uploaded(neighbours, estate_chat, photo()),
    )
    message, created = message_post(
        author=neighbours.wang_fang,
        conversation_id=estate_chat,
        body=None,
        client_id="photo-1",
        attachments=[second.pk, first.pk, second.pk],
    )
    assert created
    assert message.body == ""
    shape = message_out(message, likes=0)
    assert [a["id"] for a in shape["attachments"]] == [second.pk, first.pk]
    assert [a["kind"] for a in shape["attachments"]] == ["image", "file"]
    assert set(Attachment.objects.values_list("message", flat=True)) == {message.pk}


def test_a_retried_send_with_the_same_client_id_is_one_message_with_its_files(
    neighbours: World, estate_chat: int, private_root: Path
) -> None:
    picture = uploaded(neighbours, estate_chat, photo())
    sent: dict[str, Any] = {
        "author": neighbours.wang_fang,
        "conversation_id": estate_chat,
        "body": "楼道里的旧沙发",
        "client_id": "c-sofa",
        "attachments": [picture.pk],
    }
    first, created = message_post(**sent)
    again, created_again = message_post(**sent)
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert Message.objects.count() == 1
    assert [a["id"] for a in message_out(again)["attachments"]] == [picture.pk]


def refused_send(world: World, conversation: int, ids: object, client_id: str) -> str:
    with pytest.raises(Invalid) as caught:
        message_post(
            author=world.wang_fang,
            conversation_id=conversation,
            body="看图",
            client_id=client_id,
            attachments=ids,  # type: ignore[arg-type]
        )
    return caught.value.code


def test_only_ones_own_unsent_uploads_into_this_conversation_can_be_attached(
    neighbours: World, estate_chat: int, private_root: Path
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    zhaos = attachment_upload(
        uploader=neighbours.zhao_lei,
        conversation_id=estate_chat,
        upload=SimpleUploadedFile("z.pdf", PDF),
    )
    sent = uploaded(neighbours, estate_chat, PDF, "sent.pdf")
    message_post(
        author=neighbours.wang_fang,
        conversation_id=estate_chat,
        body="",
        client_id="first",
        attachments=[sent.pk],
    )
    knock = Conversation.objects.create(
        kind=Conversation.Kind.DIRECT, place=neighbours.meiluo, direct_key="x"
    )
    elsewhere = Attachment.objects.create(
        conversation=knock, uploader=neighbours.wang_fang, kind="file", file="chat/files/x.pdf"
    )
    mine = uploaded(neighbours, estate_chat, PDF, "mine.pdf")

    for n, ids in enumerate(
        ([zhaos.pk], [sent.pk], [elsewhere.pk], [999_999], [mine.pk, zhaos.pk])
    ):
        assert refused_send(neighbours, estate_chat, ids, f"bad-{n}") == "bad_attachment"
    for n, odd in enumerate((["1"], 5, [True])):
        assert refused_send(neighbours, estate_chat, odd, f"odd-{n}") == "bad_attachment"
    assert Message.objects.count() == 1  # nothing was posted by a refused send
    mine.refresh_from_db()
    assert mine.message is None  # and nothing was taken


def test_a_message_carries_a_limited_number_of_files(
    neighbours: World, estate_chat: int, private_root: Path, settings: Any
) -> None:
    settings.CHAT_ATTACHMENTS_MAX = 2
    ids = [uploaded(neighbours, estate_chat, PDF, f"{n}.pdf").pk for n in range(3)]
    assert refused_send(neighbours, estate_chat, ids, "three") == "too_many_attachments"
    message, _ = message_post(
        author=neighbours.wang_fang,
        conversation_id=estate_chat,
        body="",
        client_id="two",
        attachments=ids[:2],
    )
    assert message.attachments.count() == 2


def test_without_text_or_files_a_message_is_empty(neighbours: World, estate_chat: int) -> None:
    for body, attachments in (("  ", None), (None, []), ("", None)):
        with pytest.raises(Invalid) as caught:
            message_post(
                author=neighbours.wang_fang,
                conversation_id=estate_chat,
                body=body,
                client_id="empty",
                attachments=attachments,
            )
        assert caught.value.code == "empty"


def test_a_photo_only_message_keeps_its_files_when_its_text_is_edited_away(
    neighbours: World, estate_chat: int, private_root: Path
) -> None:
    from chat.services import message_edit

    picture = uploaded(neighbours, estate_chat, photo())
    message, _ = message_post(
        author=neighbours.wang_fang,
        conversation_id=estate_chat,
        body="配图",
        client_id="p",
        attachments=[picture.pk],
    )
    edited = message_edit(editor=neighbours.wang_fang, message_id=message.pk, body="")
    assert edited.body == ""
    plain, _ = message_post(
        author=neighbours.wang_fang, conversation_id=estate_chat, body="文字", client_id="t"
    )
    with pytest.raises(Invalid):
        message_edit(editor=neighbours.wang_fang, message_id=plain.pk, body="")


def test_history_brings_the_files_without_a_query_per_message(
    neighbours: World,
    estate_chat: int,
    private_root: Path,
    django_assert_num_queries: Any,
) -> None:
    conversation = Conversation.objects.get(pk=estate_chat)

    def page() -> list[dict[str, Any]]:
        found = selectors.history(conversation, before=None, limit=50)
        return [message_out(m) for m in found]

    def post(n: int) -> None:
        picture = uploaded(neighbours, estate_chat, photo((40, 30)))
        message_post(
            author=neighbours.wang_fang,
            conversation_id=estate_chat,
            body=f"第{n}张",
            client_id=f"h-{n}",
            attachments=[picture.pk],
        )

    post(0)
    with django_assert_num_queries(2):  # the page, then every message's files
        assert len(page()[0]["attachments"]) == 1
    for n in range(1, 6):
        post(n)
    with django_assert_num_queries(2):
        assert all(len(shape["attachments"]) == 1 for shape in page())


def test_a_reply_to_a_photo_only_message_is_not_shown_as_deleted(
    neighbours: World, estate_chat: int, private_root: Path
) -> None:
    picture = uploaded(neighbours, estate_chat, photo())
    original, _ = message_post(
        author=neighbours.wang_fang,
        conversation_id=estate_chat,
        body="",
        client_id="o",
        attachments=[picture.pk],
    )
    reply, _ = message_post(
        author=neighbours.zhao_lei,
        conversation_id=estate_chat,
        body="好看",
        client_id="r",
        reply_to=original.pk,
    )
    assert message_out(reply)["reply_to"]["deleted"] is False
    Message.objects.filter(pk=original.pk).update(deleted_at=timezone.now())
    reply.refresh_from_db()
    assert message_out(reply)["reply_to"]["deleted"] is True


def test_refusals_speak_chinese_by_default(
    neighbours: World, estate_chat: int, private_root: Path, settings: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.CHAT_ATTACHMENTS_MAX = 1
    response = client_for(neighbours.wang_fang).post(
        f"/api/chat/conversations/{estate_chat}/attachments",
        {"file": SimpleUploadedFile("photo.jpg", b"<html>")},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.json()["errors"]["file"] == "这个文件不是 JPEG、PNG、WebP 或 GIF 图片。"
    with translation.override("zh-hans"), pytest.raises(Invalid) as caught:
        attachment_ids([1, 2])
    assert caught.value.message == "一条消息最多附带 1 张照片或文件。"
