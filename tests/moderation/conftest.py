"""Moderation fixtures: the ``world`` district with a second resident of 美罗一期
(zhao_lei, also a party member) and one of 美罗二期 (sun_li), the estate group of 美罗一期,
a topic group of 美罗 with an admin, and a helper to post messages."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from django.db import connections

from chat.models import Conversation, Message, Participant
from chat.services import estate_conversations_ensure, message_post
from communities.boards.models import Board, BoardKind
from communities.boards.services import boards_ensure
from communities.models import User
from tests.conftest import World, make_member, make_user
from tests.moderation.waiting import Waiting, make_waiting


@dataclass
class Mod:
    world: World
    estate_chat: int  # 美罗一期's estate group
    topic: int  # a topic group of 美罗: wang_fang is its admin, zhao_lei a member

    def __getattr__(self, name: str) -> User:
        try:
            return self.__dict__["world"].people[name]
        except KeyError:
            raise AttributeError(name) from None

    def board(self, kind: str, place: str = "meiluo") -> Board:
        return Board.objects.get(kind=kind, place=getattr(self.world, place))


@pytest.fixture
def mod(world: World) -> Mod:
    make_member(world.zhao_lei, world.meiluo_1)
    world.people["sun_li"] = make_user("sun_li")
    make_member(world.sun_li, world.meiluo_2)
    estate_chat = estate_conversations_ensure(estate_ids=[world.meiluo_1.pk])[world.meiluo_1.pk]
    topic = Conversation.objects.create(
        kind=Conversation.Kind.TOPIC,
        place=world.meiluo,
        title="垃圾分类",
        created_by=world.wang_fang,
    )
    Participant.objects.create(
        conversation=topic, user=world.wang_fang, role=Participant.Role.ADMIN
    )
    Participant.objects.create(conversation=topic, user=world.zhao_lei)
    boards_ensure([world.meiluo, world.meiluo_1, world.meiluo_2, world.gongkang, world.district])
    return Mod(world=world, estate_chat=estate_chat, topic=topic.pk)


Say = Callable[..., Message]


@pytest.fixture
def say(mod: Mod) -> Say:
    """Post a message: ``say(user, body, conversation=estate group)``."""
    counter = iter(range(1, 10_000))

    def post(user: User, body: str, conversation: int | None = None, **kwargs: object) -> Message:
        message, _ = message_post(
            author=user,
            conversation_id=conversation or mod.estate_chat,
            body=body,
            client_id=f"t{next(counter)}",
            **kwargs,  # type: ignore[arg-type]
        )
        return message

    return post


@pytest.fixture(autouse=True)
def _close_thread_connections() -> Iterator[None]:
    """Async tests touch the database from worker threads; close those connections."""
    yield
    connections.close_all()


__all__ = ["BoardKind", "Mod", "Say"]


@pytest.fixture
def waiting(world: World) -> Waiting:
    """Something of every kind waiting in 美罗家园居委's console (tests/moderation/waiting.py)."""
    return make_waiting(world)
