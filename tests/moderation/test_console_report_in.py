"""Party report-ins (报到) in the committee console: every staff member sees one waiting,
gated by rule (需书记把关); only the party secretary or a delegate decides it. Deciding it
through the party API writes an audit entry and takes it off every console (its claim
ends); withdrawing does too; a refusal changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from communities.models import Role, RoleKind, User
from communities.moderation.models import AuditEntry, Claim, Delegation
from communities.volunteering import services
from communities.volunteering.models import ReportIn
from realtime.models import Event
from tests.conftest import World, client_for, make_member, make_user
from tests.moderation.waiting import by_kind, items_url, post

pytestmark = pytest.mark.django_db

STAFF = ("li_wei", "zheng_hua", "zhang_min")


@pytest.fixture
def applicant(world: World) -> User:
    """qian_hong lives in 美罗一期 and is a party member of another organisation."""
    person = make_user("qian_hong", "钱红")
    make_member(person, world.meiluo_1)
    return person


@pytest.fixture
def report_in(world: World, applicant: User) -> ReportIn:
    return services.report_in_submit(
        user=applicant,
        community_id=world.meiluo.pk,
        home_branch="宝山区城建公司党支部",
        note="2019年入党",
        show_identity=True,
    )


def item_of(user: User, world: World, report_in: ReportIn) -> dict[str, Any] | None:
    items = client_for(user).get(items_url(world)).json()["items"]
    return by_kind(items).get("report_in", {}).get(report_in.pk)


def confirm_url(report_in: ReportIn) -> str:
    return f"/api/party/report-ins/{report_in.pk}/confirm"


def reject_url(report_in: ReportIn) -> str:
    return f"/api/party/report-ins/{report_in.pk}/reject"


def claim(user: User, report_in: ReportIn) -> Any:
    return post(client_for(user), f"/api/console/items/report_in/{report_in.pk}/claim")


@pytest.mark.parametrize(("name", "may_decide"), [*((n, n == "zhang_min") for n in STAFF)])
def test_staff_see_a_report_in_gated_and_only_the_secretary_may_decide_it(
    world: World, report_in: ReportIn, name: str, may_decide: bool
) -> None:
    item = item_of(world.people[name], world, report_in)
    assert item is not None
    assert item["title"] == "钱红"
    assert item["author"]["id"] == report_in.user_id
    assert item["extra"] == {
        "home_branch": "宝山区城建公司党支部",
        "note": "2019年入党",
        "show_identity": True,
    }
    assert (item["gated"], item["gated_by"]) == (True, None)
    assert item["gate_note"] == "Report-ins are confirmed by the party branch secretary."
    assert item["may_decide"] is may_decide


def test_the_gate_note_is_translated(world: World, report_in: ReportIn) -> None:
    client = client_for(world.li_wei)
    items = client.get(items_url(world), HTTP_ACCEPT_LANGUAGE="zh-hans").json()["items"]
    assert by_kind(items)["report_in"][report_in.pk]["gate_note"] == "报到由党组织书记确认"


@pytest.mark.parametrize("name", ["liu_yang", "huang_jun"])
def test_supervisors_see_report_ins_but_decide_none(
    world: World, report_in: ReportIn, name: str
) -> None:
    item = item_of(world.people[name], world, report_in)
    assert item is not None
    assert item["may_decide"] is False


def test_a_delegate_on_the_committee_may_decide_report_ins(
    world: World, report_in: ReportIn
) -> None:
    Delegation.objects.create(
        community=world.meiluo, secretary=world.zhang_min, delegate=world.li_wei
    )
    assert item_of(world.li_wei, world, report_in)["may_decide"] is True  # type: ignore[index]
    assert item_of(world.zheng_hua, world, report_in)["may_decide"] is False  # type: ignore[index]


def test_a_report_in_cannot_be_referred_again(world: World, report_in: ReportIn) -> None:
    refer = f"/api/console/items/report_in/{report_in.pk}/refer"
    response = post(client_for(world.li_wei), refer, {"note": "请书记确认"})
    assert (response.status_code, response.json()["code"]) == (409, "already_gated")


def test_confirming_settles_the_claim_and_is_audited(
    world: World, report_in: ReportIn, applicant: User
) -> None:
    assert claim(world.zhang_min, report_in).status_code == 200
    assert Claim.objects.filter(target_kind="report_in", target_id=report_in.pk).exists()

    response = post(client_for(world.zhang_min), confirm_url(report_in))
    assert response.status_code == 200
    assert response.json()["status"] == "confirmed"

    assert not Claim.objects.exists()
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.community, entry.action) == (
        world.zhang_min,
        world.meiluo,
        "approve",
    )
    assert (entry.target_kind, entry.target_id, entry.subject) == (
        "report_in",
        report_in.pk,
        applicant,
    )
    assert (entry.before, entry.after, entry.reason) == (
        {"status": "pending"},
        {"status": "confirmed"},
        "",
    )
    removed = Event.objects.get(type="console.item_removed")
    assert removed.stream == f"staff.{world.meiluo.pk}"
    assert removed.payload == {"kind": "report_in", "item_id": report_in.pk}
    for name in STAFF:
        assert item_of(world.people[name], world, report_in) is None


def test_rejecting_with_a_reason_settles_and_is_audited(
    world: World, report_in: ReportIn, applicant: User
) -> None:
    claim(world.li_wei, report_in)
    response = post(
        client_for(world.zhang_min), reject_url(report_in), {"reason": "组织关系不在本区"}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "rejected"
    assert not Claim.objects.exists()
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.subject, entry.reason) == ("reject", applicant, "组织关系不在本区")
    assert (entry.before, entry.after) == ({"status": "pending"}, {"status": "rejected"})
    assert Event.objects.filter(type="console.item_removed").count() == 1
    assert item_of(world.li_wei, world, report_in) is None


def test_withdrawing_settles_too(world: World, report_in: ReportIn, applicant: User) -> None:
    claim(world.li_wei, report_in)
    response = client_for(applicant).delete(f"/api/party/report-ins/{report_in.pk}")
    assert response.status_code == 204
    report_in.refresh_from_db()
    assert report_in.status == ReportIn.Status.WITHDRAWN
    assert not Claim.objects.exists()
    assert Event.objects.get(type="console.item_removed").payload["item_id"] == report_in.pk
    assert not AuditEntry.objects.exists()  # the applicant's own act, not moderation
    assert item_of(world.li_wei, world, report_in) is None


@pytest.mark.parametrize(
    ("name", "action", "body", "status", "code"),
    [
        ("li_wei", "confirm", {}, 403, "forbidden"),  # staff see it, do not decide it
        ("zheng_hua", "reject", {"reason": "不符合"}, 403, "forbidden"),
        ("liu_yang", "confirm", {}, 404, "not_found"),  # a supervisor above
        ("wang_fang", "confirm", {}, 404, "not_found"),
        ("lin_na", "reject", {"reason": "不符合"}, 404, "not_found"),
        ("zhang_min", "reject", {"reason": "  "}, 400, "invalid"),  # a reason is needed
    ],
)
def test_refusals_change_nothing(
    world: World,
    report_in: ReportIn,
    applicant: User,
    name: str,
    action: str,
    body: dict[str, Any],
    status: int,
    code: str,
) -> None:
    claim(world.li_wei, report_in)
    events = Event.objects.count()
    url = confirm_url(report_in) if action == "confirm" else reject_url(report_in)
    response = post(client_for(world.people[name]), url, body)
    assert (response.status_code, response.json()["code"]) == (status, code)
    report_in.refresh_from_db()
    assert report_in.status == ReportIn.Status.PENDING
    assert not AuditEntry.objects.exists()
    assert Claim.objects.get().claimed_by == world.li_wei
    assert Event.objects.count() == events
    assert not Role.objects.filter(user=applicant, kind=RoleKind.PARTY_MEMBER).exists()
    assert item_of(world.zheng_hua, world, report_in) is not None


def test_a_decided_report_in_is_not_decided_twice(world: World, report_in: ReportIn) -> None:
    secretary = client_for(world.zhang_min)
    assert post(secretary, confirm_url(report_in)).status_code == 200
    again = post(secretary, reject_url(report_in), {"reason": "重复"})
    assert (again.status_code, again.json()["code"]) == (409, "decided")
    assert AuditEntry.objects.count() == 1
    assert Event.objects.filter(type="console.item_removed").count() == 1
    claimed = claim(world.li_wei, report_in)
    assert (claimed.status_code, claimed.json()["code"]) == (409, "not_pending")
