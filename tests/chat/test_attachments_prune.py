"""Uploads never sent are pruned after a day, files and all (prune_chat_uploads)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from chat import tasks
from chat.models import Attachment
from chat.services import attachment_upload, attachments_prune, message_post
from tests.chat.attachments import PDF, photo, stored_files
from tests.conftest import World

pytestmark = pytest.mark.django_db


def uploaded(world: World, conversation: int, data: bytes, name: str = "photo.jpg") -> Attachment:
    return attachment_upload(
        uploader=world.wang_fang,
        conversation_id=conversation,
        upload=SimpleUploadedFile(name, data),
    )


def test_uploads_never_sent_are_pruned_after_a_day_with_their_files(
    neighbours: World, estate_chat: int, private_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    old = uploaded(neighbours, estate_chat, photo())
    fresh = uploaded(neighbours, estate_chat, PDF, "fresh.pdf")
    sent = uploaded(neighbours, estate_chat, PDF, "sent.pdf")
    message_post(
        author=neighbours.wang_fang,
        conversation_id=estate_chat,
        body="",
        client_id="s",
        attachments=[sent.pk],
    )
    a_day_ago = timezone.now() - timedelta(hours=25)
    Attachment.objects.filter(pk__in=[old.pk, sent.pk]).update(created_at=a_day_ago)
    old_files = [private_root / old.file.name, private_root / old.thumbnail.name]

    with django_capture_on_commit_callbacks(execute=True):
        assert attachments_prune(older_than=timedelta(hours=24)) == 1

    assert set(Attachment.objects.values_list("pk", flat=True)) == {fresh.pk, sent.pk}
    assert not any(path.exists() for path in old_files)
    assert len(stored_files(private_root)) == 2
    out = io.StringIO()
    call_command("prune_chat_uploads", "--hours", "0", stdout=out)
    assert out.getvalue().strip() == "1 unsent uploads deleted."  # the fresh one


def test_the_task_worker_prunes_them_every_night(
    neighbours: World,
    estate_chat: int,
    private_root: Path,
    django_capture_on_commit_callbacks: Any,
    worker: Callable[[], None],
) -> None:
    old = uploaded(neighbours, estate_chat, photo())
    fresh = uploaded(neighbours, estate_chat, PDF, "notice.pdf")
    Attachment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    tasks.prune_uploads.enqueue()
    with django_capture_on_commit_callbacks(execute=True):
        worker()
    assert list(Attachment.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not (private_root / old.file.name).exists()
