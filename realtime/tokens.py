"""Signed, expiring bearer tokens for clients that cannot use the session cookie."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.utils import timezone

_SALT = "shequtong.api-token"


def token_issue(*, user: Any) -> tuple[str, int]:
    """Return a token for ``user`` and its lifetime in seconds.

    The token embeds part of the password hash, so changing the password (or
    deactivating the account) invalidates every token issued before.
    """
    payload = {"uid": user.pk, "pw": user.password[-12:]}
    token = signing.dumps(payload, salt=_SALT, compress=True)
    return token, int(settings.API_TOKEN_MAX_AGE.total_seconds())


def token_user(token: str) -> Any:
    """The active user a token belongs to, or None if it is bad, expired or revoked."""
    try:
        payload = signing.loads(token, salt=_SALT, max_age=settings.API_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    user = get_user_model().objects.filter(pk=payload.get("uid"), is_active=True).first()
    if user is None or user.password[-12:] != payload.get("pw"):
        return None
    return user


def token_expiry_iso() -> str:
    return (timezone.now() + settings.API_TOKEN_MAX_AGE).isoformat()
