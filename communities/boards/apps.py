from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoardsConfig(AppConfig):
    name = "communities.boards"
    label = "boards"
    verbose_name = _("Boards")

    def ready(self) -> None:
        from . import tasks  # noqa: F401  (registers the daily prune of unused uploads)
