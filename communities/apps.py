from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    name = "communities"
    verbose_name = _("Communities")

    def ready(self) -> None:
        from realtime import ops

        # A decided application or a changed membership changes what the person's sockets
        # follow (an estate group, the community's feeds).
        ops.resubscribe_on("application.decided", "membership.changed")
