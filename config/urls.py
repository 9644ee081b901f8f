from django.contrib import admin
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path
from django.views import defaults

from communities.errors import NotFound
from config.api import api, error_body
from config.media import media_urlpatterns

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    *media_urlpatterns(),
    path("", include("frontend.urls")),
]


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """An address under /api/ that no endpoint has (``/api/boards/posts/x``, a path that
    is not an id) answers like every API refusal, in JSON; the rest get Django's page."""
    if request.path.startswith("/api/"):
        refusal = NotFound()
        return JsonResponse(error_body(refusal.message, refusal.code), status=404)
    return defaults.page_not_found(request, exception)


handler404 = not_found
