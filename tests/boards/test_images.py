"""Board pictures: identified by content, bombs and damaged files refused, metadata gone."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from communities.boards.images import FULL_SIZE, THUMBNAIL_SIZE, ProcessedImage, process
from communities.errors import Invalid

GPS_IFD = 0x8825
ORIENTATION = 0x0112


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are checked in English (the services speak the active language)."""
    with translation.override("en"):
        yield


def picture(
    size: tuple[int, int] = (64, 48),
    fmt: str = "JPEG",
    mode: str = "RGB",
    colour: Any = (200, 30, 30),
    **save: Any,
) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, colour).save(out, fmt, **save)
    return out.getvalue()


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg") -> Any:
    return SimpleUploadedFile(name, data, content_type=content_type)


def refused(data: bytes, name: str = "photo.jpg") -> str:
    with pytest.raises(Invalid) as caught:
        process(upload(data, name))
    assert caught.value.code == "invalid"
    assert set(caught.value.errors) == {"file"}
    assert caught.value.errors["file"] == caught.value.message
    return caught.value.message


def opened(content: bytes | ContentFile[bytes]) -> Image.Image:
    if isinstance(content, ContentFile):
        content.seek(0)
        content = bytes(content.read())
    image = Image.open(io.BytesIO(content))
    image.load()
    return image


