"""Uploaded files at /media/ when no web server sits in front (the embedded set-up).

Behind nginx (docker-compose) nginx serves the shared media volume itself with the same
rules, and ``SERVE_MEDIA=false`` turns this off. Only the kinds of file the boards store
are served (pictures re-encoded by communities.boards.images, PDFs checked by
communities.boards.attachments); never a directory listing, never a hidden file, never
anything outside MEDIA_ROOT. Browsers are told not to guess types, PDFs are downloads,
and nothing served here may run script.
"""

from __future__ import annotations

import posixpath

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponseBase
from django.urls import URLPattern, re_path
from django.views.decorators.http import require_safe
from django.views.static import serve

# Extension → the only type it is served as.
TYPES = {
    ".webp": "image/webp",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".pdf": "application/pdf",
}
CACHE_SECONDS = 60 * 60 * 24 * 30  # names are random and files never change


@require_safe
def serve_media(request: HttpRequest, path: str) -> HttpResponseBase:
    normalized = posixpath.normpath(path).lstrip("/")
    parts = normalized.split("/")
    extension = posixpath.splitext(normalized)[1].lower()
    if (
        normalized != path
        or any(part.startswith(".") for part in parts)
        or "\\" in path
        or extension not in TYPES
    ):
        raise Http404()
    response = serve(request, normalized, document_root=str(settings.MEDIA_ROOT))
    response["Content-Type"] = TYPES[extension]
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = f"private, max-age={CACHE_SECONDS}"
    if extension == ".pdf":
        # No stored (random) file name: a link's download="…" attribute names the file.
        response["Content-Disposition"] = "attachment"
    return response


def media_urlpatterns() -> list[URLPattern]:
    if not settings.SERVE_MEDIA:
        return []
    prefix = settings.MEDIA_URL.strip("/")
    return [re_path(rf"^{prefix}/(?P<path>.+)$", serve_media, name="media")]
