"""Photos of a problem (or of what was done): uploaded first through the boards' image
pipeline (``communities.uploads.images``: checked by content, re-encoded without
metadata, with a thumbnail) into private storage; put on a case or an entry of their
uploader's when it is written."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Case as When_
from django.db.models import PositiveSmallIntegerField, Value, When
from django.utils.translation import gettext as _

from communities.errors import Invalid, NotAuthenticated
from communities.models import User
from communities.uploads import images

from ..models import Case, Entry, Photo

# Up to nine photos on a case (and on one entry).
PHOTOS_MAX = 9


def photo_upload(*, uploader: User, upload: UploadedFile) -> Photo:
    """A checked picture waiting for a case or an entry of its uploader's; ``Invalid``
    (``errors["file"]``) for anything that is not a picture, and nothing stored."""
    if not uploader.is_authenticated:
        raise NotAuthenticated()
    if upload is None:
        message = _("Choose a picture.")
        raise Invalid(message, errors={"file": message})
    picture = images.process(
        upload,
        max_bytes=settings.BOARD_IMAGE_MAX_BYTES,
        max_pixels=settings.BOARD_IMAGE_MAX_PIXELS,
    )
    stem = uuid.uuid4().hex
    photo = Photo(uploader=uploader, width=picture.width, height=picture.height)
    try:
        photo.image.save(f"{stem}.{picture.extension}", picture.full, save=False)
        photo.thumbnail.save(f"{stem}.{picture.extension}", picture.thumbnail, save=False)
        photo.save()
    except BaseException:
        for stored in (photo.image, photo.thumbnail):
            if stored.name:
                stored.storage.delete(stored.name)
        raise
    return photo


def photo_ids_clean(ids: object) -> list[int]:
    """The ids given, once each and in order, at most ``PHOTOS_MAX``."""
    if ids is None:
        return []
    if not isinstance(ids, list | tuple) or not all(
        isinstance(pk, int) and not isinstance(pk, bool) for pk in ids
    ):
        message = _("Photos must be a list of upload ids.")
        raise Invalid(message, code="bad_photo", errors={"photo_ids": message})
    unique = list(dict.fromkeys(ids))
    if len(unique) > PHOTOS_MAX:
        message = _("At most %(n)d photos.") % {"n": PHOTOS_MAX}
        raise Invalid(message, code="too_many_photos", errors={"photo_ids": message})
    return unique


def photos_attach(
    uploader: User, ids: Sequence[int], *, case: Case, entry: Entry | None = None
) -> None:
    """Put the uploader's unused photos on the case (or one of its entries), in the order
    given; any other id refuses the whole write (call inside its transaction)."""
    if not ids:
        return
    if (
        entry is None
        and Photo.objects.filter(case=case, entry__isnull=True).count() + len(ids) > PHOTOS_MAX
    ):
        message = _("At most %(n)d photos.") % {"n": PHOTOS_MAX}
        raise Invalid(message, code="too_many_photos", errors={"photo_ids": message})
    changes: dict[str, Any] = {
        "case": case,
        "entry": entry,
        "position": When_(
            *(When(pk=pk, then=Value(position)) for position, pk in enumerate(ids)),
            output_field=PositiveSmallIntegerField(),
        ),
    }
    taken = Photo.objects.filter(pk__in=ids, case__isnull=True, uploader=uploader).update(**changes)
    if taken != len(ids):
        message = _("Only your own photos, not yet used, can be attached.")
        raise Invalid(message, code="bad_photo", errors={"photo_ids": message})
