"""Pictures and files uploaded for a post: checked and cleaned when they arrive, pruned
when their composer was abandoned."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities import throttle
from communities.errors import Forbidden
from communities.models import User
from communities.rules.reach import Reach

from .. import attachments, images
from ..models import (
    PostAttachment,
    PostImage,
)
from ..writes import IMAGE_FILES, _forget


def _may_upload(user: User) -> None:
    reach = Reach.of(user)
    if not (reach.lived or reach.roles or reach.away):
        raise Forbidden(_("Only members may upload."))
    throttle.hit("board-upload", str(user.pk), settings.BOARD_UPLOAD_RATE)


def image_upload(*, uploader: User, upload: UploadedFile) -> PostImage:
    """A checked, cleaned picture, waiting to be put on a post by its uploader."""
    _may_upload(uploader)
    processed = images.process(upload)
    stem = uuid.uuid4().hex
    image = PostImage(uploader=uploader, width=processed.width, height=processed.height)
    image.image.save(f"{stem}.{processed.extension}", processed.full, save=False)
    image.thumbnail.save(f"{stem}.{processed.extension}", processed.thumbnail, save=False)
    image.save()
    return image


def attachment_upload(*, uploader: User, upload: UploadedFile) -> PostAttachment:
    """A checked PDF, waiting to be put on a service guide by its uploader."""
    _may_upload(uploader)
    attachments.check_pdf(upload)
    size = upload.size or 0
    name = (upload.name or "document.pdf")[:200]
    attachment = PostAttachment(uploader=uploader, name=name, size=size)
    attachment.file.save(f"{uuid.uuid4().hex}.pdf", upload, save=False)
    attachment.save()
    return attachment


def uploads_prune(*, older_than: timedelta) -> int:
    """Delete pictures and files uploaded but never put on a post (an abandoned composer)
    more than ``older_than`` ago; returns how many went."""
    cutoff = timezone.now() - older_than
    with transaction.atomic():
        images_left = list(PostImage.objects.filter(post__isnull=True, created_at__lt=cutoff))
        files_left = list(PostAttachment.objects.filter(post__isnull=True, created_at__lt=cutoff))
        _forget(images_left, IMAGE_FILES)
        _forget(files_left, ("file",))
    return len(images_left) + len(files_left)
