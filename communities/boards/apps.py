from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoardsConfig(AppConfig):
    name = "communities.boards"
    label = "boards"
    verbose_name = _("Boards")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from communities.models import Place

        from . import receivers, tasks  # noqa: F401  (tasks: registers the daily prune of uploads)

        post_save.connect(
            receivers.place_created, sender=Place, dispatch_uid="boards.place_created"
        )
