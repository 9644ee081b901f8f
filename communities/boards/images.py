"""Board pictures: the shared pipeline (``communities.uploads.images``) with the boards'
limits, ``BOARD_IMAGE_MAX_BYTES`` and ``BOARD_IMAGE_MAX_PIXELS``."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from PIL import Image

from communities.uploads import images
from communities.uploads.images import FULL_SIZE, THUMBNAIL_SIZE, ProcessedImage

__all__ = ["FULL_SIZE", "THUMBNAIL_SIZE", "ProcessedImage", "process"]

# Pillow's own guard, in case anything opens an image without going through ``process``:
# it warns above this many pixels and refuses twice as many.
Image.MAX_IMAGE_PIXELS = settings.BOARD_IMAGE_MAX_PIXELS


def process(upload: UploadedFile) -> ProcessedImage:
    """The checked, cleaned picture and its thumbnail; ``Invalid`` (``errors["file"]``)
    for anything else."""
    return images.process(
        upload,
        max_bytes=settings.BOARD_IMAGE_MAX_BYTES,
        max_pixels=settings.BOARD_IMAGE_MAX_PIXELS,
    )
