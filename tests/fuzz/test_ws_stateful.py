"""/ws/ as a state machine (hypothesis): two neighbours send, retry, edit, delete, like and
read in their estate's chat in any order; after every step the history either of them
gets is the one a model of the rules predicts, and the database holds no half state."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Coroutine
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import connections
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from chat.models import Message, ReadMark
from realtime.models import Event
from tests.chat.ws import Socket, ready
from tests.fuzz.budget import examples, timeout
from tests.fuzz.conftest import ChatWorld
from tests.fuzz.invariants import chat_problems

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(timeout(300))]

RUNS = examples(6)
STEPS = 10
refs = itertools.count()


@dataclass
class Posted:
    id: int
    author: str
    body: str
    deleted: bool = False
    likers: set[str] = field(default_factory=set)


@dataclass
class Harness:
    loop: asyncio.AbstractEventLoop
    chat: int
    sockets: dict[str, Socket]

    def run(self, coroutine: Coroutine[Any, Any, dict[str, Any]]) -> dict[str, Any]:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(30)

    def request(self, who: str, frame: dict[str, Any]) -> dict[str, Any]:
        return self.run(self.sockets[who].request({**frame, "ref": f"s{next(refs)}"}))


def cleaned(body: str) -> str:
    return body.replace("\x00", "").strip()


bodies = st.one_of(
    st.text(min_size=1, max_size=40),
    st.sampled_from(["楼下的快递柜坏了", "  padded  ", "\x00", "a\x00b", " ", "🏠"]),
)
people = st.sampled_from(["wang_fang", "zhao_lei"])


def machine_for(harness: Harness) -> type[RuleBasedStateMachine]:
    class Chat(RuleBasedStateMachine):
        client_ids = Bundle("client_ids")

        @initialize()
        def start(self) -> None:
            # Each run starts from an empty chat (the database outlives the runs).
            Message.objects.all().delete()
            ReadMark.objects.all().delete()
            Event.objects.filter(type__startswith="message.").delete()
            Event.objects.filter(type="read.updated").delete()
            self.messages: dict[int, Posted] = {}
            self.by_client_id: dict[tuple[str, str], int] = {}
            self.read_up_to = {"wang_fang": 0, "zhao_lei": 0}
            # Client ids are per author and must be new in each run of the machine.
            self.run_id = next(refs)

        @rule(target=client_ids, who=people, body=bodies, suffix=st.integers(0, 10**6))
        def send(self, who: str, body: str, suffix: int) -> tuple[str, str]:
            client_id = f"r{self.run_id}-{suffix}"
            self._send(who, client_id, body)
            return (who, client_id)

        @rule(sent=client_ids, body=bodies)
        def retry(self, sent: tuple[str, str], body: str) -> None:
            """The same client id again: the first message, never a second one."""
            who, client_id = sent
            self._send(who, client_id, body)

        def _send(self, who: str, client_id: str, body: str) -> None:
            frame = {"op": "send", "conversation": harness.chat, "client_id": client_id}
            reply = harness.request(who, {**frame, "body": body})
            first = self.by_client_id.get((who, client_id))
            if first is not None:
                assert reply["type"] == "ack", reply
                assert reply["duplicate"] is True
                assert reply["message"]["id"] == first
                return
            if not cleaned(body):
                assert reply["type"] == "error", reply
                assert reply["code"] == "empty"
                return
            assert reply["type"] == "ack", reply
            assert reply["duplicate"] is False
            message = reply["message"]
            assert message["body"] == cleaned(body)
            self.messages[message["id"]] = Posted(message["id"], who, cleaned(body))
            self.by_client_id[(who, client_id)] = message["id"]

        def _pick(self, data: st.DataObject) -> Posted | None:
            if not self.messages:
                return None
            return self.messages[data.draw(st.sampled_from(sorted(self.messages)))]

        @rule(who=people, body=bodies, data=st.data())
        def edit(self, who: str, body: str, data: st.DataObject) -> None:
            target = self._pick(data)
            if target is None:
                return
            reply = harness.request(who, {"op": "edit", "message": target.id, "body": body})
            if target.author != who or target.deleted:
                assert (reply["type"], reply.get("code")) == ("error", "not_found"), reply
            elif not cleaned(body):
                assert (reply["type"], reply.get("code")) == ("error", "empty"), reply
            else:
                assert reply == {"type": "ack", "message_id": target.id, "ref": reply["ref"]}
                target.body = cleaned(body)

        @rule(who=people, data=st.data())
        def delete(self, who: str, data: st.DataObject) -> None:
            target = self._pick(data)
            if target is None:
                return
            reply = harness.request(who, {"op": "delete", "message": target.id})
            if target.author != who or target.deleted:
                assert (reply["type"], reply.get("code")) == ("error", "not_found"), reply
            else:
                assert reply["type"] == "ack", reply
                target.deleted = True

        @rule(who=people, liked=st.booleans(), data=st.data())
        def like(self, who: str, liked: bool, data: st.DataObject) -> None:
            target = self._pick(data)
            if target is None:
                return
            reply = harness.request(who, {"op": "like", "message": target.id, "liked": liked})
            if target.deleted:
                assert (reply["type"], reply.get("code")) == ("error", "not_found"), reply
                return
            (target.likers.add if liked else target.likers.discard)(who)
            assert reply["type"] == "ack", reply
            assert reply["likes"] == len(target.likers)

        @rule(who=people, ahead=st.integers(-3, 3), data=st.data())
        def read(self, who: str, ahead: int, data: st.DataObject) -> None:
            target = self._pick(data)
            up_to = max(0, (target.id if target else 0) + ahead)
            reply = harness.request(
                who, {"op": "read", "conversation": harness.chat, "up_to": up_to}
            )
            assert reply["type"] == "ack", reply
            newest = max([m.id for m in self.messages.values()] + [self.read_up_to[who]], default=0)
            self.read_up_to[who] = max(self.read_up_to[who], min(up_to, newest))
            assert reply["up_to"] == self.read_up_to[who]

        @invariant()
        def history_is_the_model(self) -> None:
            if not hasattr(self, "messages"):
                return
            for who in ("wang_fang", "zhao_lei"):
                frame = {"op": "history", "conversation": harness.chat, "limit": 100}
                reply = harness.request(who, frame)
                assert reply["type"] == "history", reply
                mine = [m for m in reply["messages"] if m["id"] in self.messages]
                seen = [(m["id"], m["body"], m["deleted"], m["likes"]) for m in mine]
                expected = [
                    (m.id, "" if m.deleted else m.body, m.deleted, len(m.likers))
                    for m in sorted(self.messages.values(), key=lambda m: m.id)
                ][-100:]
                assert seen == expected

        @invariant()
        def nothing_half_written(self) -> None:
            assert chat_problems() == []

    return Chat


@pytest.fixture
async def harness(chat_world: ChatWorld) -> AsyncIterator[Harness]:
    world = chat_world.world
    sockets = {
        "wang_fang": await ready(world.wang_fang),
        "zhao_lei": await ready(world.zhao_lei, binary=True),
    }
    yield Harness(loop=asyncio.get_running_loop(), chat=chat_world.estate_chat, sockets=sockets)
    for socket in sockets.values():
        await socket.close()


async def test_history_follows_the_rules_whatever_the_order(harness: Harness) -> None:
    machine = machine_for(harness)
    machine.TestCase.settings = settings(
        max_examples=RUNS,
        stateful_step_count=STEPS,
        deadline=None,
        database=None,
        # Fixed examples: hypothesis seeds a state machine from its own code here.
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )

    def run() -> None:
        try:
            run_state_machine_as_test(machine, settings=machine.TestCase.settings)
        finally:
            connections.close_all()

    await asyncio.to_thread(run)
