"""The console with the moderation endpoints it acts through: residents' reports arrive,
counted; acting on one (hiding the item, dismissing it) takes it off every console; a report
referred to the party secretary is decided by the secretary only."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.db import connections

from chat.models import Message
from chat.services import estate_conversations_ensure
from communities.moderation.models import Claim, Report
from realtime.models import Event
from tests.chat.ws import ready
from tests.conftest import World, client_for, make_member
from tests.moderation.waiting import by_kind, items_url, make_waiting, post


@pytest.fixture
def advert(world: World) -> Message:
    """zhao_lei's advert in 美罗一期's estate group (wang_fang lives there too)."""
    make_member(world.zhao_lei, world.meiluo_1)
    conversation = estate_conversations_ensure(estate_ids=[world.meiluo_1.pk])[world.meiluo_1.pk]
    return Message.objects.create(
        conversation_id=conversation, author=world.zhao_lei, client_id="c-ad", body="加微信领红包"
    )


def report(world: World, name: str, message: Message, reason: str = "spam") -> Any:
    body = {"target_kind": "message", "target_id": message.pk, "reason": reason}
    return post(client_for(world.people[name]), "/api/moderation/reports", body)


def console_reports(world: World, name: str = "li_wei") -> dict[int, dict[str, Any]]:
    items = client_for(world.people[name]).get(items_url(world)).json()["items"]
    return by_kind(items).get("report", {})


def test_reports_are_counted_in_the_console_and_hiding_the_item_settles_them(
    world: World, advert: Message
) -> None:
    assert report(world, "wang_fang", advert).status_code == 201
    assert report(world, "li_wei", advert, "abuse").status_code == 201
    assert report(world, "wang_fang", advert).status_code == 200  # again: nothing changes

    (item,) = console_reports(world).values()
    assert item["extra"]["count"] == 2
    assert item["extra"]["reasons"] == {"spam": 1, "abuse": 1}
    assert item["author"]["id"] == world.zhao_lei.pk
    assert item["summary"] == "加微信领红包"
    assert item["link"] == f"/chat/{advert.conversation_id}"

    hidden = post(
        client_for(world.zheng_hua),
        f"/api/moderation/messages/{advert.pk}/hide",
        {"reason": "广告"},
    )
    assert hidden.status_code == 200
    assert console_reports(world) == {}
    assert Report.objects.get().status == Report.Status.ACTIONED


def test_a_dismissed_report_leaves_the_console(world: World, advert: Message) -> None:
    report(world, "wang_fang", advert)
    (report_id,) = console_reports(world)
    url = f"/api/moderation/reports/{report_id}/dismiss"
    assert post(client_for(world.li_wei), url, {"note": "不是广告"}).status_code == 200
    assert console_reports(world, "zheng_hua") == {}


def test_a_report_referred_to_the_secretary_is_decided_by_the_secretary(
    world: World, advert: Message
) -> None:
    report(world, "wang_fang", advert)
    (report_id,) = console_reports(world)
    refer = f"/api/console/items/report/{report_id}/refer"
    assert post(client_for(world.li_wei), refer, {"note": "涉及党员"}).json()["gated"] is True

    dismiss = f"/api/moderation/reports/{report_id}/dismiss"
    refused = post(client_for(world.zheng_hua), dismiss)
    assert (refused.status_code, refused.json()["code"]) == (403, "gated")
    hide = f"/api/moderation/messages/{advert.pk}/hide"
    refused = post(client_for(world.li_wei), hide, {"reason": "广告"})
    assert (refused.status_code, refused.json()["code"]) == (403, "gated")
    assert console_reports(world)[report_id]["may_decide"] is False
    assert console_reports(world, "zhang_min")[report_id]["may_decide"] is True

    assert post(client_for(world.zhang_min), dismiss).status_code == 200
    assert console_reports(world) == {}


@pytest.mark.django_db(transaction=True)
async def test_every_open_console_hears_of_a_new_report_and_its_end(
    world: World, advert: Message
) -> None:
    try:
        li, zheng = await ready(world.li_wei), await ready(world.zheng_hua)
        wang = await ready(world.wang_fang)
        await sync_to_async(report)(world, "wang_fang", advert)
        for socket in (li, zheng):
            frame = await socket.receive_type("report.opened")
            assert frame["stream"] == f"staff.{world.meiluo.pk}"
            assert frame["report"]["target_id"] == advert.pk
        hide = f"/api/moderation/messages/{advert.pk}/hide"
        await sync_to_async(lambda: post(client_for(world.li_wei), hide, {"reason": "广告"}))()
        for socket in (li, zheng):
            frame = await socket.receive_type("report.updated")
            assert frame["report"]["status"] == "actioned"
        # The reporter is no committee member: no report frames for her.
        frames = []
        while not await wang.nothing(0.3):
            frames.append((await wang.receive())["type"])
        assert not [f for f in frames if f.startswith(("report.", "console."))]
        for socket in (li, zheng, wang):
            await socket.close()
    finally:
        await sync_to_async(connections.close_all)()


def test_reviewing_a_post_ends_its_claim_and_tells_every_console(world: World) -> None:
    waiting = make_waiting(world)
    li = client_for(world.li_wei)
    post(li, f"/api/console/items/post/{waiting.post.pk}/claim")
    rejected = post(
        li, f"/api/boards/posts/{waiting.post.pk}/review", {"decision": "reject", "reason": "重复"}
    )
    assert rejected.status_code == 200
    assert not Claim.objects.exists()
    removed = Event.objects.get(type="console.item_removed")
    assert removed.stream == f"staff.{world.meiluo.pk}"
    assert removed.payload == {"kind": "post", "item_id": waiting.post.pk}
    posts = by_kind(client_for(world.zheng_hua).get(items_url(world)).json()["items"])["post"]
    assert waiting.post.pk not in posts