def png_declaring(width: int, height: int) -> bytes:
    """A tiny, valid PNG whose header claims ``width`` × ``height`` pixels."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def test_a_jpeg_is_stored_as_webp_with_a_thumbnail() -> None:
    result = process(upload(picture((3200, 2400))))
    assert isinstance(result, ProcessedImage)
    assert result.extension == "webp"
    assert (result.width, result.height) == (FULL_SIZE, 1200)
    full, thumb = opened(result.full.read()), opened(result.thumbnail.read())
    assert full.format == thumb.format == "WEBP"
    assert full.size == (FULL_SIZE, 1200)
    assert thumb.size == (THUMBNAIL_SIZE, 300)
    assert str(result.full.name).endswith(".webp")
    assert str(result.thumbnail.name).endswith(".webp")
    assert result.full.name != process(upload(picture((3200, 2400)))).full.name  # random


def test_small_pictures_are_not_enlarged_and_portraits_fit_the_long_side() -> None:
    small = process(upload(picture((120, 80), "PNG"), "a.png"))
    assert (small.width, small.height) == (120, 80)
    assert opened(small.thumbnail.read()).size == (120, 80)
    tall = process(upload(picture((1000, 5000))))
    assert (tall.width, tall.height) == (320, FULL_SIZE)
    assert opened(tall.thumbnail.read()).size == (80, THUMBNAIL_SIZE)


def test_gps_and_all_exif_are_gone_and_the_orientation_is_applied() -> None:
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # stored sideways: turn 90° clockwise to show
    exif[0x010F] = "Camera maker"
    exif[0x0131] = "Editing software"
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2] = "N", (31.0, 24.0, 0.0)
    gps[3], gps[4] = "E", (121.0, 29.0, 0.0)
    base = Image.new("RGB", (400, 200), (255, 0, 0))
    base.paste((0, 0, 255), (0, 0, 200, 200))  # left half blue, right half red
    out = io.BytesIO()
    base.save(out, "JPEG", exif=exif.tobytes(), quality=95, comment=b"home address")
    original = opened(out.getvalue())
    assert original.getexif().get_ifd(GPS_IFD)  # the test file really carries a position

    result = process(upload(out.getvalue()))

    for content in (result.full.read(), result.thumbnail.read()):
        image = opened(content)
        assert not image.getexif(), dict(image.getexif())
        assert "exif" not in image.info
        assert "xmp" not in image.info
        assert "icc_profile" not in image.info
        assert "comment" not in image.info
        assert b"Exif" not in content
        assert b"home address" not in content
    upright = opened(result.full).convert("RGB")
    assert upright.size == (200, 400)  # turned upright
    assert (result.width, result.height) == (200, 400)
    top, bottom = upright.getpixel((100, 20)), upright.getpixel((100, 380))
    assert isinstance(top, tuple)
    assert isinstance(bottom, tuple)
    assert top[2] > 200
    assert top[0] < 60
    assert bottom[0] > 200
    assert bottom[2] < 60


def test_transparency_survives() -> None:
    result = process(upload(picture((50, 50), "PNG", "RGBA", (0, 128, 0, 0)), "t.png"))
    image = opened(result.full.read())
    assert image.mode == "RGBA"
    pixel = image.getpixel((25, 25))
    assert isinstance(pixel, tuple)
    assert pixel[3] == 0


def test_webp_and_the_first_frame_of_a_gif_are_accepted() -> None:
    assert process(upload(picture((30, 20), "WEBP"), "a.webp")).width == 30
    frames = [Image.new("P", (40, 30), index) for index in (1, 2, 3)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    result = process(upload(out.getvalue(), "moving.gif"))
    assert (result.width, result.height) == (40, 30)
    assert getattr(opened(result.full.read()), "n_frames", 1) == 1


def test_the_format_is_read_from_the_content_not_the_name() -> None:
    # A PNG named .jpg is a fine picture; a text file named .jpg is not.
    assert process(upload(picture((10, 10), "PNG"), "really-a-png.jpg")).width == 10
    message = refused(b"hello, this is not a picture\n" * 10, "holiday.jpg")
    assert "JPEG, PNG, WebP or GIF" in message


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (picture((10, 10), "BMP"), "a.jpg"),
        (picture((10, 10), "TIFF"), "a.png"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "a.png"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a.jpg"),
    ],
)
def test_other_formats_are_refused(data: bytes, name: str) -> None:
    assert "JPEG, PNG, WebP or GIF" in refused(data, name)


def test_an_oversized_file_is_refused_before_it_is_read(settings: Any) -> None:
    settings.BOARD_IMAGE_MAX_BYTES = 1000
    data = picture((300, 300), "PNG", colour=None)  # noise would be bigger; this is > 1000
    data += b"\x00" * 1000
    assert "too large" in refused(data)
    assert process(upload(picture((8, 8)))).width == 8  # under the limit still fine


def test_the_default_size_limit_is_eight_megabytes() -> None:
    data = picture((16, 16)) + b"\x00" * (8 * 1024 * 1024)
    assert "8.0\xa0MB" in refused(data)


def test_an_image_bomb_is_refused_without_decoding() -> None:
    bomb = png_declaring(100_000, 100_000)  # 10 gigapixels in 100 bytes
    assert len(bomb) < 200
    assert "too many pixels" in refused(bomb, "bomb.png")


def test_pictures_just_over_the_pixel_limit_are_refused(settings: Any) -> None:
    # 41 megapixels: over BOARD_IMAGE_MAX_PIXELS and over Pillow's warning threshold, not its
    # error threshold; the warning must not slip through (or fail as a RuntimeWarning).
    assert "too many pixels" in refused(png_declaring(8000, 5125), "big.png")
    settings.BOARD_IMAGE_MAX_PIXELS = 10_000
    assert "too many pixels" in refused(picture((101, 100)))
    assert process(upload(picture((100, 100)))).width == 100


def test_truncated_and_corrupt_files_are_refused() -> None:
    jpeg = picture((400, 300), quality=95)
    assert "damaged or incomplete" in refused(jpeg[: len(jpeg) // 2])
    png = picture((400, 300), "PNG", colour=None)
    assert "damaged or incomplete" in refused(png[: len(png) - 40], "a.png")
    corrupt = bytearray(picture((64, 64), "PNG"))
    corrupt[40:60] = b"\xff" * 20  # inside the compressed pixel data
    refused(bytes(corrupt), "a.png")
    refused(png_declaring(10, 10), "short.png")  # far less pixel data than declared


def test_an_empty_file_is_refused() -> None:
    assert "empty" in refused(b"")


def test_refusals_speak_the_users_language() -> None:
    with translation.override("zh-hans"):
        assert refused(b"not a picture", "a.jpg") == "这个文件不是 JPEG、PNG、WebP 或 GIF 图片。"
