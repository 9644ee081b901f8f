"""Uploaded PDFs (the boards' service guides, chat's files): checked by content and size.

The file is stored as uploaded under a random name and always served as a download
(``Content-Disposition: attachment``), never shown inline; its original name is kept
for display only, after ``safe_name``. Each caller gives its own size limit.
"""

from __future__ import annotations

import re
import unicodedata

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


def is_pdf(upload: UploadedFile) -> bool:
    """Whether the upload's bytes begin as a PDF's do (its name and declared type aside)."""
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    return bool(head == PDF_MAGIC)


def check_pdf(upload: UploadedFile, *, max_bytes: int) -> None:
    """Refuse anything but a PDF of at most ``max_bytes``; give the upload a safe name.
    Raises ``Invalid`` with ``errors["file"]``."""
    too_big = _refuse(
        _("The file is too large: at most %(size)s.") % {"size": filesizeformat(max_bytes)}
    )
    size = upload.size
    if size is None:
        size = sum(len(chunk) for chunk in upload.chunks())
    if size > max_bytes:
        raise too_big
    if size == 0:
        raise _refuse(_("The file is empty."))
    if not is_pdf(upload):
        raise _refuse(_("Only PDF files can be attached."))
    upload.name = safe_name(upload.name or "")
