"""Writes for notifications: a device subscribing or leaving, a person's settings."""

from __future__ import annotations

import base64
from datetime import time
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from chat.selectors import conversation_for
from communities.errors import Invalid
from communities.models import User

from .models import NotificationSettings, PushSubscription
from .selectors import PREFERENCES


def _key(value: object, field: str, size: int) -> str:
    """A base64url key of ``size`` bytes (the browser's p256dh is 65, its auth secret 16)."""
    text = value.strip() if isinstance(value, str) else ""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError):
        raw = b""
    if len(raw) != size:
        message = _("Not a key this browser could have made.")
        raise Invalid(message, errors={field: message})
    return text


def _endpoint(value: object) -> str:
    url = urlparse(value) if isinstance(value, str) else None
    allowed = url is not None and (
        url.scheme == "https" or (settings.PUSH_ALLOW_HTTP and url.scheme == "http")
    )
    if url is None or not allowed or not url.netloc or len(str(value)) > 1000:
        message = _("Not a push service address.")
        raise Invalid(message, errors={"endpoint": message})
    return str(value)


def subscription_save(
    *, user: User, endpoint: str, p256dh: str, auth: str, user_agent: str = ""
) -> tuple[PushSubscription, bool]:
    """This device accepts pushes (again); (subscription, created). The same endpoint
    taken over by another person on a shared device moves to them."""
    endpoint = _endpoint(endpoint)
    p256dh, auth = _key(p256dh, "p256dh", 65), _key(auth, "auth", 16)
    with transaction.atomic():
        subscription, created = PushSubscription.objects.select_for_update().get_or_create(
            endpoint=endpoint,
            defaults={"user": user, "p256dh": p256dh, "auth": auth, "user_agent": user_agent[:300]},
        )
        if not created:
            subscription.user, subscription.p256dh, subscription.auth = user, p256dh, auth
            subscription.user_agent, subscription.failures = user_agent[:300], 0
            subscription.save(update_fields=["user", "p256dh", "auth", "user_agent", "failures"])
    return subscription, created


def subscription_delete(*, user: User, endpoint: str) -> None:
    """This device no longer wants pushes (nothing to delete is no error)."""
    PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()


def _time(value: object, field: str, errors: dict[str, str]) -> time | None:
    if value in (None, ""):
        return None
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        errors[field] = _("Give a time like 22:00.")
        return None


def settings_update(*, user: User, changes: dict[str, Any]) -> NotificationSettings:
    """Change the settings given (``None`` leaves one as it is); quiet hours come as both
    ends or neither."""
    errors: dict[str, str] = {}
    unknown = set(changes) - {*PREFERENCES, "quiet_start", "quiet_end", "muted_conversations"}
    for name in unknown:
        errors[name] = _("Unknown setting.")
    fields: dict[str, Any] = {}
    for name in PREFERENCES:
        value = changes.get(name)
        if value is None:
            continue
        if not isinstance(value, bool):
            errors[name] = _("Must be true or false.")
        fields[name] = value
    if "quiet_start" in changes or "quiet_end" in changes:
        start = _time(changes.get("quiet_start"), "quiet_start", errors)
        end = _time(changes.get("quiet_end"), "quiet_end", errors)
        if (start is None) != (end is None) and not errors:
            errors["quiet_end"] = _("Give both ends of the quiet hours, or neither.")
        fields["quiet_start"], fields["quiet_end"] = start, end
    muted = changes.get("muted_conversations")
    if muted is not None:
        if not isinstance(muted, list) or not all(
            isinstance(pk, int) and not isinstance(pk, bool) for pk in muted
        ):
            errors["muted_conversations"] = _("Must be a list of conversation ids.")
        else:
            for pk in muted:  # only conversations one may read (NotFound otherwise)
                conversation_for(user, pk)
            fields["muted_conversations"] = sorted(set(muted))
    if errors:
        raise Invalid(_("Please correct the marked fields."), errors=errors)
    with transaction.atomic():
        row, _created = NotificationSettings.objects.select_for_update().get_or_create(user=user)
        for name, value in fields.items():
            setattr(row, name, value)
        row.save()
    return row


def conversation_mute(*, user: User, conversation_id: int, muted: bool) -> NotificationSettings:
    """Mute (or unmute) pushes from one conversation ``user`` may read."""
    conversation_for(user, conversation_id)
    with transaction.atomic():
        row, _created = NotificationSettings.objects.select_for_update().get_or_create(user=user)
        ids = set(row.muted_conversations or [])
        ids = ids | {conversation_id} if muted else ids - {conversation_id}
        row.muted_conversations = sorted(ids)
        row.save(update_fields=["muted_conversations"])
    return row
