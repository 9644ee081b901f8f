from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "communities.cases"
    label = "cases"
    verbose_name = _("Things nearby (cases)")

    def ready(self) -> None:
        from . import tasks  # noqa: F401  (registers the deadline checks and the nightly sweep)
