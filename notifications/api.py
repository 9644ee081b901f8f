"""HTTP API of notifications (/api/notifications/…): this device's subscription, my
settings, muting one conversation. Thin: each endpoint calls one service or selector."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from communities.api import LOGGED_IN, current_user

from . import selectors, services, vapid

router = Router(auth=LOGGED_IN, tags=["notifications"])


class KeysIn(Schema):
    p256dh: str
    auth: str


class SubscriptionIn(Schema):
    endpoint: str
    keys: KeysIn


class EndpointIn(Schema):
    endpoint: str


class VapidOut(Schema):
    public_key: str


class SettingsPatch(Schema):
    direct: bool | None = None
    mention: bool | None = None
    reply: bool | None = None
    urgent: bool | None = None
    callout: bool | None = None
    decision: bool | None = None
    letter: bool | None = None
    cases: bool | None = None
    digest: bool | None = None
    quiet_start: str | None = None
    quiet_end: str | None = None
    muted_conversations: list[int] | None = None


class SettingsOut(Schema):
    direct: bool
    mention: bool
    reply: bool
    urgent: bool
    callout: bool
    decision: bool
    letter: bool
    cases: bool
    digest: bool
    quiet_start: str | None
    quiet_end: str | None
    muted_conversations: list[int]
    devices: int


class MuteIn(Schema):
    muted: bool


class SubscriptionOut(Schema):
    endpoint: str
    created: bool


def _settings(request: HttpRequest) -> dict[str, Any]:
    user = current_user(request)
    row = selectors.settings_of(user)
    return {
        **{name: getattr(row, name) for name in selectors.PREFERENCES},
        "quiet_start": row.quiet_start.strftime("%H:%M") if row.quiet_start else None,
        "quiet_end": row.quiet_end.strftime("%H:%M") if row.quiet_end else None,
        "muted_conversations": list(row.muted_conversations or []),
        "devices": len(selectors.subscriptions_of(user)),
    }


@router.get("/notifications/vapid", response=VapidOut)
def vapid_key(request: HttpRequest) -> dict[str, str]:
    """The key a browser subscribes with (``applicationServerKey``)."""
    return {"public_key": vapid.public_key()}


@router.post("/notifications/subscriptions", response={200: SubscriptionOut, 201: SubscriptionOut})
def subscribe(request: HttpRequest, payload: SubscriptionIn) -> Status[dict[str, Any]]:
    """This device accepts pushes (201; 200 when it had subscribed already)."""
    subscription, created = services.subscription_save(
        user=current_user(request),
        endpoint=payload.endpoint,
        p256dh=payload.keys.p256dh,
        auth=payload.keys.auth,
        user_agent=request.headers.get("User-Agent", ""),
    )
    body = {"endpoint": subscription.endpoint, "created": created}
    return Status(201 if created else 200, body)


@router.post("/notifications/subscriptions/delete", response={204: None})
def unsubscribe(request: HttpRequest, payload: EndpointIn) -> Status[None]:
    services.subscription_delete(user=current_user(request), endpoint=payload.endpoint)
    return Status(204, None)


@router.get("/notifications/settings", response=SettingsOut)
def settings_show(request: HttpRequest) -> dict[str, Any]:
    return _settings(request)


@router.patch("/notifications/settings", response=SettingsOut)
def settings_update(request: HttpRequest, payload: SettingsPatch) -> dict[str, Any]:
    services.settings_update(user=current_user(request), changes=payload.dict(exclude_unset=True))
    return _settings(request)


@router.post("/notifications/conversations/{int:conversation_id}/mute", response=SettingsOut)
def conversation_mute(
    request: HttpRequest, conversation_id: int, payload: MuteIn
) -> dict[str, Any]:
    services.conversation_mute(
        user=current_user(request), conversation_id=conversation_id, muted=payload.muted
    )
    return _settings(request)
