"""Who sees what of a case, and every refusal of the issue at service level (each one
changes nothing): residents, neighbours, another community's committee, offices and
departments, supervisors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from communities.cases import selectors, services
from communities.cases.management.commands import cases_table
from communities.cases.models import Case, Category
from communities.errors import Conflict, Forbidden, Invalid, NotFound
from communities.models import AccessLog, User
from communities.rules import can
from communities.rules.cases import MAY, CaseAccess
from tests.cases.conftest import Units
from tests.cases.helpers import jpeg_upload, neighbour, raise_case, rows, state

pytestmark = pytest.mark.django_db


def entry_kinds(detail: dict[str, Any]) -> list[str]:
    return [entry["kind"] for entry in detail["entries"]]


def worked_on(units: Units, **fields: Any) -> Case:
    """A case with a public reply and an internal note, at the committee."""
    world = units.world
    case = raise_case(units, **fields)
    services.case_accept(actor=world.li_wei, case_id=case.pk)
    services.case_reply(actor=world.li_wei, case_id=case.pk, body="已派人查看", public=True)
    services.case_reply(actor=world.li_wei, case_id=case.pk, body="内部：联系物业", public=False)
    return case


def test_the_reporter_sees_the_public_timeline_and_may_rate_only_when_resolved(
    units: Units,
) -> None:
    world = units.world
    case = worked_on(units)
    detail = selectors.case_detail(world.wang_fang, case.pk)
    assert entry_kinds(detail) == ["submitted", "accepted", "reply"]  # no internal note
    assert detail["urges"] == []
    assert detail["reporter"]["id"] == world.wang_fang.pk
    assert detail["reporter"]["phone"] is None
    assert not any(detail["may"].values())
    services.case_start(actor=world.li_wei, case_id=case.pk)
    services.case_resolve(actor=world.li_wei, case_id=case.pk, body="好了")
    may = selectors.case_detail(world.wang_fang, case.pk)["may"]
    assert {name for name, allowed in may.items() if allowed} == {"rate", "reopen"}
    assert [case.pk] == [item["id"] for item in selectors.cases_mine(world.wang_fang)]


def test_neighbours_see_a_public_case_without_the_reporter_and_a_private_one_not_at_all(
    units: Units,
) -> None:
    world = units.world
    other = neighbour(units)
    public = worked_on(units)
    private = raise_case(units, public=False, description="楼上漏水")
    shown = raise_case(units, show_reporter=True, description="路灯坏了")

    detail = selectors.case_detail(other, public.pk)
    assert detail["reporter"] is None
    assert entry_kinds(detail) == ["submitted", "accepted", "reply"]
    assert detail["entries"][0]["actor"] is None  # the reporter's own entry does not name them
    assert not any(detail["may"].values())
    assert selectors.case_detail(other, shown.pk)["reporter"]["id"] == world.wang_fang.pk
    with pytest.raises(NotFound):
        selectors.case_detail(other, private.pk)
    board = [item["id"] for item in selectors.board_cases(other, world.meiluo.pk)]
    assert board == [shown.pk, public.pk]
    assert all(
        item["reporter"] is None for item in selectors.board_cases(other, world.meiluo.pk)[1:]
    )


def test_the_committee_sees_everything_of_its_cases_and_another_committee_nothing(
    units: Units,
) -> None:
    world = units.world
    case = worked_on(units, public=False)
    world.wang_fang.phone = "13800000001"
    world.wang_fang.save()
    detail = selectors.case_detail(world.zheng_hua, case.pk)
    assert entry_kinds(detail) == ["submitted", "accepted", "reply", "note"]
    assert detail["reporter"]["phone"] == "13800000001"
    assert detail["may"]["escalate"]
    assert detail["may"]["resolve"]
    before = rows()
    for action in (
        lambda: selectors.case_detail(world.lin_na, case.pk),
        lambda: services.case_escalate(actor=world.lin_na, case_id=case.pk, reason="上报"),
        lambda: services.case_reply(actor=world.lin_na, case_id=case.pk, body="x", public=True),
    ):
        with pytest.raises(NotFound):
            action()
    assert selectors.board_cases(world.lin_na, world.gongkang.pk) == []
    with pytest.raises(NotFound):
        selectors.queue_of(world.lin_na, community_id=world.meiluo.pk)
    assert rows() == before


def test_an_office_sees_only_what_was_assigned_to_it(units: Units) -> None:
    world = units.world
    mine = raise_case(units)
    other = raise_case(units, description="噪音扰民")
    for case in (mine, other):
        services.case_escalate(actor=world.li_wei, case_id=case.pk, reason="上报")
    services.case_assign(actor=units.desk_officer, case_id=mine.pk, unit_id=units.office.pk)

    assert selectors.case_for(units.office_officer, mine.pk).pk == mine.pk
    with pytest.raises(NotFound):
        selectors.case_for(units.office_officer, other.pk)
    queue = selectors.queue_of(units.office_officer, unit_id=units.office.pk)
    assert [item["id"] for item in queue] == [mine.pk]
    assert queue[0]["may"]["resolve"] is False  # accepted? no: still submitted
    assert queue[0]["may"]["accept"] is True
    with pytest.raises(NotFound):
        selectors.queue_of(units.office_officer, unit_id=units.desk.pk)
    desk = selectors.queue_of(units.desk_officer, unit_id=units.desk.pk)
    assert [item["id"] for item in desk] == [other.pk]
    assert [u["kind"] for u in selectors.units_mine(units.office_officer)] == ["office"]
    offices = selectors.units_list(units.desk_officer, street_id=world.luodian.pk)
    assert [u["id"] for u in offices] == [units.office.pk]
    departments = selectors.units_list(units.desk_officer, district_id=world.district.pk)
    assert [u["id"] for u in departments] == [units.department.pk]
    with pytest.raises(NotFound):
        selectors.units_list(units.office_officer, street_id=world.luodian.pk)
    # The department was never involved.
    with pytest.raises(NotFound):
        selectors.case_detail(units.department_officer, mine.pk)


@pytest.mark.parametrize("supervisor", ["liu_yang", "huang_jun"])
def test_a_supervisor_reads_everything_logged_and_may_only_urge(
    units: Units, supervisor: str
) -> None:
    world = units.world
    case = worked_on(units, public=False)
    person = world.people[supervisor]
    logged = AccessLog.objects.filter(actor=person, action="view_case").count()
    detail = selectors.case_detail(person, case.pk)
    assert entry_kinds(detail) == ["submitted", "accepted", "reply", "note"]
    assert {name for name, allowed in detail["may"].items() if allowed} == {"urge"}
    assert AccessLog.objects.filter(actor=person, action="view_case").count() == logged + 1
    patrol = selectors.patrol_of(
        person, world.luodian.pk if supervisor == "liu_yang" else world.district.pk
    )
    assert [item["id"] for item in patrol["cases"]] == [case.pk]
    assert AccessLog.objects.filter(actor=person, action="view_cases").exists()

    before, was = rows(), state(case)
    refusals: list[Callable[[], object]] = [
        lambda: services.case_start(actor=person, case_id=case.pk),
        lambda: services.case_resolve(actor=person, case_id=case.pk, body="我来解决"),
        lambda: services.case_escalate(actor=person, case_id=case.pk, reason="上报"),
        lambda: services.case_reply(actor=person, case_id=case.pk, body="回复", public=True),
        lambda: services.case_rate(actor=person, case_id=case.pk, rating=5),
    ]
    for refusal in refusals:
        with pytest.raises(Forbidden):
            refusal()
    assert (rows(), state(case)) == (before, was)


def test_the_other_streets_supervisor_sees_nothing(units: Units) -> None:
    world = units.world
    case = raise_case(units)
    with pytest.raises(NotFound):
        selectors.case_detail(world.wusong_supervisor, case.pk)
    with pytest.raises(NotFound):
        services.case_urge(actor=world.wusong_supervisor, case_id=case.pk, note="快办")
    with pytest.raises(NotFound):
        selectors.patrol_of(world.wusong_supervisor, world.luodian.pk)


def refusals_of(person: User, case: Case) -> list[Callable[[], object]]:
    return [
        lambda: services.case_accept(actor=person, case_id=case.pk),
        lambda: services.case_decline(actor=person, case_id=case.pk, reason="不要了"),
        lambda: services.case_start(actor=person, case_id=case.pk),
        lambda: services.case_escalate(actor=person, case_id=case.pk, reason="上报"),
        lambda: services.case_reply(actor=person, case_id=case.pk, body="x", public=False),
    ]


def test_a_resident_changes_nothing_but_confirms_rates_or_reopens_their_own(units: Units) -> None:
    world = units.world
    other = neighbour(units)
    case = raise_case(units)
    before, was = rows(), state(case)
    for person in (world.wang_fang, other):
        for refusal in refusals_of(person, case):
            with pytest.raises(Forbidden) as refused:
                refusal()
            assert refused.value.code == "not_handler"
    with pytest.raises(Forbidden):
        services.case_urge(actor=world.wang_fang, case_id=case.pk, note="快点")
    assert (rows(), state(case)) == (before, was)

    services.case_start(actor=world.li_wei, case_id=case.pk)
    services.case_resolve(actor=world.li_wei, case_id=case.pk, body="好了")
    before, was = rows(), state(case)
    with pytest.raises(Forbidden) as refused:
        services.case_rate(actor=other, case_id=case.pk, rating=5)
    assert refused.value.code == "not_reporter"
    with pytest.raises(Forbidden):
        services.case_reopen(actor=other, case_id=case.pk, reason="没好")
    for rating in (0, 6, -1, True):
        with pytest.raises(Invalid) as bad:
            services.case_rate(actor=world.wang_fang, case_id=case.pk, rating=rating)
        assert "rating" in bad.value.errors
    assert (rows(), state(case)) == (before, was)


def test_raising_needs_a_resident_a_category_of_the_district_and_an_estate_of_the_community(
    units: Units,
) -> None:
    world = units.world
    before = rows()
    with pytest.raises(Forbidden) as refused:
        raise_case(units, reporter=world.li_wei)  # staff, not a resident
    assert refused.value.code == "not_resident"
    with pytest.raises(NotFound):
        raise_case(units, reporter=world.chen_jie)  # lives in another community
    with pytest.raises(Invalid) as bad:
        raise_case(units, estate_id=world.gongkang_1.pk)
    assert "estate_id" in bad.value.errors
    with pytest.raises(Invalid) as bad:
        raise_case(units, category_id=999999)
    assert "category_id" in bad.value.errors
    with pytest.raises(Invalid) as bad:
        raise_case(units, description="  ")
    assert "description" in bad.value.errors
    assert rows() == before
    assert can(world.wang_fang, "raise_case", world.meiluo)
    assert not can(world.li_wei, "raise_case", world.meiluo)


def test_photos_are_pictures_at_most_nine_and_only_ones_own_unused(units: Units) -> None:
    world = units.world
    before = rows()
    with pytest.raises(Invalid) as bad:
        services.photo_upload(
            uploader=world.wang_fang,
            upload=type(jpeg_upload())("note.jpg", b"not a picture at all", "image/jpeg"),
        )
    assert "file" in bad.value.errors
    assert rows() == before

    theirs = services.photo_upload(uploader=world.li_wei, upload=jpeg_upload())
    before = rows()
    with pytest.raises(Invalid) as bad:
        raise_case(units, photo_ids=[theirs.pk])
    assert "photo_ids" in bad.value.errors
    with pytest.raises(Invalid) as bad:
        raise_case(units, photo_ids=list(range(1, 11)))
    assert "photo_ids" in bad.value.errors
    assert rows() == before

    mine = services.photo_upload(uploader=world.wang_fang, upload=jpeg_upload())
    case = raise_case(units, photo_ids=[mine.pk])
    with pytest.raises(Invalid):
        raise_case(units, photo_ids=[mine.pk])  # used already
    assert selectors.photo_for(world.wang_fang, mine.pk).pk == mine.pk
    assert selectors.photo_for(world.li_wei, mine.pk).pk == mine.pk
    with pytest.raises(NotFound):
        selectors.photo_for(world.lin_na, mine.pk)
    with pytest.raises(NotFound):
        selectors.photo_for(world.wang_fang, theirs.pk)  # unused: its uploader's alone
    assert [p["id"] for p in selectors.case_detail(world.wang_fang, case.pk)["photos"]] == [mine.pk]


def test_state_refusals_are_conflicts_and_change_nothing(units: Units) -> None:
    world = units.world
    case = raise_case(units)
    before, was = rows(), state(case)
    with pytest.raises(Conflict):
        services.case_resolve(actor=world.li_wei, case_id=case.pk, body="还没开始")
    with pytest.raises(Conflict):
        services.case_rate(actor=world.wang_fang, case_id=case.pk, rating=5)
    with pytest.raises(Conflict):
        services.case_reopen(actor=world.wang_fang, case_id=case.pk, reason="不行")
    with pytest.raises(Conflict):
        services.case_send_back(actor=world.li_wei, case_id=case.pk, reason="退回")
    with pytest.raises(Conflict):
        services.case_grid_update(actor=world.li_wei, case_id=case.pk, body="x")
    assert (rows(), state(case)) == (before, was)


def test_every_may_flag_has_a_verb_or_a_rule(units: Units) -> None:
    case = raise_case(units)
    access = CaseAccess.of(units.world.li_wei, case)
    assert set(access.may) == set(MAY)
    assert can(units.world.li_wei, "handle_case", case)
    assert not can(units.desk_officer, "handle_case", case)
    assert can(units.world.liu_yang, "urge_case", case)
    assert not can(units.world.li_wei, "urge_case", case)


def test_the_table_in_docs_cases_md_is_generated_from_the_rules() -> None:
    assert cases_table.DOC.read_text(encoding="utf-8") == cases_table.written(
        cases_table.DOC.read_text(encoding="utf-8")
    ), "docs/cases.md is stale: run `python manage.py cases_table --write`"
    table = cases_table.render()
    # Spot checks that the generation reads the rules: only supervisors urge, only the
    # reporter rates, an office never escalates.
    rows = {line.split(" | ")[0].lstrip("| "): line for line in table.splitlines()}
    assert rows["`urge`"].count("✔") == 1
    assert rows["`rate`"].count("✔") == 1
    assert rows["`escalate`"].split(" | ")[5] == "—"


def test_the_districts_supervisors_keep_its_categories(units: Units) -> None:
    world = units.world
    created = services.category_create(
        actor=world.huang_jun, district_id=world.district.pk, name="养犬"
    )
    assert created.district_id == world.district.pk
    services.category_update(actor=world.huang_jun, category_id=created.pk, active=False)
    offered = [c["name"] for c in selectors.categories_for(world.wang_fang, world.meiluo.pk)]
    assert "养犬" not in offered
    assert offered[0] == "环境绿化"
    before = Category.objects.count()
    for person in (world.li_wei, world.liu_yang, world.ma_lin):
        with pytest.raises(Forbidden):
            services.category_create(actor=person, district_id=world.district.pk, name="其他2")
    with pytest.raises(Conflict):
        services.category_create(actor=world.huang_jun, district_id=world.district.pk, name="停车")
    assert Category.objects.count() == before
