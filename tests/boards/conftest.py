"""Board fixtures: the ``world`` district plus a village with a resident, its committee
member and a villager living away, and a second resident of 美罗 (in 美罗二期)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import connections
from django.test import Client

from communities.boards.models import Board, BoardKind, Post
from communities.boards.services import boards_ensure
from communities.models import AwayMembership, Place, PlaceKind, RoleKind, User
from communities.services import place_create, role_grant
from tests.conftest import World, client_for, make_member, make_user

# Who is who besides the ``world`` people.
VILLAGERS = ("xu_ming", "he_mei", "sun_qin", "sun_li")


@dataclass
class Town:
    """The ``world`` plus 天平村 (a village) and every board the tests use, by key."""

    world: World
    village: Place
    village_1: Place
    boards: dict[str, Board]

    def __getattr__(self, name: str) -> User:
        try:
            return self.__dict__["world"].people[name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def people(self) -> dict[str, User]:
        return self.world.people


# (key, place attribute, kind)
BOARDS = (
    ("district", "district", BoardKind.DISTRICT),
    ("notices", "meiluo", BoardKind.NOTICES),
    ("party", "meiluo", BoardKind.PARTY),
    ("guide", "meiluo", BoardKind.GUIDE),
    ("mutual_aid", "meiluo", BoardKind.MUTUAL_AID),
    ("idle", "meiluo", BoardKind.IDLE),
    ("property", "meiluo_1", BoardKind.PROPERTY),
    ("property_2", "meiluo_2", BoardKind.PROPERTY),
    ("village_notices", "village", BoardKind.NOTICES),
    ("village_hometown", "village", BoardKind.HOMETOWN),
    ("village_idle", "village", BoardKind.IDLE),
    ("gongkang_notices", "gongkang", BoardKind.NOTICES),
)


@pytest.fixture
def town(world: World, settings: Any, tmp_path: Path) -> Town:
    """xu_ming sits on 天平村's committee and he_mei lives there; sun_qin is a 天平村
    villager living away; sun_li lives in 美罗二期."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BOARD_POST_RATE = "1000/60"
    settings.BOARD_COMMENT_RATE = "1000/60"
    village = place_create(name="天平村", kind=PlaceKind.VILLAGE, parent=world.luodian)
    village_1 = place_create(name="天平村一组", kind=PlaceKind.ESTATE, parent=village)
    for name in VILLAGERS:
        world.people[name] = make_user(name)
    role_grant(user=world.people["xu_ming"], kind=RoleKind.COMMITTEE_MEMBER, place=village)
    make_member(world.people["he_mei"], village_1)
    make_member(world.people["sun_li"], world.meiluo_2)
    AwayMembership.objects.create(user=world.people["sun_qin"], village=village)
    places = {
        "district": world.district,
        "meiluo": world.meiluo,
        "meiluo_1": world.meiluo_1,
        "meiluo_2": world.meiluo_2,
        "gongkang": world.gongkang,
        "village": village,
    }
    made = {(b.place_id, b.kind): b for b in boards_ensure(list(places.values()))}
    boards = {key: made[(places[place].pk, kind)] for key, place, kind in BOARDS}
    return Town(world=world, village=village, village_1=village_1, boards=boards)


class Api:
    """A logged-in JSON client."""

    def __init__(self, user: User | None) -> None:
        self.client: Client = client_for(user)

    def get(self, url: str, **params: Any) -> Any:
        return self.client.get("/api" + url, params)

    def post(self, url: str, body: dict[str, Any] | None = None) -> Any:
        return self.client.post(
            "/api" + url, json.dumps(body or {}), content_type="application/json"
        )

    def patch(self, url: str, body: dict[str, Any]) -> Any:
        return self.client.patch("/api" + url, json.dumps(body), content_type="application/json")

    def put(self, url: str) -> Any:
        return self.client.put("/api" + url)

    def delete(self, url: str) -> Any:
        return self.client.delete("/api" + url)


def api(user: User | None) -> Api:
    return Api(user)


def post_body(kind: str, title: str = "标题", body: str = "<p>正文内容</p>") -> dict[str, Any]:
    """A valid new post for a board of ``kind``."""
    extras: dict[str, dict[str, Any]] = {
        BoardKind.GUIDE: {"matter": "办理居住证", "steps": ["网上预约", "窗口办理"]},
        BoardKind.MUTUAL_AID: {"need": "request"},
        BoardKind.IDLE: {"item": "儿童自行车", "deal": "free", "condition": "used"},
    }
    extra = extras.get(kind, {})
    return {"title": title, "body": body, "extra": extra}


def make_post(board: Board, author: User, title: str = "标题", **fields: Any) -> Post:
    """A post written straight to the database (no rules, no events)."""
    values: dict[str, Any] = {
        "title": title,
        "body": f"<p>{title}的正文</p>",
        "body_text": f"{title}的正文",
        "extra": post_body(board.kind)["extra"],
    }
    values.update(fields)
    return Post.objects.create(board=board, author=author, **values)


@pytest.fixture
def close_connections() -> Iterator[None]:
    """Async tests touch the database from worker threads; close those connections."""
    yield
    connections.close_all()
