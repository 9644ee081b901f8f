"""Pushes about cases, through the real worker and the loopback push service: the reporter
and followers hear of each public step of their case (nobody hears of an internal note);
a breached deadline reaches the unit handling the case and the supervisor above it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from communities.cases.models import Case, Category, Unit, UnitOfficer
from communities.cases.services import (
    case_accept,
    case_assign,
    case_escalate,
    case_raise,
    case_reply,
    case_resolve,
)
from notifications.services import settings_update
from tests.conftest import World

from .conftest import Subscribe

pytestmark = pytest.mark.django_db
Capture = Any  # django_capture_on_commit_callbacks
Worker = Callable[[], None]


def raise_case(world: World, capture: Capture) -> Case:
    category = Category.objects.get(district=world.district, name="环境绿化")
    with capture(execute=True):
        return case_raise(
            reporter=world.wang_fang,
            community_id=world.meiluo.pk,
            category_id=category.pk,
            description="中心绿地被人种了菜，请居委会管一管",
        )


def test_the_reporter_hears_of_each_public_step_and_nobody_else_does(
    world: World,
    subscribe: Subscribe,
    worker: Worker,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    reporter, committee, neighbour = (
        subscribe(world.wang_fang),
        subscribe(world.li_wei),
        subscribe(world.chen_jie),
    )
    case = raise_case(world, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        case_accept(actor=world.li_wei, case_id=case.pk, body="已受理，明天去现场看看")
        case_reply(actor=world.li_wei, case_id=case.pk, body="种菜的是3号楼住户", public=False)
        case_resolve(actor=world.li_wei, case_id=case.pk, body="已恢复绿化")
    worker()
    url, tag = f"/cases/{case.pk}", f"case-{case.pk}"
    assert reporter.received == [
        {
            "kind": "cases",
            "title": "您反映的问题已受理",
            "body": "已受理，明天去现场看看",
            "url": url,
            "tag": tag,
        },
        {
            "kind": "cases",
            "title": "您反映的问题已解决，请确认并评价",
            "body": "已恢复绿化",
            "url": url,
            "tag": tag,
        },
    ]
    assert committee.received == []  # they did it: their queue shows it
    assert neighbour.received == []


def test_a_hop_names_the_unit_the_case_went_to_and_the_setting_switches_it_off(
    world: World,
    subscribe: Subscribe,
    worker: Worker,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    reporter = subscribe(world.wang_fang)
    case = raise_case(world, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        case_escalate(actor=world.li_wei, case_id=case.pk, reason="需要城管执法")
    worker()
    assert [(p["title"], p["body"]) for p in reporter.received] == [
        ("您反映的问题已转至罗店镇", "需要城管执法")
    ]
    settings_update(user=world.wang_fang, changes={"cases": False})
    desk = Unit.objects.get(place=world.luodian, kind=Unit.Kind.STREET)
    UnitOfficer.objects.create(unit=desk, user=world.guo_qing)
    with django_capture_on_commit_callbacks(execute=True):
        case_accept(actor=world.guo_qing, case_id=case.pk)
    worker()
    assert len(reporter.received) == 1


def test_a_breach_reaches_the_committee_and_the_street_supervisor(
    world: World,
    subscribe: Subscribe,
    worker: Worker,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    committee, social_worker = subscribe(world.li_wei), subscribe(world.zheng_hua)
    street, district = subscribe(world.liu_yang), subscribe(world.huang_jun)
    reporter, other_street = subscribe(world.wang_fang), subscribe(world.wusong_supervisor)
    case = raise_case(world, django_capture_on_commit_callbacks)
    with time_machine.travel(timezone.now() + timedelta(days=10)):
        with django_capture_on_commit_callbacks(execute=True):
            worker()  # the deadline checks: amber, then red
        worker()  # the pushes they asked for
    case.refresh_from_db()
    assert case.flag == Case.Flag.RED
    expected = {
        "kind": "cases",
        "title": "有问题超期未处理：环境绿化",
        "body": "中心绿地被人种了菜，请居委会管一管",
        "url": f"/cases/{case.pk}",
        "tag": f"case-{case.pk}",
    }
    for device in (committee, social_worker, street):
        assert device.received == [expected]
    # Not the district above the street for a community's case, not another street, and
    # never the reporter (amber was not pushed at all).
    assert district.received == []
    assert other_street.received == []
    assert reporter.received == []


def test_a_breach_at_an_office_reaches_its_officers_not_the_committee(
    world: World,
    subscribe: Subscribe,
    worker: Worker,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    desk = Unit.objects.get(place=world.luodian, kind=Unit.Kind.STREET)
    office = Unit.objects.create(place=world.luodian, kind=Unit.Kind.OFFICE, name="城管科")
    UnitOfficer.objects.create(unit=desk, user=world.zhou_qiang)
    UnitOfficer.objects.create(unit=office, user=world.guo_qing)
    officer, desk_officer, committee = (
        subscribe(world.guo_qing),
        subscribe(world.zhou_qiang),
        subscribe(world.li_wei),
    )
    case = raise_case(world, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        case_escalate(actor=world.li_wei, case_id=case.pk, reason="需要城管执法")
        case_assign(actor=world.zhou_qiang, case_id=case.pk, unit_id=office.pk)
    with time_machine.travel(timezone.now() + timedelta(days=10)):
        with django_capture_on_commit_callbacks(execute=True):
            worker()
        worker()
    assert [p["title"] for p in officer.received] == ["有问题超期未处理：环境绿化"]
    assert desk_officer.received == []
    assert committee.received == []
