from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from realtime import feeds

        from . import kinds, listener, tasks  # noqa: F401  (tasks: registers the digest)

        # Every event some person may be pushed for: the push itself is worked out and
        # sent by the task worker, after the transaction commits.
        feeds.listen(kinds.PUSHED, listener.heard)
