from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "communities.cases"
    label = "cases"
    verbose_name = _("Things nearby (cases)")

    def ready(self) -> None:
        from communities.models import Place

        from . import receivers, tasks  # noqa: F401  (tasks: the deadline checks, the sweep)

        post_save.connect(receivers.place_created, sender=Place, dispatch_uid="cases.place_created")
