"""People in chat, the writes: my privacy settings, and whom I block."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from communities.errors import Invalid, NotFound
from communities.models import User

from ..models import Block, ChatSettings


# --- Settings ------------------------------------------------------------------------
def chat_settings_update(
    *, user: User, refuse_strangers: bool | None = None, hide_presence: bool | None = None
) -> ChatSettings:
    """Change the settings given; ``None`` leaves one as it is."""
    with transaction.atomic():
        settings, _created = ChatSettings.objects.select_for_update().get_or_create(user=user)
        changed = []
        if refuse_strangers is not None:
            settings.refuse_strangers = refuse_strangers
            changed.append("refuse_strangers")
        if hide_presence is not None:
            settings.hide_presence = hide_presence
            changed.append("hide_presence")
        if changed:
            settings.save(update_fields=changed)
    return settings


# --- Blocks --------------------------------------------------------------------------
def block(*, user: User, target_id: int) -> Block:
    """Refuse knocks, direct messages and letters from ``target`` (idempotent)."""
    if target_id == user.pk:
        message = _("You cannot block yourself.")
        raise Invalid(message, code="self", errors={"user_id": message})
    target = User.objects.filter(pk=target_id, is_active=True).first()
    if target is None:
        raise NotFound()
    blocked, _created = Block.objects.get_or_create(blocker=user, blocked=target)
    return blocked


def unblock(*, user: User, target_id: int) -> None:
    """Accept them again (idempotent)."""
    Block.objects.filter(blocker=user, blocked_id=target_id).delete()
