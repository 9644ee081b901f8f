"""Serves the built single-page app: index.html for every page address."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_safe


@lru_cache(maxsize=1)
def _index_html(dist: Path, mtime: float) -> str:
    return (dist / "index.html").read_text(encoding="utf-8")


@require_safe
@ensure_csrf_cookie
def app(request: HttpRequest, route: str = "") -> HttpResponse:
    index = Path(settings.FRONTEND_DIST) / "index.html"
    if not index.is_file():
        message = _("The front end is not built yet: run `make run` (or `make frontend`).")
        return HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
    html = _index_html(index.parent, index.stat().st_mtime)
    response = HttpResponse(html)
    response["Cache-Control"] = "no-cache"
    return response


# Files of the bundle that must be served from the site's root: the service worker's scope
# is the folder it is served from, and the manifest names the app's start page.
ROOT_FILES = {
    "sw.js": "text/javascript; charset=utf-8",
    "manifest.webmanifest": "application/manifest+json",
}


@require_safe
def root_file(request: HttpRequest, name: str) -> HttpResponse:
    path = Path(settings.FRONTEND_DIST) / name
    if name not in ROOT_FILES or not path.is_file():
        return HttpResponse(status=404)
    response = HttpResponse(path.read_bytes(), content_type=ROOT_FILES[name])
    # A new service worker must reach browsers at once: never from a cache.
    response["Cache-Control"] = "no-cache"
    return response
