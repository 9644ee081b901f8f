"""Live over the WebSocket: a call-out reaches exactly its audience, the roster reaches the
organisers only, a promoted volunteer hears it, report-ins reach the committee."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from communities.volunteering import services
from communities.volunteering.models import Callout
from tests.chat.ws import Socket, ready
from tests.conftest import World
from tests.volunteering.conftest import make_callout

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("close_connections")]

OURS = ("callout.", "signup.", "party.")


async def sockets(world: World, *names: str) -> dict[str, Socket]:
    return {name: await ready(world.people[name]) for name in names}


async def close(connected: dict[str, Socket]) -> None:
    for socket in connected.values():
        await socket.close()


async def frames(socket: Socket, within: float = 0.5) -> list[dict[str, Any]]:
    """Our frames ``socket`` receives within ``within`` seconds (presence, board posts and
    the like are not counted)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    seen: list[dict[str, Any]] = []
    while (left := deadline - loop.time()) > 0:
        if not socket.pending and await socket.communicator.receive_nothing(left):
            break
        frame = await socket.receive()
        if frame["type"].startswith(OURS):
            seen.append(frame)
    return seen


create = sync_to_async(make_callout)


@pytest.mark.parametrize(
    ("audience", "reached", "not_reached"),
    [
        (
            "party",
            ("zhao_lei", "he_ping", "li_wei"),
            ("wang_fang", "sun_li", "zhou_qiang", "liu_yang", "chen_jie"),
        ),
        (
            "residents",
            ("wang_fang", "sun_li", "zhou_qiang", "he_ping", "li_wei"),
            ("liu_yang", "chen_jie", "lin_na"),
        ),
    ],
)
async def test_a_call_out_reaches_its_audience_only(
    branch: World, audience: str, reached: tuple[str, ...], not_reached: tuple[str, ...]
) -> None:
    connected = await sockets(branch, *reached, *not_reached)
    callout = await create(branch, organiser="zhang_min", audience=audience)
    for name in reached:
        frame = await connected[name].receive_type("callout.created")
        assert frame["callout"]["id"] == callout.pk, name
        assert frame["callout"]["audience"] == audience
    for name in not_reached:
        assert await frames(connected[name]) == [], name
    await close(connected)


async def test_sign_ups_fill_the_count_for_viewers_and_the_roster_for_organisers(
    branch: World,
) -> None:
    callout: Callout = await create(branch, organiser="li_wei", audience="residents", capacity=1)
    connected = await sockets(branch, "li_wei", "zheng_hua", "sun_li", "wang_fang")
    await sync_to_async(services.signup_create)(user=branch.wang_fang, callout_id=callout.pk)
    for name in ("li_wei", "zheng_hua"):
        roster = await connected[name].receive_type("callout.roster")
        assert roster["callout_id"] == callout.pk
        assert [e["user"]["name"] for e in roster["entries"]] == ["wang_fang"]
    updated = await connected["sun_li"].receive_type("callout.updated")
    assert (updated["callout"]["confirmed"], updated["callout"]["waiting"]) == (1, 0)
    assert [f["type"] for f in await frames(connected["sun_li"])] == []  # no roster for her
    mine = await connected["wang_fang"].receive_type("signup.changed")
    assert mine["reason"] == "signed_up"
    assert mine["signup"]["status"] == "confirmed"

    await sync_to_async(services.signup_create)(user=branch.sun_li, callout_id=callout.pk)
    waiting = await connected["sun_li"].receive_type("signup.changed")
    assert (waiting["signup"]["status"], waiting["signup"]["position"]) == ("waiting", 1)
    await sync_to_async(services.signup_cancel)(user=branch.wang_fang, callout_id=callout.pk)
    promoted = await connected["sun_li"].receive_type("signup.changed")
    assert promoted["reason"] == "promoted"
    assert promoted["signup"]["status"] == "confirmed"
    await close(connected)


async def test_report_ins_reach_the_committee_and_the_decision_the_applicant(
    branch: World,
) -> None:
    connected = await sockets(branch, "li_wei", "qian_hong", "zhao_lei", "wang_fang")
    report_in = await sync_to_async(services.report_in_submit)(
        user=branch.qian_hong,
        community_id=branch.meiluo.pk,
        home_branch="宝山区城建公司党支部",
        show_identity=True,
    )
    frame = await connected["li_wei"].receive_type("party.report_in")
    assert frame["report_in"]["id"] == report_in.pk
    assert frame["report_in"]["status"] == "pending"
    for name in ("zhao_lei", "wang_fang"):
        assert await frames(connected[name]) == [], name
    await sync_to_async(services.report_in_confirm)(
        actor=branch.zhang_min, report_in_id=report_in.pk
    )
    decided = await connected["qian_hong"].receive_type("party.report_in")
    assert decided["report_in"]["status"] == "confirmed"
    await close(connected)


async def test_once_confirmed_an_open_page_hears_the_party_call_outs(branch: World) -> None:
    connected = await sockets(branch, "qian_hong")
    report_in = await sync_to_async(services.report_in_submit)(
        user=branch.qian_hong,
        community_id=branch.meiluo.pk,
        home_branch="宝山区城建公司党支部",
        show_identity=False,
    )
    await sync_to_async(services.report_in_confirm)(
        actor=branch.zhang_min, report_in_id=report_in.pk
    )
    await connected["qian_hong"].receive_type("party.report_in")
    # The socket works out what it follows again; a ping round trip shows it has.
    await connected["qian_hong"].request({"op": "ping"})
    callout = await create(branch, organiser="zhang_min", audience="party")
    frame = await connected["qian_hong"].receive_type("callout.created")
    assert frame["callout"]["id"] == callout.pk
    await close(connected)
