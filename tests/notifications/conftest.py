"""Notifications fixtures: a loopback push service and devices subscribed to it (the task
worker is ``tests.conftest.worker``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from communities.models import User
from notifications import services, vapid
from tests.pushservice import Device, PushService

Subscribe = Callable[[User], Device]


@pytest.fixture
def push_service(settings: Any, tmp_path: Path) -> Iterator[PushService]:
    """A push service on loopback, and this server's VAPID key in a key file of its own."""
    settings.PUSH_ALLOW_HTTP = True
    settings.VAPID_PRIVATE_KEY = ""
    settings.VAPID_KEY_FILE = str(tmp_path / "vapid.pem")
    vapid.generate(vapid.key_file())
    vapid._vapid.cache_clear()
    vapid._signed.clear()
    with PushService() as service:
        yield service
    vapid._vapid.cache_clear()
    vapid._signed.clear()


@pytest.fixture
def subscribe(push_service: PushService) -> Subscribe:
    """A new device of ``user`` subscribed to pushes (as the browser would post it)."""

    def make(user: User) -> Device:
        device = push_service.device()
        info = push_service.subscription(device)
        services.subscription_save(
            user=user, endpoint=info["endpoint"], **info["keys"], user_agent="test"
        )
        return device

    return make
