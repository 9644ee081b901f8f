"""Volunteering fixtures: the ``world`` district plus more of 美罗's people, and helpers to
post call-outs and move them in time.

Besides the ``world`` people: sun_li lives in 美罗二期 (a plain resident); qian_hong lives
in 美罗一期 and is a party member of another organisation, not yet reported in; he_ping
lives in 美罗二期 and is a party member of 美罗 who hides their identity.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import connections
from django.utils import timezone

from communities.models import RoleKind, User
from communities.services import role_grant
from communities.volunteering import services
from communities.volunteering.models import Callout
from tests.boards.conftest import Api, api
from tests.conftest import World, make_member, make_user

__all__ = ["Api", "api"]

MORE_PEOPLE = ("sun_li", "qian_hong", "he_ping")


@pytest.fixture
def branch(world: World) -> World:
    for name in MORE_PEOPLE:
        world.people[name] = make_user(name)
    make_member(world.people["sun_li"], world.meiluo_2)
    make_member(world.people["qian_hong"], world.meiluo_1)
    make_member(world.people["he_ping"], world.meiluo_2)
    role_grant(user=world.people["he_ping"], kind=RoleKind.PARTY_MEMBER, place=world.meiluo)
    return world


@pytest.fixture
def close_connections() -> Iterator[None]:
    """Async tests and threads touch the database from other threads; close those."""
    yield
    connections.close_all()


def soon(hours: float = 24) -> datetime:
    return timezone.now() + timedelta(hours=hours)


def callout_fields(**overrides: Any) -> dict[str, Any]:
    """A valid call-out starting tomorrow for two hours."""
    starts = overrides.pop("starts_at", soon(24))
    fields: dict[str, Any] = {
        "title": "周六清理楼道杂物",
        "description": "把楼道里的纸箱和杂物清走。\n\n中午前结束。",
        "location": "美罗一期 3 号楼",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=2),
        "capacity": 3,
        "audience": "party",
        "skills": "手套",
    }
    return {**fields, **overrides}


def make_callout(world: World, organiser: str = "zhang_min", **overrides: Any) -> Callout:
    return services.callout_create(
        actor=world.people[organiser], community_id=world.meiluo.pk, **callout_fields(**overrides)
    )


def move(callout: Callout, *, starts_in: timedelta) -> Callout:
    """Shift a call-out in time (as if the clock moved on), keeping its length."""
    length = callout.ends_at - callout.starts_at
    starts = timezone.now() + starts_in
    Callout.objects.filter(pk=callout.pk).update(starts_at=starts, ends_at=starts + length)
    callout.refresh_from_db()
    return callout


def person(world: World, name: str) -> User:
    return world.people[name]
