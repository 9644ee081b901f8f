"""Live queues of cases across two real daphne processes on Redis (the production
topology): the street's desk assigns through one process and the office's officer,
connected to the other, sees the case arrive in the office's queue; the desk's own socket
sees it leave the desk's; the reporter, on the other process again, follows the public
timeline and never receives an internal note."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from communities.models import User
from realtime.tokens import token_issue
from tests.cases.api_world import Cases, cases_world
from tests.chat.test_processes import Peer, open_peer
from tests.conftest import World
from tests.servers import Server, daphne_pair

pytestmark = pytest.mark.services


@pytest.fixture
def servers(transactional_db: None, tmp_path: Path) -> Iterator[list[Server]]:
    with daphne_pair(tmp_path) as pair:
        yield pair


@pytest.fixture
def cw(world: World) -> Cases:
    return cases_world(world)


PEOPLE = ("wang_fang", "li_wei", "desk_officer", "office_officer", "office2_officer")


@pytest.fixture
def cookies(cw: Cases) -> dict[str, str]:
    """Session cookies, made here in the test's own thread (no stray connections)."""

    def cookie(user: User) -> str:
        client = Client()
        client.force_login(user)
        return f"sessionid={client.cookies['sessionid'].value}"

    return {name: cookie(getattr(cw, name)) for name in PEOPLE}


@pytest.fixture
def tokens(cw: Cases) -> dict[str, str]:
    return {name: token_issue(user=getattr(cw, name))[0] for name in PEOPLE}


def call(server: Server, token: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST /api/cases… on ``server`` with a bearer token (no CSRF dance)."""
    request = urllib.request.Request(
        f"{server.url}/api/cases{path}",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (our server)
            assert response.status in (200, 201)
            return dict(json.loads(response.read()))
    except urllib.error.HTTPError as error:
        raise AssertionError(f"{path}: {error.code} {error.read()!r}") from None


async def queue_frame(peer: Peer, case_id: int, unit: tuple[str, int]) -> dict[str, Any]:
    """The next ``case.queue`` frame about this case at this unit (frames of other units'
    queues the same person follows are passed over)."""
    while True:
        frame = await peer.receive_type("case.queue")
        if frame["case_id"] == case_id and (frame["unit"]["kind"], frame["unit"]["id"]) == unit:
            return frame


async def entry_frame(peer: Peer, case_id: int) -> dict[str, Any]:
    """The next new timeline entry of this case. An entry can arrive once per stream that
    carries it (the reporter's own, and the community's for a public case: two event ids),
    so, as a client does, it is taken once by its entry id."""
    seen: set[int] = peer.__dict__.setdefault("entries_seen", set())
    while True:
        frame = await peer.receive_type("case.entry")
        if frame["case_id"] == case_id and frame["entry"]["id"] not in seen:
            seen.add(frame["entry"]["id"])
            return frame


async def test_an_assignment_on_one_process_moves_the_case_between_queues_on_the_other(
    servers: list[Server], cw: Cases, cookies: dict[str, str], tokens: dict[str, str]
) -> None:
    a, b = servers
    desk_unit = ("street", cw.units["desk"].pk)
    office_unit = ("office", cw.units["office"].pk)
    reporter = await open_peer(b, cookies["wang_fang"])
    desk = await open_peer(a, cookies["desk_officer"])
    office = await open_peer(a, cookies["office_officer"])
    other_office = await open_peer(b, cookies["office2_officer"])

    raised = await asyncio.to_thread(
        call,
        a,
        tokens["wang_fang"],
        "",
        {
            "community_id": cw.meiluo.pk,
            "category_id": cw.categories["环境卫生"].pk,
            "description": "小广场被人种上了菜",
            "estate_id": cw.meiluo_1.pk,
            "public": True,
        },
    )
    case_id = raised["id"]
    await asyncio.to_thread(
        call, b, tokens["li_wei"], f"/{case_id}/escalate", {"reason": "需要城管执法"}
    )
    arrived = await queue_frame(desk, case_id, desk_unit)
    assert arrived["action"] == "added"
    assert arrived["case"]["tier"] == "street"
    # The reporter's own page (on process B) follows the public timeline in order.
    assert (await entry_frame(reporter, case_id))["entry"]["kind"] == "submitted"
    escalated = await entry_frame(reporter, case_id)
    assert escalated["entry"]["kind"] == "escalated"
    assert escalated["entry"]["body"] == "需要城管执法"

    # The desk assigns through process B; the office's officer is on process A.
    await asyncio.to_thread(
        call,
        b,
        tokens["desk_officer"],
        f"/{case_id}/assign",
        {"unit_id": cw.units["office"].pk, "reason": "请城管科处理"},
    )
    added = await queue_frame(office, case_id, office_unit)
    assert added["action"] == "added"
    assert added["case"]["id"] == case_id
    assert (added["case"]["tier"], added["case"]["unit"]["id"]) == ("office", office_unit[1])
    assert added["case"]["reporter"]["id"] == cw.wang_fang.pk  # the unit's shape
    left = await queue_frame(desk, case_id, desk_unit)
    assert left["action"] in ("removed", "changed")
    assigned = await entry_frame(reporter, case_id)
    assert assigned["entry"]["kind"] == "assigned"
    assert assigned["entry"]["public"] is True

    # An internal note reaches the office (the unit holding the case now), never the
    # reporter: her next timeline frame is the public reply written after it.
    await asyncio.to_thread(
        call,
        b,
        tokens["office_officer"],
        f"/{case_id}/reply",
        {"body": "种菜的是5号楼的住户", "public": False},
    )
    note = await entry_frame(office, case_id)
    assert (note["entry"]["kind"], note["entry"]["public"]) == ("note", False)
    await asyncio.to_thread(
        call,
        a,
        tokens["office_officer"],
        f"/{case_id}/reply",
        {"body": "已联系住户，本周内恢复绿地", "public": True},
    )
    public = await entry_frame(reporter, case_id)
    assert (public["entry"]["kind"], public["entry"]["public"]) == ("reply", True)
    assert public["entry"]["body"] == "已联系住户，本周内恢复绿地"

    # The other office of the street heard nothing of any of it.
    try:
        frame = await other_office.receive_type("case.queue", within=1.0)
    except TimeoutError:
        frame = None
    assert frame is None
    for peer in (reporter, desk, office, other_office):
        await peer.ws.close()
