from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "communities.moderation"
    label = "moderation"
    verbose_name = _("Moderation")

    def ready(self) -> None:
        from communities import signals

        from .services import reports

        # A hidden or removed message, post or comment: its open report was acted on.
        signals.content_moderated.connect(
            reports.content_moderated, dispatch_uid="moderation.report_actioned"
        )
