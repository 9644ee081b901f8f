"""Claims: a committee member opening a console item takes it; the others see who has it,
cannot take it by accident (409), can take it over on purpose, and the claim ends when the
item is decided or left too long."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connections
from django.test import Client
from django.utils import timezone

from communities.moderation import claims
from communities.moderation.models import Claim
from communities.moderation.settle import settle
from realtime.models import Event
from tests.conftest import World, client_for, running_on_services
from tests.moderation.waiting import Waiting, by_kind, items_url, make_waiting, post


def claim_url(kind: str, pk: int) -> str:
    return f"/api/console/items/{kind}/{pk}/claim"


def staff_events() -> list[dict[str, Any]]:
    return [
        {"type": e.type, "stream": e.stream, **e.payload}
        for e in Event.objects.filter(type__startswith="console.").order_by("id")
    ]


def holder(world: World, kind: str, pk: int) -> Any:
    items = by_kind(client_for(world.zheng_hua).get(items_url(world)).json()["items"])
    return items[kind][pk]["claimed_by"]


@pytest.fixture
def waiting(world: World) -> Waiting:
    return make_waiting(world)


def test_one_member_claims_and_the_other_sees_who_has_it(world: World, waiting: Waiting) -> None:
    li, zheng = client_for(world.li_wei), client_for(world.zheng_hua)
    url = claim_url("report", waiting.report.pk)

    response = post(li, url)
    assert response.status_code == 200
    item = response.json()
    assert (item["kind"], item["id"]) == ("report", waiting.report.pk)
    assert item["claimed_by"]["id"] == world.li_wei.pk
    assert holder(world, "report", waiting.report.pk)["name"] == "li_wei"

    refused = post(zheng, url)
    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "claimed"
    assert "li_wei" in body["detail"]
    assert body["errors"] == {"claimed_by": "li_wei"}
    assert Claim.objects.get().claimed_by == world.li_wei

    events = staff_events()
    assert events == [
        {
            "type": "console.claimed",
            "stream": f"staff.{world.meiluo.pk}",
            "kind": "report",
            "item_id": waiting.report.pk,
            "by": {"id": world.li_wei.pk, "name": "li_wei", "party": False},
            "at": events[0]["at"],
        }
    ]


def test_claiming_again_renews_without_news(world: World, waiting: Waiting) -> None:
    li = client_for(world.li_wei)
    url = claim_url("letter", waiting.letter.pk)
    assert post(li, url).status_code == 200
    first = Claim.objects.get().claimed_at
    assert post(li, url).status_code == 200
    assert Claim.objects.get().claimed_at >= first
    assert len(staff_events()) == 1


def test_the_holder_releases_and_others_release_only_by_force(
    world: World, waiting: Waiting
) -> None:
    li, zheng = client_for(world.li_wei), client_for(world.zheng_hua)
    url = claim_url("application", waiting.application.pk)
    post(li, url)

    refused = zheng.delete(url)
    assert (refused.status_code, refused.json()["code"]) == (409, "claimed")
    assert Claim.objects.count() == 1

    assert zheng.delete(url + "?force=true").status_code == 204
    assert not Claim.objects.exists()
    assert staff_events()[-1]["by"] is None
    assert holder(world, "application", waiting.application.pk) is None

    post(zheng, url)
    assert li.delete(url + "?force=true").status_code == 204
    post(li, url)
    assert li.delete(url).status_code == 204
    assert li.delete(url).status_code == 204  # nothing to release is no error
    assert not Claim.objects.exists()


def test_a_member_takes_an_item_over_on_purpose(world: World, waiting: Waiting) -> None:
    li, zheng = client_for(world.li_wei), client_for(world.zheng_hua)
    url = claim_url("topic_proposal", waiting.proposal.pk)
    post(li, url)
    taken = post(zheng, url, {"force": True})
    assert taken.status_code == 200
    assert taken.json()["claimed_by"]["id"] == world.zheng_hua.pk
    assert Claim.objects.get().claimed_by == world.zheng_hua
    assert [e["by"]["id"] for e in staff_events()] == [world.li_wei.pk, world.zheng_hua.pk]


def test_a_claim_left_too_long_lapses(world: World, waiting: Waiting, settings: Any) -> None:
    settings.CONSOLE_CLAIM_TTL = 600
    url = claim_url("post", waiting.post.pk)
    post(client_for(world.li_wei), url)
    Claim.objects.update(claimed_at=timezone.now() - timedelta(seconds=601))
    assert holder(world, "post", waiting.post.pk) is None
    response = post(client_for(world.zheng_hua), url)
    assert response.status_code == 200
    assert Claim.objects.get().claimed_by == world.zheng_hua
    assert staff_events()[-1]["by"]["id"] == world.zheng_hua.pk


@pytest.mark.parametrize(
    ("name", "status", "code"),
    [
        ("liu_yang", 403, "read_only"),
        ("huang_jun", 403, "read_only"),
        ("wang_fang", 404, "not_found"),
        ("zhao_lei", 404, "not_found"),
        ("zhou_qiang", 404, "not_found"),
        ("wu_hao", 404, "not_found"),
        ("lin_na", 404, "not_found"),
        ("nobody", 404, "not_found"),
    ],
)
def test_only_the_committee_claims_and_a_refusal_changes_nothing(
    world: World, waiting: Waiting, name: str, status: int, code: str
) -> None:
    client = client_for(world.people[name])
    for url in (claim_url("report", waiting.report.pk), claim_url("letter", waiting.letter.pk)):
        response = post(client, url)
        assert (response.status_code, response.json()["code"]) == (status, code)
        response = client.delete(url)
        assert (response.status_code, response.json()["code"]) == (status, code)
    assert not Claim.objects.exists()
    assert staff_events() == []


def test_claims_of_missing_decided_or_unknown_items_are_refused(
    world: World, waiting: Waiting
) -> None:
    li = client_for(world.li_wei)
    assert post(li, claim_url("letter", 999999)).status_code == 404
    assert post(li, claim_url("letter", waiting.elsewhere[-2][1])).json()["code"] == "not_pending"
    unknown = post(li, claim_url("spaceship", 1))
    assert (unknown.status_code, unknown.json()["code"]) == (400, "invalid")
    assert Client().post(claim_url("letter", waiting.letter.pk)).status_code == 401
    assert not Claim.objects.exists()


def test_settling_an_item_ends_its_claim_and_tells_the_consoles(
    world: World, waiting: Waiting
) -> None:
    claims.claim(actor=world.li_wei, kind="application", item_id=waiting.application.pk)
    settle(community_id=world.meiluo.pk, kind="application", item_id=waiting.application.pk)
    assert not Claim.objects.exists()
    assert staff_events()[-1] == {
        "type": "console.item_removed",
        "stream": f"staff.{world.meiluo.pk}",
        "kind": "application",
        "item_id": waiting.application.pk,
    }


@pytest.mark.django_db(transaction=True)
def test_two_members_claiming_at_once_never_both_get_it(world: World) -> None:
    """On PostgreSQL both requests run at once, each on its own connection; SQLite
    serialises writers, so there they run one after the other."""
    waiting = make_waiting(world)
    names = ("li_wei", "zheng_hua")
    clients = {name: client_for(world.people[name]) for name in names}
    barrier = threading.Barrier(len(names))
    answers: dict[str, int] = {}

    def take(name: str, together: bool) -> None:
        if together:
            barrier.wait()
        try:
            url = claim_url("letter", waiting.letter.pk)
            answers[name] = post(clients[name], url).status_code
        finally:
            if together:
                connections.close_all()

    if running_on_services():
        threads = [threading.Thread(target=take, args=(name, True)) for name in names]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    else:
        for name in names:
            take(name, False)
    assert sorted(answers.values()) == [200, 409]
    winner = next(name for name, status in answers.items() if status == 200)
    assert Claim.objects.get().claimed_by == world.people[winner]


def test_refusals_speak_the_members_language(world: World, waiting: Waiting) -> None:
    post(client_for(world.li_wei), claim_url("letter", waiting.letter.pk))
    zheng = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    zheng.force_login(world.zheng_hua)
    refused = post(zheng, claim_url("letter", waiting.letter.pk))
    assert refused.json()["detail"] == "li_wei 正在处理该事项。"
    supervisor = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    supervisor.force_login(world.liu_yang)
    assert post(supervisor, claim_url("letter", waiting.letter.pk)).json()["detail"] == (
        "街镇和区督导可以查看管理台，但不能处理其中的事项。"
    )
