"""HTTP for chat's photos and PDFs (/api/chat/…): upload one into a conversation, and
fetch one — only through these checked addresses, never a public file URL.

Thin: the upload calls one service, a fetch asks the guarded accessor
(``selectors.attachment_for``) and hands the stored file to
``communities.uploads.private.file_response``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponseBase
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from communities.api import LOGGED_IN, current_user
from communities.errors import NotFound
from communities.uploads.private import file_response

from . import selectors, services
from .models import Attachment
from .shapes import attachment_out

router = Router(auth=LOGGED_IN, tags=["chat"])


class ChatAttachmentOut(Schema):
    id: int
    kind: str
    url: str
    thumbnail_url: str | None
    width: int | None
    height: int | None
    name: str | None
    size: int


@router.post(
    "/chat/conversations/{int:conversation_id}/attachments", response={201: ChatAttachmentOut}
)
def attachment_upload(
    request: HttpRequest,
    conversation_id: int,
    file: UploadedFile = File(...),  # noqa: B008
) -> Status[dict[str, Any]]:
    """A photo (JPEG, PNG, WebP, GIF) or a PDF for a message I am about to send here; send
    its ``id`` in the ``attachments`` of the ``send`` frame."""
    attachment = services.attachment_upload(
        uploader=current_user(request), conversation_id=conversation_id, upload=file
    )
    return Status(201, attachment_out(attachment))


@router.get("/chat/attachments/{int:attachment_id}", response={200: None})
def attachment_file(request: HttpRequest, attachment_id: int) -> HttpResponseBase:
    """The photo, or the PDF (as a download under its name)."""
    attachment = selectors.attachment_for(current_user(request), attachment_id)
    is_file = attachment.kind == Attachment.Kind.FILE
    return file_response(attachment.file, download_name=attachment.name if is_file else None)


@router.get("/chat/attachments/{int:attachment_id}/thumbnail", response={200: None})
def attachment_thumbnail(request: HttpRequest, attachment_id: int) -> HttpResponseBase:
    """A photo's thumbnail (at most 400 pixels a side); 404 for a PDF."""
    attachment = selectors.attachment_for(current_user(request), attachment_id)
    if not attachment.thumbnail:
        raise NotFound()
    return file_response(attachment.thumbnail)
