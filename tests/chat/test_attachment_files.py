"""Fetching chat's photos and PDFs: only through the checking view, only by those who may
read the message — every refusal tested — and handed to nginx by X-Accel-Redirect when it
is in front; never at a /media/ address."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from chat.models import Attachment, Message
from chat.moderation import message_hide, message_remove, message_restore
from chat.services import attachment_upload, message_post
from tests.chat.attachments import PDF, photo
from tests.conftest import World, client_for

pytestmark = pytest.mark.django_db


def sent(world: World, conversation: int, data: bytes, name: str) -> tuple[Attachment, Message]:
    """wang_fang sends one file in the conversation."""
    attachment = attachment_upload(
        uploader=world.wang_fang,
        conversation_id=conversation,
        upload=SimpleUploadedFile(name, data),
    )
    message, _ = message_post(
        author=world.wang_fang,
        conversation_id=conversation,
        body="",
        client_id=f"send-{attachment.pk}",
        attachments=[attachment.pk],
    )
    attachment.refresh_from_db()
    return attachment, message


@pytest.fixture
def picture(neighbours: World, estate_chat: int, private_root: Path) -> Attachment:
    return sent(neighbours, estate_chat, photo(), "photo.jpg")[0]


@pytest.fixture
def document(neighbours: World, estate_chat: int, private_root: Path) -> Attachment:
    return sent(neighbours, estate_chat, PDF, "停水通知.pdf")[0]


def fetch(user: Any, path: str) -> Any:
    client = client_for(user) if user is not None else Client()
    return client.get(path)


def body_of(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_a_neighbour_fetches_the_photo_and_its_thumbnail(
    neighbours: World, picture: Attachment, private_root: Path
) -> None:
    full = fetch(neighbours.zhao_lei, f"/api/chat/attachments/{picture.pk}")
    assert full.status_code == 200
    assert full["Content-Type"] == "image/webp"
    assert full["X-Content-Type-Options"] == "nosniff"
    assert full["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert full["Cache-Control"].startswith("private")
    assert "attachment" not in full.get("Content-Disposition", "")
    full_bytes = body_of(full)
    assert full_bytes == (private_root / picture.file.name).read_bytes()

    thumb = fetch(neighbours.zhao_lei, f"/api/chat/attachments/{picture.pk}/thumbnail")
    assert thumb.status_code == 200
    thumb_bytes = body_of(thumb)
    assert thumb_bytes == (private_root / picture.thumbnail.name).read_bytes()
    assert 0 < len(thumb_bytes) < len(full_bytes)


def test_a_pdf_is_a_download_under_its_name_and_has_no_thumbnail(
    neighbours: World, document: Attachment
) -> None:
    response = fetch(neighbours.zhao_lei, f"/api/chat/attachments/{document.pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    name = quote("停水通知.pdf")
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{name}"
    assert body_of(response) == PDF
    thumbnail = fetch(neighbours.zhao_lei, f"/api/chat/attachments/{document.pk}/thumbnail")
    assert thumbnail.status_code == 404


def test_another_estate_another_community_and_a_logged_out_browser_are_refused(
    neighbours: World, picture: Attachment, document: Attachment
) -> None:
    for pk in (picture.pk, document.pk):
        for path in (f"/api/chat/attachments/{pk}", f"/api/chat/attachments/{pk}/thumbnail"):
            assert fetch(None, path).status_code == 401
            assert fetch(neighbours.sun_li, path).status_code == 404  # 美罗二期
            assert fetch(neighbours.chen_jie, path).status_code == 404  # 共康
    refused = fetch(neighbours.chen_jie, f"/api/chat/attachments/{picture.pk}")
    missing = fetch(neighbours.chen_jie, "/api/chat/attachments/999999")
    assert refused.json() == missing.json()  # refused and missing look alike
    # The committee moderates the estate group; a supervisor above it reads it.
    assert fetch(neighbours.li_wei, f"/api/chat/attachments/{picture.pk}").status_code == 200
    assert fetch(neighbours.liu_yang, f"/api/chat/attachments/{picture.pk}").status_code == 200


def test_an_upload_not_yet_sent_is_its_uploaders_alone(
    neighbours: World, estate_chat: int, private_root: Path
) -> None:
    waiting = attachment_upload(
        uploader=neighbours.wang_fang,
        conversation_id=estate_chat,
        upload=SimpleUploadedFile("photo.jpg", photo()),
    )
    path = f"/api/chat/attachments/{waiting.pk}/thumbnail"
    assert fetch(neighbours.wang_fang, path).status_code == 200  # the composer's preview
    assert fetch(neighbours.zhao_lei, path).status_code == 404
    assert fetch(neighbours.li_wei, path).status_code == 404


def test_a_hidden_or_removed_messages_files_reach_only_moderators(
    neighbours: World, picture: Attachment
) -> None:
    path = f"/api/chat/attachments/{picture.pk}"
    assert picture.message_id is not None
    for verdict in (message_hide, message_remove):
        verdict(actor=neighbours.li_wei, message_id=picture.message_id, reason="广告")
        assert fetch(neighbours.zhao_lei, path).status_code == 404
        assert fetch(neighbours.wang_fang, path).status_code == 404  # its author too
        assert fetch(neighbours.li_wei, path).status_code == 200
        message_restore(actor=neighbours.li_wei, message_id=picture.message_id)
        assert fetch(neighbours.zhao_lei, path).status_code == 200


def test_a_deleted_messages_files_are_served_to_nobody(
    neighbours: World, picture: Attachment
) -> None:
    Message.objects.filter(attachments=picture).update(deleted_at=timezone.now())
    for user in (neighbours.wang_fang, neighbours.zhao_lei, neighbours.li_wei):
        assert fetch(user, f"/api/chat/attachments/{picture.pk}").status_code == 404


def test_a_member_who_left_the_estate_is_refused(neighbours: World, picture: Attachment) -> None:
    from communities.models import Membership

    Membership.objects.filter(user=neighbours.zhao_lei).update(status=Membership.Status.REVOKED)
    assert fetch(neighbours.zhao_lei, f"/api/chat/attachments/{picture.pk}").status_code == 404


def test_a_file_gone_from_disk_is_not_found(
    neighbours: World, picture: Attachment, private_root: Path
) -> None:
    (private_root / picture.file.name).unlink()
    assert fetch(neighbours.zhao_lei, f"/api/chat/attachments/{picture.pk}").status_code == 404


def test_behind_nginx_the_view_checks_and_nginx_sends_the_file(
    neighbours: World, picture: Attachment, document: Attachment, settings: Any
) -> None:
    settings.PRIVATE_MEDIA_ACCEL = "/_private/"
    response = fetch(neighbours.zhao_lei, f"/api/chat/attachments/{picture.pk}")
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/_private/{picture.file.name}"
    assert response["Content-Type"] == "image/webp"
    assert response.content == b""
    download = fetch(neighbours.zhao_lei, f"/api/chat/attachments/{document.pk}")
    assert download["X-Accel-Redirect"] == f"/_private/{document.file.name}"
    assert download["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    refused = fetch(neighbours.chen_jie, f"/api/chat/attachments/{picture.pk}")
    assert refused.status_code == 404
    assert "X-Accel-Redirect" not in refused


def test_no_media_address_reaches_a_chat_file(
    neighbours: World, picture: Attachment, private_root: Path
) -> None:
    assert not Path(django_settings.MEDIA_ROOT, picture.file.name).exists()
    for name in (picture.file.name, f"../private/{picture.file.name}"):
        assert fetch(neighbours.zhao_lei, f"/media/{name}").status_code == 404
    with pytest.raises(ValueError, match="no public address"):
        picture.file.url  # noqa: B018


def test_nginx_sends_private_files_only_after_the_view_and_compose_mounts_them() -> None:
    import yaml

    base = Path(django_settings.BASE_DIR)
    nginx = (base / "deploy" / "nginx.conf").read_text()
    block = nginx[nginx.index("location /_private/") :]
    block = block[: block.index("\n    }\n")]
    assert "internal;" in block  # never reachable by its address
    assert "alias /srv/private/;" in block
    assert "add_header X-Content-Type-Options nosniff always;" in block
    compose = yaml.safe_load((base / "docker-compose.yml").read_text())
    services = compose["services"]
    assert "private" in compose["volumes"]
    for name in ("web1", "web2", "migrate"):
        assert "private:/srv/private" in services[name]["volumes"], name
        assert services[name]["environment"]["PRIVATE_MEDIA_ROOT"] == "/srv/private"
        assert services[name]["environment"]["PRIVATE_MEDIA_ACCEL"] == "/_private/"
    assert "private:/srv/private:ro" in services["nginx"]["volumes"]
    body_limit = re.search(r"client_max_body_size (\d+)m;", nginx)
    assert body_limit is not None
    limit = int(body_limit.group(1)) * 1024 * 1024
    assert limit > max(django_settings.CHAT_FILE_MAX_BYTES, django_settings.CHAT_IMAGE_MAX_BYTES)
