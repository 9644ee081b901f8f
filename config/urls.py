from django.contrib import admin
from django.urls import include, path

from config.api import api
from config.media import media_urlpatterns

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    *media_urlpatterns(),
    path("", include("frontend.urls")),
]
