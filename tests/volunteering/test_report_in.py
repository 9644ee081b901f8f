"""Report-in (报到): who may report in, who decides, what confirming grants, and who sees
which party members — refusals included, and a refusal changes nothing."""

from __future__ import annotations

import pytest

from communities.models import Role, RoleKind
from communities.moderation.models import Delegation
from communities.services import role_grant
from communities.shapes import person_out
from communities.volunteering import services
from communities.volunteering.models import ReportIn
from realtime.models import Event
from tests.conftest import World
from tests.volunteering.conftest import api

pytestmark = pytest.mark.django_db

REPORT = {"home_branch": "宝山区城建公司党支部", "note": "2019年入党", "show_identity": True}


def submit(world: World, name: str = "qian_hong", **fields: object) -> ReportIn:
    values = {**REPORT, **fields}
    return services.report_in_submit(
        user=world.people[name],
        community_id=world.meiluo.pk,
        home_branch=str(values["home_branch"]),
        note=str(values["note"]),
        show_identity=bool(values["show_identity"]),
    )


@pytest.mark.parametrize(
    ("name", "status", "code"),
    [
        ("qian_hong", 201, None),
        ("wang_fang", 201, None),
        ("sun_li", 201, None),
        ("he_ping", 409, "already_member"),  # a party member of 美罗 already
        ("zhao_lei", 403, "not_resident"),  # party member who does not live there
        ("li_wei", 403, "not_resident"),
        ("zhou_qiang", 403, "not_resident"),
        ("liu_yang", 403, "not_resident"),
        ("chen_jie", 404, "not_found"),  # another community
        ("lin_na", 404, "not_found"),
        ("nobody", 404, "not_found"),
    ],
)
def test_only_residents_not_yet_members_report_in(
    branch: World, name: str, status: int, code: str | None
) -> None:
    response = api(branch.people[name]).post(
        f"/party/communities/{branch.meiluo.pk}/report-ins", REPORT
    )
    assert response.status_code == status, response.json()
    if code:
        assert response.json()["code"] == code
        assert not ReportIn.objects.exists()
        assert not Event.objects.exists()
    else:
        body = response.json()
        assert body["status"] == "pending"
        assert body["home_branch"] == REPORT["home_branch"]
        assert body["user"] == person_out(branch.people[name])
        assert body["community"] == {"id": branch.meiluo.pk, "name": branch.meiluo.name}


def test_a_second_pending_report_in_is_refused(branch: World) -> None:
    submit(branch)
    response = api(branch.qian_hong).post(
        f"/party/communities/{branch.meiluo.pk}/report-ins", REPORT
    )
    assert response.status_code == 409
    assert response.json()["code"] == "pending"
    assert ReportIn.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"home_branch": "   "}, "home_branch"),
        ({"home_branch": "党" * 101}, "home_branch"),
        ({"note": "字" * 201}, "note"),
    ],
)
def test_bad_report_in_fields_are_refused_by_field(
    branch: World, fields: dict[str, str], field: str
) -> None:
    response = api(branch.qian_hong).post(
        f"/party/communities/{branch.meiluo.pk}/report-ins", {**REPORT, **fields}
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not ReportIn.objects.exists()


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("zhang_min", 200),  # the secretary
        ("delegate", 200),  # someone the secretary delegated to
        ("li_wei", 403),  # staff see report-ins but do not decide them
        ("zheng_hua", 403),
        ("qian_hong", 404),  # the applicant
        ("zhao_lei", 404),  # a party member, not the branch
        ("wang_fang", 404),
        ("liu_yang", 404),
        ("lin_na", 404),
        ("nobody", 404),
    ],
)
def test_only_the_secretary_or_a_delegate_confirms(branch: World, name: str, status: int) -> None:
    Delegation.objects.create(
        community=branch.meiluo, secretary=branch.zhang_min, delegate=branch.he_ping
    )
    actor = branch.he_ping if name == "delegate" else branch.people[name]
    report_in = submit(branch)
    response = api(actor).post(f"/party/report-ins/{report_in.pk}/confirm")
    assert response.status_code == status, response.json()
    report_in.refresh_from_db()
    roles = Role.objects.filter(user=branch.qian_hong, kind=RoleKind.PARTY_MEMBER)
    if status == 200:
        assert response.json()["status"] == "confirmed"
        assert response.json()["decided_by"]["id"] == actor.pk
        assert report_in.status == ReportIn.Status.CONFIRMED
        assert roles.get().place == branch.meiluo
    else:
        assert report_in.status == ReportIn.Status.PENDING
        assert not roles.exists()


def test_confirming_grants_the_role_with_the_chosen_identity_and_the_badge(branch: World) -> None:
    report_in = submit(branch, show_identity=True)
    services.report_in_confirm(actor=branch.zhang_min, report_in_id=report_in.pk)
    role = Role.objects.get(user=branch.qian_hong, kind=RoleKind.PARTY_MEMBER)
    assert role.show_identity is True
    branch.qian_hong.refresh_from_db()
    assert person_out(branch.qian_hong)["party"] is True


def test_confirming_with_hidden_identity_gives_no_badge(branch: World) -> None:
    report_in = submit(branch, show_identity=False)
    services.report_in_confirm(actor=branch.zhang_min, report_in_id=report_in.pk)
    branch.qian_hong.refresh_from_db()
    assert branch.qian_hong.party_badge is False
    assert Role.objects.filter(user=branch.qian_hong, kind=RoleKind.PARTY_MEMBER).exists()


