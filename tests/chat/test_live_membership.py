"""Subscriptions follow membership live; a client that was away gets exactly what it missed."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from communities.models import JoinApplication, Membership
from communities.services import application_approve, membership_revoke
from tests.chat.ws import ready
from tests.conftest import World

pytestmark = pytest.mark.django_db(transaction=True)


def send_frame(conversation: int, body: str, client_id: str) -> dict:
    return {"op": "send", "conversation": conversation, "body": body, "client_id": client_id}


async def test_approval_puts_the_resident_into_the_estate_group_without_reconnecting(
    neighbours: World, estate_chat: int
) -> None:
    newcomer = neighbours.nobody
    application = await sync_to_async(JoinApplication.objects.create)(
        applicant=newcomer,
        estate=neighbours.meiluo_1,
        real_name="新邻居",
        phone="+8613800000000",
        building="1",
        room="101",
    )
    socket = await ready(newcomer)
    wang = await ready(neighbours.wang_fang)
    await wang.request(send_frame(estate_chat, "before", "b"))
    assert (await socket.request({"op": "history", "conversation": estate_chat}))[
        "code"
    ] == "not_found"

    await sync_to_async(application_approve)(actor=neighbours.li_wei, application_id=application.pk)
    decided = await socket.receive_type("application.decided")
    assert decided["status"] == "approved"
    await wang.request(send_frame(estate_chat, "欢迎新邻居", "w"))
    welcome = await socket.receive_type("message.new")
    assert welcome["message"]["body"] == "欢迎新邻居"
    await socket.close()
    await wang.close()


async def test_revoking_a_membership_takes_the_resident_out_at_once(
    neighbours: World, estate_chat: int
) -> None:
    zhao = await ready(neighbours.zhao_lei)
    wang = await ready(neighbours.wang_fang)
    membership = await sync_to_async(Membership.objects.get)(
        user=neighbours.zhao_lei, estate=neighbours.meiluo_1
    )
    await sync_to_async(membership_revoke)(
        actor=neighbours.li_wei, membership_id=membership.pk, reason="已搬离"
    )
    changed = await zhao.receive_type("membership.changed")
    assert changed["status"] == "revoked"
    assert changed["reason"] == "已搬离"
    await wang.request(send_frame(estate_chat, "zhao_lei must not see this", "x"))
    assert await zhao.nothing(0.5)
    reply = await zhao.request(send_frame(estate_chat, "still here?", "y"))
    assert reply["code"] == "not_found"
    await zhao.close()
    await wang.close()


async def test_only_the_committee_may_revoke(neighbours: World) -> None:
    from communities.errors import NotFound

    membership = await sync_to_async(Membership.objects.get)(
        user=neighbours.zhao_lei, estate=neighbours.meiluo_1
    )
    for person in ("wang_fang", "liu_yang", "lin_na", "zhou_qiang"):
        with pytest.raises(NotFound):
            await sync_to_async(membership_revoke)(
                actor=neighbours.people[person], membership_id=membership.pk, reason="x"
            )
    await sync_to_async(membership.refresh_from_db)()
    assert membership.status == "active"


async def test_resume_replays_exactly_what_was_missed_in_order(
    neighbours: World, estate_chat: int
) -> None:
    zhao = await ready(neighbours.zhao_lei)
    wang = await ready(neighbours.wang_fang)
    await wang.request(send_frame(estate_chat, "seen", "s"))
    seen = await zhao.receive_type("message.new")
    await zhao.close()  # the network drops

    missed = []
    for n in range(5):
        missed.append(
            (await wang.request(send_frame(estate_chat, f"missed {n}", f"m{n}")))["message"]["id"]
        )
    await wang.request({"op": "like", "message": missed[0]})

    zhao = await ready(neighbours.zhao_lei)
    await zhao.send({"op": "resume", "after": seen["id"], "ref": "resume"})
    frames = []
    while True:
        frame = await zhao.receive()
        if frame.get("ref") == "resume":
            break
        frames.append(frame)
    done = frame
    assert done["type"] == "resumed"
    assert done["complete"] is True
    # The client drops ids it has already seen; what remains is exactly what it missed.
    fresh = [f for f in frames if f.get("id", 0) > seen["id"]]
    assert [f["message"]["id"] for f in fresh if f["type"] == "message.new"] == missed
    assert [f["type"] for f in fresh][-1] == "message.liked"
    ids = [f["id"] for f in fresh]
    assert ids == sorted(ids)
    assert done["last_event_id"] == ids[-1]
    await zhao.close()
    await wang.close()


async def test_resume_never_replays_streams_one_is_not_in(
    neighbours: World, estate_chat: int
) -> None:
    wang = await ready(neighbours.wang_fang)
    await wang.request(send_frame(estate_chat, "美罗一期 only", "p"))
    sun = await ready(neighbours.sun_li)
    await sun.send({"op": "resume", "after": 0, "ref": "r"})
    while True:
        frame = await sun.receive()
        assert frame.get("type") != "message.new", frame
        if frame.get("ref") == "r":
            break
    await wang.close()
    await sun.close()
