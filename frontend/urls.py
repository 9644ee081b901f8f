from django.urls import path, re_path

from . import views

urlpatterns = [
    path("", views.app, name="app"),
    path("sw.js", views.root_file, {"name": "sw.js"}, name="service-worker"),
    path("manifest.webmanifest", views.root_file, {"name": "manifest.webmanifest"}),
    # Every page address of the app; /api/, /admin/, /static/ and /ws/ never reach here.
    re_path(r"^(?!api/|admin/|static/|ws/|media/)(?P<route>.+)$", views.app),
]
