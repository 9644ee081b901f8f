from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    name = "chat"
    verbose_name = _("Chat")

    def ready(self) -> None:
        # The socket: chat's ops, what a socket follows, and the personal events after
        # which it follows something else.
        from communities import signals
        from realtime import ops as realtime

        # (ops registers the ops; tasks the daily prune of unsent uploads)
        from . import ops, tasks  # noqa: F401
        from .following import following
        from .services import estates

        realtime.follow_with(following)
        realtime.resubscribe_on("conversation.joined", "conversation.left")
        realtime.not_echoed("typing")
        # Every estate has its estate group (chat/services/estates.py).
        signals.estate_created.connect(estates.estate_created, dispatch_uid="chat.estate")
        signals.membership_approved.connect(
            estates.membership_approved, dispatch_uid="chat.estate_member"
        )
