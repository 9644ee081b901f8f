"""Uploaded pictures: checked by content, decoded safely, stored without metadata.

The one pipeline for every picture people upload (the boards' posts, chat's photos); each
caller gives its own limits. An upload is accepted when its bytes are a JPEG, PNG, WebP or
GIF (the name and the declared type are ignored), it is at most ``max_bytes`` and declares
at most ``max_pixels``. The pixel count is read from the header and checked before
anything is decoded, so a small file declaring enormous dimensions (a decompression bomb)
costs nothing. The picture is turned upright by its EXIF orientation and encoded afresh,
so nothing of the original file is kept: no EXIF (GPS position, camera serial), no XMP, no
comments. GIFs and animated WebPs keep their first frame.
"""

from __future__ import annotations

import io
import uuid
import warnings
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError, features

from communities.errors import Invalid

FULL_SIZE = 1600  # longest side of the stored picture, in pixels
THUMBNAIL_SIZE = 400
FORMATS = ["JPEG", "PNG", "WEBP", "GIF"]
# Phones write multi-picture JPEGs; Pillow reports them as MPO.
ACCEPTED = frozenset({*FORMATS, "MPO"})

ImageFile.LOAD_TRUNCATED_IMAGES = False
WEBP = features.check("webp")


@dataclass(frozen=True)
class ProcessedImage:
    full: ContentFile[bytes]
    thumbnail: ContentFile[bytes]
    width: int
    height: int
    extension: str


def _refuse(message: str) -> Invalid:
    return Invalid(message, errors={"file": message})


def _read(upload: UploadedFile, limit: int) -> bytes:
    """The upload's bytes, refused as soon as they exceed ``limit``."""
    too_big = _refuse(
        _("The picture is too large: at most %(size)s.") % {"size": filesizeformat(limit)}
    )
    if upload.size is not None and upload.size > limit:
        raise too_big
    upload.seek(0)
    buffer = io.BytesIO()
    for chunk in upload.chunks():
        buffer.write(chunk)
        if buffer.tell() > limit:
            raise too_big
    if not buffer.tell():
        raise _refuse(_("The file is empty."))
    return buffer.getvalue()


def _open(data: bytes, max_pixels: int) -> Image.Image:
    """Identify the picture by its content and check its size, decoding nothing yet."""
    too_many = _refuse(
        _("The picture has too many pixels: at most %(n)s million.")
        % {"n": f"{max_pixels / 1_000_000:g}"}
    )
    try:
        image = Image.open(io.BytesIO(data), formats=FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _refuse(_("The file is not a JPEG, PNG, WebP or GIF picture.")) from None
    if image.format not in ACCEPTED:
        raise _refuse(_("The file is not a JPEG, PNG, WebP or GIF picture."))
    width, height = image.size
    if width < 1 or height < 1:
        raise _refuse(_("The picture is damaged or incomplete."))
    if width * height > max_pixels:
        raise too_many
    return image


def _decode(image: Image.Image) -> Image.Image:
    """Decode the first frame, upright, in sRGB, as RGB or (with transparency) RGBA."""
    try:
        if image.format in ("JPEG", "MPO"):
            # Decode big JPEGs at a reduced scale straight away (still ≥ FULL_SIZE).
            image.draft(None, (FULL_SIZE, FULL_SIZE))
        image.load()
        icc_profile = image.info.get("icc_profile")
        upright = ImageOps.exif_transpose(image) or image
        if upright.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
            upright.mode == "P" and "transparency" in upright.info
        ):
            target = "RGBA"
        else:
            target = "RGB"
        if upright.mode in ("I;16", "I;16B", "I;16L", "I"):
            # 16-bit greyscale: scale down instead of clipping everything to white.
            upright = upright.convert("I").point(lambda value: value / 256).convert("L")
        if icc_profile and upright.mode in ("RGB", "RGBA", "CMYK"):
            upright = _to_srgb(upright, icc_profile, target)
        return upright.convert(target)
    except Image.DecompressionBombError:
        raise _refuse(_("The picture has too many pixels.")) from None
    except (OSError, SyntaxError, ValueError, EOFError, KeyError, IndexError, TypeError):
        raise _refuse(_("The picture is damaged or incomplete.")) from None


def _to_srgb(image: Image.Image, icc_profile: bytes, mode: str) -> Image.Image:
    """Colours as the camera meant them (wide-gamut phone photos) once the profile is gone."""
    try:
        from PIL import ImageCms

        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        converted = ImageCms.profileToProfile(
            image, source, ImageCms.createProfile("sRGB"), outputMode=mode
        )
    except Exception:  # a broken or unusual profile: keep the pixels as they are
        return image
    return converted if converted is not None else image


def _stripped(image: Image.Image) -> Image.Image:
    """The same pixels in a new image: no EXIF, XMP, ICC profile, comments or palette info."""
    fresh = Image.new(image.mode, image.size)
    fresh.paste(image)
    return fresh


def _encode(image: Image.Image, extension: str, quality: int) -> bytes:
    out = io.BytesIO()
    if extension == "webp":
        image.save(out, "WEBP", quality=quality, method=4)
    elif extension == "png":
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue()


def process(upload: UploadedFile, *, max_bytes: int, max_pixels: int) -> ProcessedImage:
    """Check ``upload`` and produce the stored picture and its thumbnail.

    Raises ``Invalid`` (``errors["file"]``) for anything that is not an acceptable picture.
    """
    # Pillow's own guard as well: it warns above this many pixels, refuses twice as many.
    Image.MAX_IMAGE_PIXELS = max_pixels
    data = _read(upload, max_bytes)
    with warnings.catch_warnings():
        # Pillow warns (a RuntimeWarning) between MAX_IMAGE_PIXELS and twice that: refuse.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = _open(data, max_pixels)
            with image:
                picture = _decode(image)
        except Image.DecompressionBombWarning:
            raise _refuse(_("The picture has too many pixels.")) from None

    picture = _stripped(picture)
    picture.thumbnail((FULL_SIZE, FULL_SIZE), Image.Resampling.LANCZOS, reducing_gap=3.0)
    thumbnail = picture.copy()
    thumbnail.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE), Image.Resampling.LANCZOS)

    if WEBP:
        extension = "webp"
    elif picture.mode == "RGBA":
        extension = "png"
    else:
        extension = "jpg"
    name = uuid.uuid4().hex
    return ProcessedImage(
        full=ContentFile(_encode(picture, extension, 82), name=f"{name}.{extension}"),
        thumbnail=ContentFile(_encode(thumbnail, extension, 75), name=f"{name}-t.{extension}"),
        width=picture.width,
        height=picture.height,
        extension=extension,
    )
