"""Real-name joining through the HTTP API: apply, review, decide — and every refusal."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from django.db import connections, transaction
from django.test import Client

from communities import sms
from communities.models import AccessLog, JoinApplication, Membership, PhoneCode, User
from realtime.groups import community_staff_feed, user_group
from tests.conftest import World, client_for

PHONE = "13812345678"
E164 = "+8613812345678"


def post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def send_code(client: Client, phone: str = PHONE) -> str:
    response = post(client, "/api/auth/sms-code", {"phone": phone})
    assert response.status_code == 202, response.content
    return sms.outbox[-1].text.split("code is ")[1][:6]


def application_body(code: str, **overrides: Any) -> dict[str, Any]:
    body = {
        "real_name": "王小明",
        "phone": PHONE,
        "sms_code": code,
        "building": "12",
        "unit": "2",
        "room": "301",
        "password": "a-long-neighbourly-passphrase",
        "note": "刚搬来",
    }
    body.update(overrides)
    return body


def apply_anonymously(world: World, client: Client | None = None) -> tuple[Client, dict]:
    client = client or client_for(None)
    code = send_code(client)
    url = f"/api/join/{world.meiluo_1.join_code}/applications"
    response = post(client, url, application_body(code))
    assert response.status_code == 201, response.content
    return client, response.json()


def test_join_link_shows_where_it_leads(world: World, anon: Client) -> None:
    response = anon.get(f"/api/join/{world.meiluo_1.join_code}")
    assert response.status_code == 200
    data = response.json()
    assert data["estate"]["name"] == "美罗一期"
    assert data["community"]["name"] == "美罗家园居委"
    assert data["street"]["name"] == "罗店镇"
    assert data["district"]["name"] == "宝山区"


def test_unknown_join_code_is_404(world: World, anon: Client) -> None:
    assert anon.get("/api/join/not-a-code").status_code == 404


def test_whole_flow_newcomer_applies_committee_approves_resident_is_member(
    world: World,
) -> None:
    resident, application = apply_anonymously(world)
    assert application["status"] == "pending"
    assert application["phone_masked"] == "138****5678"

    # The account was created and the applicant is logged in.
    me = resident.get("/api/me").json()
    assert me["username"] == E164
    assert me["display_name"] == "王小明"
    assert me["memberships"] == []
    user = User.objects.get(username=E164)
    assert user.password.startswith("argon2")
    assert user.phone_verified_at is not None

    queue = client_for(world.li_wei).get("/api/review/applications").json()
    assert [a["id"] for a in queue] == [application["id"]]
    assert queue[0]["phone"] == E164

    decided = post(client_for(world.li_wei), f"/api/applications/{application['id']}/approve")
    assert decided.status_code == 200
    assert decided.json()["status"] == "approved"
    assert decided.json()["decided_by_name"] == "li_wei"

    me = resident.get("/api/me").json()
    assert [m["estate"]["name"] for m in me["memberships"]] == ["美罗一期"]
    assert me["memberships"][0]["community"]["name"] == "美罗家园居委"
    assert (me["memberships"][0]["building"], me["memberships"][0]["room"]) == ("12", "301")
    mine = resident.get("/api/applications").json()
    assert mine[0]["status"] == "approved"


def test_rejection_needs_a_reason_and_the_applicant_sees_it(world: World) -> None:
    resident, application = apply_anonymously(world)
    committee = client_for(world.li_wei)
    url = f"/api/applications/{application['id']}/reject"
    refused = post(committee, url, {"reason": "   "})
    assert refused.status_code == 400
    assert "reason" in refused.json()["errors"]
    assert JoinApplication.objects.get().status == "pending"

    assert post(committee, url, {"reason": "查无此房号"}).status_code == 200
    mine = resident.get("/api/applications").json()
    assert (mine[0]["status"], mine[0]["reason"]) == ("rejected", "查无此房号")
    assert not Membership.objects.filter(user__username=E164).exists()


def test_a_decided_application_cannot_be_decided_again(world: World) -> None:
    _, application = apply_anonymously(world)
    assert post(client_for(world.li_wei), f"/api/applications/{application['id']}/approve")
    second = post(
        client_for(world.zhang_min),
        f"/api/applications/{application['id']}/reject",
        {"reason": "重复"},
    )
    assert second.status_code == 409
    assert second.json()["code"] == "not_pending"
    assert JoinApplication.objects.get().status == "approved"
    assert Membership.objects.filter(user__username=E164).count() == 1


@pytest.mark.parametrize(
    "person",
    [
        "wang_fang",
        "zhao_lei",
        "zhou_qiang",
        "wu_hao",
        "liu_yang",
        "huang_jun",
        "chen_jie",
        "lin_na",
        "wusong_supervisor",
        "ma_lin",
    ],
)
def test_only_the_communitys_committee_may_decide(world: World, person: str) -> None:
    _, application = apply_anonymously(world)
    client = client_for(world.people[person])
    for action, body in (("approve", None), ("reject", {"reason": "no"})):
        response = post(client, f"/api/applications/{application['id']}/{action}", body)
        assert response.status_code == 404, (person, action)
    assert JoinApplication.objects.get().status == "pending"


@pytest.mark.parametrize(
    ("person", "sees"),
    [
        ("li_wei", True),
        ("zhang_min", True),
        ("zheng_hua", True),
        ("liu_yang", True),
        ("huang_jun", True),
        ("lin_na", False),
        ("wusong_supervisor", False),
        ("wang_fang", None),
        ("zhou_qiang", None),
        ("chen_jie", None),
    ],
)
def test_who_sees_the_review_queue(world: World, person: str, sees: bool | None) -> None:
    apply_anonymously(world)
    response = client_for(world.people[person]).get("/api/review/applications")
    if sees is None:
        assert response.status_code == 403
        assert not AccessLog.objects.filter(actor=world.people[person]).exists()
        return
    assert response.status_code == 200
    assert (len(response.json()) == 1) is sees
    assert AccessLog.objects.filter(actor=world.people[person], action="view_applications")


def test_a_second_pending_application_for_the_same_estate_is_refused(world: World) -> None:
    client, _ = apply_anonymously(world)
    url = f"/api/join/{world.meiluo_1.join_code}/applications"
    again = post(client, url, application_body("", password=None))
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate_pending"
    assert JoinApplication.objects.count() == 1
    # Another estate is fine.
    other = post(
        client,
        f"/api/join/{world.meiluo_2.join_code}/applications",
        application_body("", password=None),
    )
    assert other.status_code == 201, other.content


def test_the_database_refuses_two_pending_applications_even_if_checks_race(world: World) -> None:
    from django.db import IntegrityError, transaction

    _, application = apply_anonymously(world)
    original = JoinApplication.objects.get(pk=application["id"])
    with pytest.raises(IntegrityError), transaction.atomic():
        JoinApplication.objects.create(
            applicant=original.applicant,
            estate=original.estate,
            real_name="x",
            phone=E164,
            building="1",
            room="1",
        )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"phone": "12345"}, "phone"),
        ({"phone": "+1 202 555 0100"}, "phone"),  # valid elsewhere, not a mainland mobile
        ({"phone": "02162345678"}, "phone"),  # Shanghai landline
        ({"real_name": ""}, "real_name"),
        ({"building": " "}, "building"),
        ({"room": ""}, "room"),
        ({"password": "123"}, "password"),
        ({"password": None}, "password"),
        ({"id_card": "110101199003071234"}, "id_card"),  # bad check digit
        ({"note": "长" * 201}, "note"),
    ],
)
def test_bad_input_is_refused_with_the_field_named_and_nothing_written(
    world: World, anon: Client, overrides: dict[str, Any], field: str
) -> None:
    code = send_code(anon)
    url = f"/api/join/{world.meiluo_1.join_code}/applications"
    response = post(anon, url, application_body(code, **overrides))
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not JoinApplication.objects.exists()
    assert not User.objects.filter(username=E164).exists()
    assert PhoneCode.objects.get().used_at is None  # the code is still good


def test_missing_fields_are_a_400_not_a_crash(world: World, anon: Client) -> None:
    response = post(anon, f"/api/join/{world.meiluo_1.join_code}/applications", {"phone": PHONE})
    assert response.status_code == 400
    assert {"real_name", "building", "room"} <= set(response.json()["errors"])


def test_wrong_or_expired_sms_code_is_refused(world: World, anon: Client) -> None:
    from django.utils import timezone

    code = send_code(anon)
    wrong = "000000" if code != "000000" else "111111"
    url = f"/api/join/{world.meiluo_1.join_code}/applications"
    response = post(anon, url, application_body(wrong))
    assert response.status_code == 400
    assert response.json()["code"] == "bad_sms_code"
    assert PhoneCode.objects.get().attempts == 1

    PhoneCode.objects.update(expires_at=timezone.now())
    response = post(anon, url, application_body(code))
    assert response.status_code == 400
    assert "sms_code" in response.json()["errors"]
    assert not JoinApplication.objects.exists()


def test_a_code_is_burnt_after_too_many_wrong_guesses(
    world: World, anon: Client, settings: Any
) -> None:
    settings.SMS_CODE_MAX_ATTEMPTS = 3
    code = send_code(anon)
    url = f"/api/join/{world.meiluo_1.join_code}/applications"
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(3):
        assert post(anon, url, application_body(wrong)).status_code == 400
    assert post(anon, url, application_body(code)).status_code == 400


def test_sms_codes_are_rate_limited(world: World, anon: Client, settings: Any) -> None:
    settings.SMS_CODE_RESEND_AFTER = __import__("datetime").timedelta(0)
    settings.SMS_CODE_LIMIT = "2/3600"
    assert post(anon, "/api/auth/sms-code", {"phone": PHONE}).status_code == 202
    assert post(anon, "/api/auth/sms-code", {"phone": PHONE}).status_code == 202
    third = post(anon, "/api/auth/sms-code", {"phone": PHONE})
    assert third.status_code == 429
    assert int(third["Retry-After"]) > 0
    assert len(sms.outbox) == 2


def test_a_resend_too_soon_is_refused(world: World, anon: Client) -> None:
    send_code(anon)
    response = post(anon, "/api/auth/sms-code", {"phone": PHONE})
    assert response.status_code == 429
    assert len(sms.outbox) == 1


def test_applications_are_rate_limited(world: World, settings: Any) -> None:
    settings.JOIN_APPLICATION_LIMIT = "2/3600"
    client = client_for(world.chen_jie)
    world.chen_jie.phone = E164
    world.chen_jie.phone_verified_at = __import__("django.utils.timezone").utils.timezone.now()
    world.chen_jie.save()
    body = application_body("", password=None)
    assert (
        post(client, f"/api/join/{world.meiluo_1.join_code}/applications", body).status_code == 201
    )
    assert (
        post(client, f"/api/join/{world.meiluo_2.join_code}/applications", body).status_code == 201
    )
    third = post(client, f"/api/join/{world.gongkang_1.join_code}/applications", body)
    assert third.status_code == 429
    assert JoinApplication.objects.count() == 2


def test_a_phone_that_has_an_account_must_log_in_first(world: World, anon: Client) -> None:
    world.chen_jie.phone = E164
    world.chen_jie.save()
    code = send_code(anon)
    response = post(
        anon, f"/api/join/{world.meiluo_1.join_code}/applications", application_body(code)
    )
    assert response.status_code == 409
    assert response.json()["code"] == "phone_taken"


def test_id_card_is_never_stored_whole(world: World, anon: Client) -> None:
    code = send_code(anon)
    number = "11010519491231002X"
    response = post(
        anon,
        f"/api/join/{world.meiluo_1.join_code}/applications",
        application_body(code, id_card=number.lower()),
    )
    assert response.status_code == 201, response.content
    application = JoinApplication.objects.get()
    assert application.id_card_last4 == "002X"
    stored = " ".join(str(value) for value in JoinApplication.objects.values().get().values())
    assert number not in stored
    assert number[:14] not in stored


def test_withdraw_only_my_own_pending_application(world: World) -> None:
    resident, application = apply_anonymously(world)
    url = f"/api/applications/{application['id']}/withdraw"
    assert post(client_for(world.wang_fang), url).status_code == 404
    assert post(resident, url).json()["status"] == "withdrawn"
    assert post(resident, url).status_code == 409
    assert client_for(world.li_wei).get("/api/review/applications").json() == []


@pytest.mark.django_db(transaction=True)
async def test_decisions_are_announced_only_after_commit(world: World) -> None:
    """Events leave after the transaction commits, never from inside it."""
    layer = get_channel_layer()
    staff = await layer.new_channel()
    await layer.group_add(community_staff_feed(world.meiluo.pk), staff)

    group = community_staff_feed(world.meiluo.pk)

    def apply_inside_a_transaction() -> dict[str, Any]:
        with transaction.atomic():
            _, application = apply_anonymously(world)
            # Sent directly while the transaction is still open: it must arrive first.
            async_to_sync(layer.group_send)(group, {"type": "marker"})
        return application

    application = await sync_to_async(apply_inside_a_transaction)()
    assert await asyncio.wait_for(layer.receive(staff), 5) == {"type": "marker"}
    submitted = (await asyncio.wait_for(layer.receive(staff), 5))["frame"]
    assert submitted == {
        "type": "application.submitted",
        "id": submitted["id"],
        "stream": community_staff_feed(world.meiluo.pk),
        "application_id": application["id"],
        "estate_id": world.meiluo_1.pk,
    }

    applicant = await User.objects.aget(username=E164)
    personal = await layer.new_channel()
    await layer.group_add(user_group(applicant.pk), personal)
    li_wei = await sync_to_async(client_for)(world.li_wei)
    await sync_to_async(post)(li_wei, f"/api/applications/{application['id']}/approve")
    decided = (await asyncio.wait_for(layer.receive(personal), 5))["frame"]
    assert decided == {
        "type": "application.decided",
        "id": decided["id"],
        "stream": user_group(applicant.pk),
        "application_id": application["id"],
        "estate_id": world.meiluo_1.pk,
        "status": "approved",
    }
    to_staff = (await asyncio.wait_for(layer.receive(staff), 5))["frame"]
    assert to_staff["type"] == "application.decided"
    assert to_staff["id"] > decided["id"] > submitted["id"]
    # The worker thread's connection would otherwise keep the test database open.
    await sync_to_async(connections.close_all)()
