"""Escalation through every tier and back down, each hop audited; the refusals of hops."""

from __future__ import annotations

import pytest

from communities.cases import services
from communities.cases.models import Case, Category, Entry, Unit, UnitOfficer
from communities.errors import Conflict, Forbidden, Invalid, NotFound
from communities.models import PlaceKind
from communities.moderation.models import AuditEntry
from communities.rules.cases import CaseAccess
from communities.services import place_create
from tests.cases.conftest import Units
from tests.cases.helpers import raise_case, rows, state

pytestmark = pytest.mark.django_db


def where(case: Case) -> tuple[str, int | None]:
    case.refresh_from_db()
    return case.tier, case.unit_id


def last_audit(case: Case) -> AuditEntry:
    return AuditEntry.objects.filter(target_kind="case", target_id=case.pk).order_by("-id")[0]


def test_a_street_desk_is_made_for_every_street_and_categories_for_every_district(
    units: Units,
) -> None:
    world = units.world
    assert units.desk.name == "罗店镇"
    assert units.desk.kind == "street"
    names = list(
        Category.objects.filter(district=world.district)
        .order_by("position")
        .values_list("name", flat=True)
    )
    assert names == [
        "环境绿化",
        "环境卫生",
        "停车",
        "物业维修",
        "噪音",
        "治安",
        "邻里纠纷",
        "公共设施",
        "其他",
    ]
    town = place_create(name="月浦镇", kind=PlaceKind.TOWN, parent=world.district)
    assert Unit.objects.filter(place=town, kind="street", name="月浦镇").count() == 1
    community = place_create(name="月浦居委", kind=PlaceKind.RESIDENTS_COMMITTEE, parent=town)
    assert not Unit.objects.filter(place=community).exists()


def test_up_through_every_tier_and_back_down(units: Units) -> None:
    world = units.world
    case = raise_case(units)
    services.case_accept(actor=world.li_wei, case_id=case.pk)

    services.case_escalate(actor=world.li_wei, case_id=case.pk, reason="居委协调不了")
    assert where(case) == ("street", units.desk.pk)
    audit = last_audit(case)
    assert (audit.action, audit.actor_id, audit.reason) == (
        "escalate",
        world.li_wei.pk,
        "居委协调不了",
    )
    assert audit.before == {"tier": "community", "unit_id": None, "unit": "美罗家园居委"}
    assert audit.after == {"tier": "street", "unit_id": units.desk.pk, "unit": "罗店镇"}
    assert audit.community_id == world.meiluo.pk
    assert audit.subject_id == world.wang_fang.pk
    assert case.status == "accepted"  # a hop keeps the status

    services.case_assign(actor=units.desk_officer, case_id=case.pk, unit_id=units.office.pk)
    assert where(case) == ("office", units.office.pk)
    entry = Entry.objects.filter(case=case).order_by("-id")[0]
    assert (entry.kind, entry.from_unit, entry.to_unit) == ("assigned", "罗店镇", "罗店镇 城管科")
    assert last_audit(case).action == "assign"

    services.case_send_back(actor=units.office_officer, case_id=case.pk, reason="不归我科")
    assert where(case) == ("street", units.desk.pk)
    assert last_audit(case).action == "send_back"
    # The office held it: it keeps reading, but no longer acts.
    office = CaseAccess.of(units.office_officer, case)
    assert office.sees
    assert office.internal
    assert office.past_unit
    assert not office.handles

    services.case_refer(
        actor=units.desk_officer, case_id=case.pk, unit_id=units.department.pk, reason="绿化归口"
    )
    assert where(case) == ("department", units.department.pk)
    assert last_audit(case).action == "refer_case"
    services.case_send_back(actor=units.department_officer, case_id=case.pk, reason="需街道先处理")
    assert where(case) == ("street", units.desk.pk)

    services.case_hand_off(actor=units.desk_officer, case_id=case.pk, reference="WG-2026-0815")
    case.refresh_from_db()
    assert (case.tier, case.unit_id, case.grid_reference) == ("grid", units.desk.pk, "WG-2026-0815")
    assert last_audit(case).action == "hand_off"
    update = services.case_grid_update(
        actor=units.desk_officer, case_id=case.pk, body="网格员已到场", public=True
    )
    assert (update.kind, update.public) == ("grid_update", True)
    services.case_send_back(actor=units.desk_officer, case_id=case.pk, reason="平台退回")
    assert where(case) == ("street", units.desk.pk)

    services.case_send_back(actor=units.desk_officer, case_id=case.pk, reason="请居委跟进")
    assert where(case) == ("community", None)
    services.case_resolve(actor=world.li_wei, case_id=case.pk, body="已解决")
    case.refresh_from_db()
    assert case.status == "resolved"

    actions = list(
        AuditEntry.objects.filter(target_kind="case", target_id=case.pk)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "escalate",
        "assign",
        "send_back",
        "refer_case",
        "send_back",
        "hand_off",
        "send_back",
        "send_back",
    ]
    hops = Entry.objects.filter(case=case).exclude(
        kind__in=["submitted", "accepted", "grid_update", "resolved"]
    )
    assert hops.count() == 8
    assert all(item.public for item in hops)


