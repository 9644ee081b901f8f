"""Shared fixtures: a small district with named people.

wang_fang lives in 美罗一期; li_wei sits on its committee; zhang_min is the party
secretary; chen_jie lives in another community under another street.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from communities import sms
from communities.models import Membership, Place, PlaceKind, RoleKind, User
from communities.services import place_create, role_grant
from notifications import kinds as notification_kinds

PASSWORD = "correct-horse-battery"
# Everyone in the fixture district (see the ``world`` fixture for who is what).
PEOPLE = (
    *("wang_fang", "li_wei", "zheng_hua", "zhang_min", "zhao_lei", "zhou_qiang", "wu_hao"),
    *("song_yu", "guo_qing", "liu_yang", "wusong_supervisor", "huang_jun", "ma_lin"),
    *("chen_jie", "lin_na", "nobody"),
)


@dataclass
class World:
    district: Place
    luodian: Place
    wusong: Place
    meiluo: Place  # residents' committee under 罗店镇
    meiluo_1: Place
    meiluo_2: Place
    gongkang: Place  # residents' committee under 吴淞街道
    gongkang_1: Place
    people: dict[str, User]

    def __getattr__(self, name: str) -> User:
        try:
            return self.__dict__["people"][name]
        except KeyError:
            raise AttributeError(name) from None


@functools.cache
def password_hash() -> str:
    """Hashed once (Argon2 is slow on purpose) and shared by every fixture person."""
    return make_password(PASSWORD)


def make_user(username: str, name: str = "", phone: str = "") -> User:
    return User.objects.create(
        username=username, password=password_hash(), display_name=name or username, phone=phone
    )


def make_member(user: User, estate: Place) -> Membership:
    return Membership.objects.create(user=user, estate=estate, building="1", unit="1", room="101")


WORKER = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or "0"
# Runs side by side (pytest-django's TOX_PARALLEL_ENV, e.g. "p3") also get databases,
# Redis prefixes and cache databases of their own.
PARALLEL_RUN = os.environ.get("TOX_PARALLEL_ENV", "")
RUN_SLOT = int(WORKER) + sum(map(ord, PARALLEL_RUN))


def pytest_configure() -> None:
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    # Connections opened by async tests' worker threads must not outlive their test.
    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Parallel workers (and the servers they start) share one Redis: give each its own
    # groups, keys and cache database, or one worker's test would see another's messages.
    settings.REDIS_PREFIX = f"test{PARALLEL_RUN}{WORKER}"
    if settings.REDIS_URL:
        layer_config = cast(dict[str, Any], settings.CHANNEL_LAYERS["default"]["CONFIG"])
        layer_config["prefix"] = settings.REDIS_PREFIX
        settings.CACHES = {"default": _worker_cache(settings.REDIS_URL)}


def _worker_cache(redis_url: str) -> dict[str, Any]:
    """Clearing the cache is a FLUSHDB: each worker gets a Redis database of its own."""
    location = redis_url.rsplit("/", 1)[0] + f"/{1 + RUN_SLOT % 15}"
    return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": location}


@pytest.fixture(autouse=True)
def _fresh_cache_and_outbox(settings: Any) -> Iterator[None]:
    cache.clear()
    # Each process remembers which conversations are knocks (a kind never changes); a test's
    # rolled-back database hands the same ids to other conversations, so every test starts cold.
    notification_kinds._is_direct.cache_clear()
    sms.outbox.clear()
    settings.SMS_BACKEND = "communities.sms.LocmemBackend"
    yield
    cache.clear()


@pytest.fixture
def world(db: None) -> World:
    district = place_create(name="宝山区", kind=PlaceKind.DISTRICT, parent=None)
    luodian = place_create(name="罗店镇", kind=PlaceKind.TOWN, parent=district)
    wusong = place_create(name="吴淞街道", kind=PlaceKind.STREET, parent=district)
    meiluo = place_create(name="美罗家园居委", kind=PlaceKind.RESIDENTS_COMMITTEE, parent=luodian)
    meiluo_1 = place_create(name="美罗一期", kind=PlaceKind.ESTATE, parent=meiluo)
    meiluo_2 = place_create(name="美罗二期", kind=PlaceKind.ESTATE, parent=meiluo)
    gongkang = place_create(name="共康居委", kind=PlaceKind.RESIDENTS_COMMITTEE, parent=wusong)
    gongkang_1 = place_create(name="共康一区", kind=PlaceKind.ESTATE, parent=gongkang)

    people = {name: make_user(name) for name in PEOPLE}
    make_member(people["wang_fang"], meiluo_1)
    make_member(people["chen_jie"], gongkang_1)
    grants = [
        ("li_wei", RoleKind.COMMITTEE_MEMBER, meiluo),
        ("zheng_hua", RoleKind.SOCIAL_WORKER, meiluo),
        ("zhang_min", RoleKind.PARTY_SECRETARY, meiluo),
        ("zhao_lei", RoleKind.PARTY_MEMBER, meiluo),
        ("zhou_qiang", RoleKind.POLICE, meiluo),
        ("wu_hao", RoleKind.PROPERTY_MANAGER, meiluo_1),
        ("song_yu", RoleKind.SERVICE_PROVIDER, meiluo),
        ("guo_qing", RoleKind.DEPARTMENT_OFFICER, district),
        ("liu_yang", RoleKind.STREET_SUPERVISOR, luodian),
        ("wusong_supervisor", RoleKind.STREET_SUPERVISOR, wusong),
        ("huang_jun", RoleKind.DISTRICT_SUPERVISOR, district),
        ("ma_lin", RoleKind.DISTRICT_EDITOR, district),
        ("lin_na", RoleKind.COMMITTEE_MEMBER, gongkang),
    ]
    for username, kind, place in grants:
        role_grant(user=people[username], kind=kind, place=place)
    return World(
        district=district,
        luodian=luodian,
        wusong=wusong,
        meiluo=meiluo,
        meiluo_1=meiluo_1,
        meiluo_2=meiluo_2,
        gongkang=gongkang,
        gongkang_1=gongkang_1,
        people=people,
    )


def client_for(user: User | None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def anon() -> Client:
    return client_for(None)


def running_on_services() -> bool:
    return "postgresql" in settings.DATABASES["default"]["ENGINE"] and bool(settings.REDIS_URL)


@pytest.fixture(scope="session", autouse=True)
def _ci_uses_real_services() -> None:
    """In CI the suite must run on PostgreSQL and Redis, never fall back silently."""
    if os.environ.get("CI") and not running_on_services():
        pytest.fail("CI is set but DATABASE_URL/REDIS_URL do not point at PostgreSQL and Redis")


@pytest.fixture
def worker(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """The task worker (``manage.py db_worker``), here, until no task is due. It recycles
    database connections between tasks as a long-running process should; inside a test's
    transaction that would close the test's own connection, so it is left open."""
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run() -> None:
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    return run
