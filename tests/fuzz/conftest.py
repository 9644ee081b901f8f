"""The fuzzers' world: the shared fixture district, two neighbours and their estate's chat."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connections

from chat.services import estate_conversations_ensure
from tests.conftest import World, make_member


@dataclass
class ChatWorld:
    world: World
    estate_chat: int  # 美罗一期's group: wang_fang and zhao_lei live there, li_wei moderates


@pytest.fixture
def chat_world(world: World, settings: Any) -> ChatWorld:
    make_member(world.zhao_lei, world.meiluo_1)
    chat = estate_conversations_ensure(estate_ids=[world.meiluo_1.pk])[world.meiluo_1.pk]
    # The fuzzers send hundreds of frames in seconds: the flood limits are not under test
    # here (their own tests cover them), the handlers behind them are.
    settings.CHAT_FRAME_RATE = "1000000/1"
    settings.CHAT_SEND_RATE = "1000000/1"
    return ChatWorld(world=world, estate_chat=chat)


class ErrorLog(logging.Handler):
    """Every record at ERROR or above, from any logger, while a fuzzer runs."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def take(self) -> list[str]:
        taken = [
            f"{record.name}: {record.getMessage()}\n{self.format(record)}"
            for record in self.records
        ]
        self.records.clear()
        return taken


@pytest.fixture
def error_log() -> Iterator[ErrorLog]:
    handler = ErrorLog()
    handler.setFormatter(logging.Formatter("%(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)


@pytest.fixture(autouse=True)
def _close_thread_connections() -> Iterator[None]:
    """The consumer touches the database from worker threads; close those connections so
    the test database can be flushed and dropped."""
    yield
    connections.close_all()