def test_each_tier_has_its_own_handlers(units: Units) -> None:
    world = units.world
    case = raise_case(units)
    services.case_escalate(actor=world.li_wei, case_id=case.pk, reason="上报")
    before, was = rows(), state(case)
    # The committee no longer holds it: it reads but does not act.
    with pytest.raises(Forbidden) as refused:
        services.case_start(actor=world.li_wei, case_id=case.pk)
    assert refused.value.code == "not_handler"
    # The office has nothing to do with it yet: it cannot see it.
    with pytest.raises(NotFound):
        services.case_start(actor=units.office_officer, case_id=case.pk)
    # Another street's desk neither.
    with pytest.raises(NotFound):
        services.case_start(actor=units.wusong_officer, case_id=case.pk)
    # The desk cannot escalate again: the street's unit above is not one hop away.
    with pytest.raises(Conflict) as wrong:
        services.case_escalate(actor=units.desk_officer, case_id=case.pk, reason="再上报")
    assert wrong.value.code == "wrong_tier"
    assert (rows(), state(case)) == (before, was)


def test_hops_only_to_units_that_exist_and_are_one_tier_away(units: Units) -> None:
    world = units.world
    case = raise_case(units)
    services.case_escalate(actor=world.li_wei, case_id=case.pk, reason="上报")
    wusong_office = Unit.objects.create(kind="office", place=world.wusong, name="城管科")
    closed_office = Unit.objects.create(
        kind="office", place=world.luodian, name="撤销科", active=False
    )
    other_district = place_create(name="杨浦区", kind=PlaceKind.DISTRICT, parent=None)
    elsewhere = Unit.objects.create(kind="department", place=other_district, name="绿化局")
    before, was = rows(), state(case)
    refusals = [
        lambda: services.case_assign(actor=units.desk_officer, case_id=case.pk, unit_id=99999),
        lambda: services.case_assign(
            actor=units.desk_officer, case_id=case.pk, unit_id=wusong_office.pk
        ),
        lambda: services.case_assign(
            actor=units.desk_officer, case_id=case.pk, unit_id=closed_office.pk
        ),
        lambda: services.case_assign(
            actor=units.desk_officer, case_id=case.pk, unit_id=units.department.pk
        ),
        lambda: services.case_refer(
            actor=units.desk_officer, case_id=case.pk, unit_id=elsewhere.pk, reason="转"
        ),
        lambda: services.case_refer(
            actor=units.desk_officer, case_id=case.pk, unit_id=units.office.pk, reason="转"
        ),
    ]
    for refusal in refusals:
        with pytest.raises(Invalid) as refused:
            refusal()
        assert refused.value.code == "bad_unit"
        assert "unit_id" in refused.value.errors
    # A reason is required for a refer, a hand-off needs its reference.
    with pytest.raises(Invalid) as refused:
        services.case_refer(
            actor=units.desk_officer, case_id=case.pk, unit_id=units.department.pk, reason=" "
        )
    assert "reason" in refused.value.errors
    with pytest.raises(Invalid) as refused:
        services.case_hand_off(actor=units.desk_officer, case_id=case.pk, reference="")
    assert "reference" in refused.value.errors
    assert (rows(), state(case)) == (before, was)


@pytest.mark.parametrize("ending", ["declined", "closed", "merged"])
def test_a_finished_case_cannot_be_escalated(units: Units, ending: str) -> None:
    world = units.world
    case = raise_case(units)
    if ending == "declined":
        services.case_decline(actor=world.li_wei, case_id=case.pk, reason="不属于居委职责")
    elif ending == "closed":
        services.case_start(actor=world.li_wei, case_id=case.pk)
        services.case_resolve(actor=world.li_wei, case_id=case.pk, body="好了")
        services.case_rate(actor=world.wang_fang, case_id=case.pk, rating=4)
    else:
        kept = raise_case(units, description="同一个问题")
        services.case_merge(actor=world.li_wei, case_id=case.pk, into_id=kept.pk)
    before, was = rows(), state(case)
    with pytest.raises(Conflict) as refused:
        services.case_escalate(actor=world.li_wei, case_id=case.pk, reason="上报")
    assert refused.value.code == "not_open"
    assert (rows(), state(case)) == (before, was)


def test_an_officer_added_later_handles_the_units_cases(units: Units) -> None:
    world = units.world
    case = raise_case(units)
    services.case_escalate(actor=world.li_wei, case_id=case.pk, reason="上报")
    newcomer = world.nobody
    UnitOfficer.objects.create(unit=units.desk, user=newcomer)
    services.case_start(actor=newcomer, case_id=case.pk)
    case.refresh_from_db()
    assert case.status == "in_progress"
