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
