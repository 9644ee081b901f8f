from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from chat.services import estate_conversations_ensure
from tests.conftest import World, make_member, make_user


@pytest.fixture
def neighbours(world: World) -> World:
    """wang_fang and zhao_lei live in 美罗一期; sun_li lives in 美罗二期."""
    make_member(world.zhao_lei, world.meiluo_1)
    world.people["sun_li"] = make_user("sun_li")
    make_member(world.sun_li, world.meiluo_2)
    return world


@pytest.fixture
def estate_chat(neighbours: World) -> int:
    """The conversation id of 美罗一期's estate group."""
    return estate_conversations_ensure(estate_ids=[neighbours.meiluo_1.pk])[neighbours.meiluo_1.pk]


@pytest.fixture
def private_root(settings: Any, tmp_path: Path) -> Path:
    """Chat's photos and files for this test only, beside (never under) its MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.CHAT_UPLOAD_RATE = "1000/60"
    return Path(settings.PRIVATE_MEDIA_ROOT)


@pytest.fixture(autouse=True)
def _close_thread_connections() -> Iterator[None]:
    """Async tests touch the database from worker threads; close those connections so the
    test database can be flushed and dropped."""
    yield
    connections.close_all()


@pytest.fixture
def cookies(neighbours: World) -> dict[str, str]:
    """Session cookies of wang_fang and zhao_lei, for clients of real server processes."""
    from django.test import Client

    def cookie(name: str) -> str:
        client = Client()
        client.force_login(neighbours.people[name])
        return f"sessionid={client.cookies['sessionid'].value}"

    return {name: cookie(name) for name in ("wang_fang", "zhao_lei")}
