"""Photos and PDFs for chat messages: uploaded into a conversation (checked and cleaned by
the pipelines the boards use too, ``communities.uploads``), put on one message of their
uploader's when it is sent, pruned when never sent."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Case, PositiveSmallIntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from communities import throttle
from communities.errors import Invalid
from communities.models import User
from communities.uploads import images, pdf

from ..models import Attachment, Message
from .posting import postable


def attachment_upload(*, uploader: User, conversation_id: int, upload: UploadedFile) -> Attachment:
    """A checked photo (re-encoded, without metadata, with a thumbnail) or PDF, waiting in
    the conversation for a message of its uploader's. Who may not post there is refused
    before the file is read, and nothing is stored for a refused upload."""
    conversation = postable(uploader, conversation_id)
    throttle.hit("chat-upload", str(uploader.pk), settings.CHAT_UPLOAD_RATE)
    stem = uuid.uuid4().hex
    attachment = Attachment(conversation=conversation, uploader=uploader)
    files: list[tuple[str, str, Any]] = []
    if pdf.is_pdf(upload):
        pdf.check_pdf(upload, max_bytes=settings.CHAT_FILE_MAX_BYTES)
        attachment.kind = Attachment.Kind.FILE
        attachment.name = (upload.name or "document.pdf")[:200]
        attachment.size = upload.size or 0
        files.append(("file", f"{stem}.pdf", upload))
    else:
        picture = images.process(
            upload,
            max_bytes=settings.CHAT_IMAGE_MAX_BYTES,
            max_pixels=settings.CHAT_IMAGE_MAX_PIXELS,
        )
        attachment.kind = Attachment.Kind.IMAGE
        attachment.width, attachment.height = picture.width, picture.height
        attachment.size = picture.full.size
        files.append(("file", f"{stem}.{picture.extension}", picture.full))
        files.append(("thumbnail", f"{stem}.{picture.extension}", picture.thumbnail))
    try:
        for field, name, content in files:
            getattr(attachment, field).save(name, content, save=False)
        attachment.save()
    except BaseException:
        _delete_files([attachment])
        raise
    return attachment


def attachment_ids(ids: object) -> list[int]:
    """The ids a ``send`` names, in order and once each; at most ``CHAT_ATTACHMENTS_MAX``."""
    if ids is None:
        return []
    if not isinstance(ids, list) or not all(
        isinstance(pk, int) and not isinstance(pk, bool) for pk in ids
    ):
        raise Invalid(_("Attachments must be a list of upload ids."), code="bad_attachment")
    ids = list(dict.fromkeys(ids))
    limit = settings.CHAT_ATTACHMENTS_MAX
    if len(ids) > limit:
        raise Invalid(
            _("A message may carry at most %(n)d photos and files.") % {"n": limit},
            code="too_many_attachments",
        )
    return ids


def attachments_attach(message: Message, ids: list[int]) -> None:
    """Put the uploads on the new ``message``, in the order given — only its author's own,
    uploaded into its conversation and not yet sent. Inside the message's transaction: any
    other id refuses the whole message."""
    if not ids:
        return
    taken = Attachment.objects.filter(
        pk__in=ids,
        message__isnull=True,
        uploader_id=message.author_id,
        conversation_id=message.conversation_id,
    ).update(
        message=message,
        position=Case(
            *(When(pk=pk, then=Value(position)) for position, pk in enumerate(ids)),
            output_field=PositiveSmallIntegerField(),
        ),
    )
    if taken != len(ids):
        raise Invalid(
            _("Only your own photos and files uploaded here, not yet sent, can be attached."),
            code="bad_attachment",
        )


def attachments_prune(*, older_than: timedelta) -> int:
    """Delete photos and files uploaded but never sent (a composer left) more than
    ``older_than`` ago, and their files once that has committed; returns how many went."""
    cutoff = timezone.now() - older_than
    with transaction.atomic():
        left = list(Attachment.objects.filter(message__isnull=True, created_at__lt=cutoff))
        Attachment.objects.filter(pk__in=[item.pk for item in left]).delete()
        transaction.on_commit(lambda: _delete_files(left), robust=True)
    return len(left)


def _delete_files(attachments: list[Attachment]) -> None:
    for attachment in attachments:
        for stored in (attachment.file, attachment.thumbnail):
            if stored.name:
                stored.storage.delete(stored.name)
