from typing import Any

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

        from . import ops  # noqa: F401  (registers the ops)
        from .following import following

        realtime.follow_with(following)
        realtime.resubscribe_on("conversation.joined", "conversation.left")
        realtime.not_echoed("typing")
        signals.estate_created.connect(_estate_created, dispatch_uid="chat.estate_group")
        signals.membership_approved.connect(_membership_approved, dispatch_uid="chat.estate_in")


def _estate_created(sender: Any, *, estate: Any, **kwargs: Any) -> None:
    from .services import estate_conversations_ensure

    estate_conversations_ensure(estate_ids=[estate.pk])


def _membership_approved(sender: Any, *, membership: Any, **kwargs: Any) -> None:
    from .services import estate_conversations_ensure

    estate_conversations_ensure(estate_ids=[membership.estate_id])
