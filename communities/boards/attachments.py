"""Board attachments (PDFs for service guides): the shared check
(``communities.uploads.pdf``) with the boards' limit, ``BOARD_ATTACHMENT_MAX_BYTES``."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from communities.uploads import pdf
from communities.uploads.pdf import safe_name

__all__ = ["check_pdf", "safe_name"]


def check_pdf(upload: UploadedFile) -> None:
    """Refuse anything but a PDF within the boards' limit; give the upload a safe name."""
    pdf.check_pdf(upload, max_bytes=settings.BOARD_ATTACHMENT_MAX_BYTES)
