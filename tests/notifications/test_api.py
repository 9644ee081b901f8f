"""/api/notifications/…: a device subscribing, my settings, muting a conversation — and the
refusals, each of which changes nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from chat.models import Conversation
from notifications.models import NotificationSettings, PushSubscription
from tests.conftest import World, client_for
from tests.pushservice import PushService

pytestmark = pytest.mark.django_db


def send(client: Client, method: str, url: str, body: Any) -> Any:
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def test_a_device_subscribes_once_and_leaves(world: World, push_service: PushService) -> None:
    client = client_for(world.wang_fang)
    info = push_service.subscription(push_service.device())
    first = send(client, "post", "/api/notifications/subscriptions", info)
    again = send(client, "post", "/api/notifications/subscriptions", info)
    assert (first.status_code, again.status_code) == (201, 200)
    assert PushSubscription.objects.filter(user=world.wang_fang).count() == 1
    assert client.get("/api/notifications/settings").json()["devices"] == 1
    gone = send(
        client, "post", "/api/notifications/subscriptions/delete", {"endpoint": info["endpoint"]}
    )
    assert gone.status_code == 204
    assert not PushSubscription.objects.exists()


def test_the_public_key_is_served_to_members(world: World, push_service: PushService) -> None:
    key = client_for(world.wang_fang).get("/api/notifications/vapid").json()["public_key"]
    assert len(key) == 87  # 65 bytes, base64url without padding
    assert client_for(None).get("/api/notifications/vapid").status_code == 401


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"endpoint": "ftp://push.example/1"}, "endpoint"),
        ({"endpoint": "http://push.example/1"}, "endpoint"),  # plain HTTP: not a push service
        ({"keys": {"p256dh": "AAAA", "auth": "x" * 22}}, "p256dh"),
        ({"keys": {"p256dh": "B" * 87, "auth": "short"}}, "auth"),
    ],
)
def test_a_bad_subscription_is_refused_and_nothing_is_stored(
    world: World, push_service: PushService, settings: Any, change: dict[str, Any], field: str
) -> None:
    settings.PUSH_ALLOW_HTTP = False
    info = {**push_service.subscription(push_service.device()), **change}
    if "endpoint" not in change:
        info["endpoint"] = "https://push.example/1"
    response = send(client_for(world.wang_fang), "post", "/api/notifications/subscriptions", info)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not PushSubscription.objects.exists()


def test_a_logged_out_browser_cannot_subscribe(push_service: PushService) -> None:
    info = push_service.subscription(push_service.device())
    response = send(client_for(None), "post", "/api/notifications/subscriptions", info)
    assert response.status_code == 401
    assert not PushSubscription.objects.exists()


def test_settings_change_and_show(world: World) -> None:
    client = client_for(world.wang_fang)
    shown = client.get("/api/notifications/settings").json()
    assert shown["urgent"] is True
    assert shown["digest"] is False
    assert shown["quiet_start"] is None
    changed = send(
        client,
        "patch",
        "/api/notifications/settings",
        {"reply": False, "digest": True, "quiet_start": "22:00", "quiet_end": "07:00"},
    ).json()
    assert (changed["reply"], changed["digest"]) == (False, True)
    assert (changed["quiet_start"], changed["quiet_end"]) == ("22:00", "07:00")
    assert changed["mention"] is True  # left as it was


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"quiet_start": "22:00"}, "quiet_end"),
        ({"quiet_start": "25:00", "quiet_end": "07:00"}, "quiet_start"),
        ({"muted_conversations": [999_999]}, None),  # not one of mine: 404
    ],
)
def test_bad_settings_are_refused_and_nothing_changes(
    world: World, body: dict[str, Any], field: str | None
) -> None:
    response = send(client_for(world.wang_fang), "patch", "/api/notifications/settings", body)
    if field is None:
        assert response.status_code == 404
    else:
        assert response.status_code == 400
        assert field in response.json()["errors"]
    assert not NotificationSettings.objects.exists()


def test_a_conversation_is_muted_only_by_someone_who_reads_it(world: World) -> None:
    group = Conversation.objects.get(kind=Conversation.Kind.ESTATE, place=world.meiluo_1)
    url = f"/api/notifications/conversations/{group.pk}/mute"
    muted = send(client_for(world.wang_fang), "post", url, {"muted": True})
    assert muted.status_code == 200
    assert muted.json()["muted_conversations"] == [group.pk]
    refused = send(client_for(world.chen_jie), "post", url, {"muted": True})
    assert refused.status_code == 404
    assert not NotificationSettings.objects.filter(user=world.chen_jie).exists()
    unmuted = send(client_for(world.wang_fang), "post", url, {"muted": False})
    assert unmuted.json()["muted_conversations"] == []
