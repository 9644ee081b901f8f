"""Uploaded attachments (PDF, for service guides): checked by content and size.

The file is stored as uploaded under a random name and always served as a download
(``Content-Disposition: attachment``), never shown inline; its original name is kept
for display only, after ``safe_name``.
"""

from __future__ import annotations

import re
import unicodedata

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from communities.errors import Invalid

PDF_MAGIC = b"%PDF-"
NAME_MAX = 100
# Path separators, characters Windows refuses in names, and quotes that break headers.
_UNSAFE = re.compile(r'[\\/:*?"<>|;`$]+')


def _refuse(message: str) -> Invalid:
    return Invalid(message, errors={"file": message})


def safe_name(name: str, *, extension: str = ".pdf") -> str:
    """A display name without directories, control characters or header-breaking
    characters, at most ``NAME_MAX`` characters, ending in ``extension``."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(" " if unicodedata.category(ch)[0] in "CZ" else ch for ch in name)
    name = _UNSAFE.sub("_", name)
    name = " ".join(name.split()).strip(" ._-")
    stem = name[: -len(extension)] if name.lower().endswith(extension) else name
    stem = stem.rstrip(" ._-")[: NAME_MAX - len(extension)].rstrip(" ._-")
    return f"{stem or 'document'}{extension}"


def check_pdf(upload: UploadedFile) -> None:
    """Refuse anything but a PDF of at most ``BOARD_ATTACHMENT_MAX_BYTES``; give the upload a
    safe name. Raises ``Invalid`` with ``errors["file"]``."""
    limit = settings.BOARD_ATTACHMENT_MAX_BYTES
    too_big = _refuse(
        _("The file is too large: at most %(size)s.") % {"size": filesizeformat(limit)}
    )
    size = upload.size
    if size is None:
        size = sum(len(chunk) for chunk in upload.chunks())
    if size > limit:
        raise too_big
    if size == 0:
        raise _refuse(_("The file is empty."))
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head != PDF_MAGIC:
        raise _refuse(_("Only PDF files can be attached."))
    upload.name = safe_name(upload.name or "")
