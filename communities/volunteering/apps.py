from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteeringConfig(AppConfig):
    name = "communities.volunteering"
    label = "volunteering"
    verbose_name = _("Party building and volunteering")

    def ready(self) -> None:
        from realtime import ops

        # A confirmed report-in puts the person on the branch's party feed.
        ops.resubscribe_on("party.report_in")
