from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PresenceConfig(AppConfig):
    name = "presence"
    verbose_name = _("Presence")

    def ready(self) -> None:
        from . import ops  # noqa: F401  (registers the ops and the socket hooks)