def test_rejecting_needs_a_reason_and_grants_nothing(branch: World) -> None:
    report_in = submit(branch)
    secretary = api(branch.zhang_min)
    response = secretary.post(f"/party/report-ins/{report_in.pk}/reject", {"reason": " "})
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]
    response = secretary.post(
        f"/party/report-ins/{report_in.pk}/reject", {"reason": "组织关系不在本区"}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "rejected"
    assert response.json()["reason"] == "组织关系不在本区"
    assert not Role.objects.filter(user=branch.qian_hong, kind=RoleKind.PARTY_MEMBER).exists()


def test_a_decided_report_in_cannot_be_decided_again(branch: World) -> None:
    report_in = submit(branch)
    services.report_in_reject(actor=branch.zhang_min, report_in_id=report_in.pk, reason="信息不全")
    response = api(branch.zhang_min).post(f"/party/report-ins/{report_in.pk}/confirm")
    assert response.status_code == 409
    assert response.json()["code"] == "decided"
    assert not Role.objects.filter(user=branch.qian_hong, kind=RoleKind.PARTY_MEMBER).exists()


def test_after_rejection_one_may_report_in_again(branch: World) -> None:
    report_in = submit(branch)
    services.report_in_reject(actor=branch.zhang_min, report_in_id=report_in.pk, reason="信息不全")
    again = submit(branch)
    assert again.status == ReportIn.Status.PENDING


def test_the_applicant_withdraws_a_pending_report_in_and_nobody_else_can(branch: World) -> None:
    report_in = submit(branch)
    assert api(branch.wang_fang).delete(f"/party/report-ins/{report_in.pk}").status_code == 404
    assert api(branch.zhang_min).delete(f"/party/report-ins/{report_in.pk}").status_code == 404
    assert api(branch.qian_hong).delete(f"/party/report-ins/{report_in.pk}").status_code == 204
    report_in.refresh_from_db()
    assert report_in.status == ReportIn.Status.WITHDRAWN
    response = api(branch.zhang_min).post(f"/party/report-ins/{report_in.pk}/confirm")
    assert response.json()["code"] == "decided"


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("zhang_min", 200),
        ("li_wei", 200),
        ("zheng_hua", 200),
        ("zhao_lei", 403),
        ("wang_fang", 403),
        ("liu_yang", 403),
        ("chen_jie", 404),
    ],
)
def test_the_branch_lists_report_ins(branch: World, name: str, status: int) -> None:
    submit(branch)
    response = api(branch.people[name]).get(f"/party/communities/{branch.meiluo.pk}/report-ins")
    assert response.status_code == status
    if status == 200:
        assert [item["user"]["id"] for item in response.json()] == [branch.qian_hong.pk]


def test_my_report_ins_and_my_standing_in_each_branch(branch: World) -> None:
    submit(branch)
    mine = api(branch.qian_hong).get("/party/me/report-ins").json()
    assert [item["status"] for item in mine] == ["pending"]
    [me] = api(branch.qian_hong).get("/party/me").json()
    assert me["community"]["id"] == branch.meiluo.pk
    assert me["resident"] is True
    assert me["party_member"] is False
    assert me["report_in"]["status"] == "pending"
    [secretary] = api(branch.zhang_min).get("/party/me").json()
    assert secretary["secretary"] is True
    assert secretary["gatekeeper"] is True
    assert secretary["may_organise"] is True
    assert api(branch.nobody).get("/party/me").json() == []


def test_viewers_see_members_who_show_identity_and_the_branch_sees_all(branch: World) -> None:
    services.identity_set(user=branch.zhao_lei, community_id=branch.meiluo.pk, show_identity=True)
    url = f"/party/communities/{branch.meiluo.pk}/members"
    shown = [item["user"]["name"] for item in api(branch.wang_fang).get(url).json()]
    assert shown == ["zhao_lei"]
    everyone = api(branch.li_wei).get(url).json()
    assert [item["user"]["name"] for item in everyone] == ["zhang_min", "he_ping", "zhao_lei"]
    assert everyone[0]["role"] == "party_secretary"
    assert api(branch.chen_jie).get(url).status_code == 404


def test_a_party_member_switches_identity_and_the_badge_follows(branch: World) -> None:
    url = f"/party/communities/{branch.meiluo.pk}/identity"
    response = api(branch.he_ping).patch(url, {"show_identity": True})
    assert response.status_code == 200
    assert response.json()["show_identity"] is True
    branch.he_ping.refresh_from_db()
    assert branch.he_ping.party_badge is True
    api(branch.he_ping).patch(url, {"show_identity": False})
    branch.he_ping.refresh_from_db()
    assert branch.he_ping.party_badge is False


def test_identity_is_only_for_party_members(branch: World) -> None:
    response = api(branch.wang_fang).patch(
        f"/party/communities/{branch.meiluo.pk}/identity", {"show_identity": True}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "not_member"
    branch.wang_fang.refresh_from_db()
    assert branch.wang_fang.party_badge is False


def test_a_secretary_who_is_also_a_party_member_is_listed_once(branch: World) -> None:
    role_grant(
        user=branch.zhang_min, kind=RoleKind.PARTY_MEMBER, place=branch.meiluo, show_identity=True
    )
    url = f"/party/communities/{branch.meiluo.pk}/members"
    everyone = api(branch.li_wei).get(url).json()
    assert [item["user"]["name"] for item in everyone] == ["zhang_min", "he_ping", "zhao_lei"]
    assert (everyone[0]["role"], everyone[0]["show_identity"]) == ("party_secretary", True)
    # A resident sees her once too, through the role that shows her identity.
    shown = api(branch.wang_fang).get(url).json()
    assert [(item["user"]["name"], item["role"]) for item in shown] == [
        ("zhang_min", "party_member")
    ]
