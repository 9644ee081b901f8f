"""Files that only a checking view hands out: stored outside MEDIA_ROOT, so no /media/
address (Django's or nginx's) ever reaches them, and sent by ``file_response`` once the
view has decided the requester may have them.

Behind nginx, ``PRIVATE_MEDIA_ACCEL`` names an ``internal`` location serving
``PRIVATE_MEDIA_ROOT`` (deploy/nginx.conf): the view then answers with
``X-Accel-Redirect`` and nginx sends the bytes, so no daphne thread streams a file.
"""

from __future__ import annotations

import os
import posixpath
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse, HttpResponseBase

from communities.errors import NotFound

# Extension → the only type a private file is sent as (what the pipelines store).
TYPES = {
    ".webp": "image/webp",
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".pdf": "application/pdf",
}


class PrivateStorage(FileSystemStorage):
    """``PRIVATE_MEDIA_ROOT``, read on every use (so settings changed in tests apply); the
    files have no public URL."""

    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("private files have no public address; a view sends them")


def file_response(
    file: FieldFile, *, download_name: str | None = None, max_age: int = 300
) -> HttpResponseBase:
    """Send a stored private file: typed by its (random, stored) name's extension, never
    sniffed or run as a page; with ``download_name`` as a download. Raises ``NotFound`` when
    the file is gone."""
    name = file.name or ""
    content_type = TYPES.get(posixpath.splitext(name)[1].lower())
    if content_type is None or not file.storage.exists(name):
        raise NotFound()
    response: HttpResponseBase
    accel = settings.PRIVATE_MEDIA_ACCEL
    if accel:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = accel.rstrip("/") + "/" + quote(name)
        if download_name is not None:
            response["Content-Disposition"] = _attachment(download_name)
    else:
        response = FileResponse(
            file.storage.open(name, "rb"),
            content_type=content_type,
            as_attachment=download_name is not None,
            filename=download_name or "",
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    # Who may see it can change (a moderator hides the message): browsers keep it briefly,
    # shared caches never.
    response["Cache-Control"] = f"private, max-age={max_age}"
    return response


def _attachment(filename: str) -> str:
    """``Content-Disposition`` for a download, as FileResponse writes it (RFC 6266)."""
    try:
        filename.encode("ascii")
    except UnicodeEncodeError:
        return f"attachment; filename*=utf-8''{quote(filename)}"
    escaped = filename.replace("\\", "\\\\").replace('"', r"\"")
    return f'attachment; filename="{escaped}"'
