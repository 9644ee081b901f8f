"""Helpers for the tests of chat's photos and files: pictures and PDFs, uploads through
the real endpoint, and what is stored (the ``private_root`` fixture is in conftest)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from chat.models import Attachment

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
GPS_IFD = 0x8825


def photo(size: tuple[int, int] = (800, 600), *, gps: bool = False) -> bytes:
    """A JPEG; with ``gps``, carrying a position and a camera maker in its EXIF."""
    exif = Image.Exif()
    if gps:
        exif[0x010F] = "Camera maker"
        position = exif.get_ifd(GPS_IFD)
        position[1], position[2] = "N", (31.0, 24.0, 0.0)
        position[3], position[4] = "E", (121.0, 29.0, 0.0)
    out = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def upload(client: Client, conversation: int, data: bytes, name: str = "photo.jpg") -> Any:
    """POST the file as a browser's form would (multipart ``file``)."""
    return client.post(
        f"/api/chat/conversations/{conversation}/attachments",
        {"file": SimpleUploadedFile(name, data)},
    )


def stored_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def nothing_written(root: Path) -> bool:
    return not Attachment.objects.exists() and not stored_files(root)
