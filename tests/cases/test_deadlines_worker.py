"""Deadlines run by the real task worker with the clock moved by the test (no sleeping):
a case raised on a Monday morning must be answered within a working day; at 80 % of the
day it turns amber, past it red — counted overdue once, an internal ``breached`` entry, the
committee and the supervisors told live. Whatever the unit did in time makes the checks
queued for the old deadline do nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django_tasks_db.models import DBTaskResult

from communities import daily
from communities.cases import tasks
from communities.cases.models import Case, Category, DayFigures, Entry, Tier, Unit, UnitOfficer
from communities.cases.services import (
    case_accept,
    case_escalate,
    case_raise,
    case_reopen,
    case_resolve,
)
from realtime.models import Event
from tests.conftest import World

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 16, 10, 0, tzinfo=SHANGHAI)
Capture = Any  # django_capture_on_commit_callbacks
Worker = Callable[[], None]


@pytest.fixture
def clock() -> Iterator[Callable[[datetime], None]]:
    """The clock stands still at Monday 16 November 2026, 10:00 in Shanghai, until moved."""
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller.move_to


@pytest.fixture
def raise_case(world: World, django_capture_on_commit_callbacks: Capture) -> Callable[[], Case]:
    def make() -> Case:
        category = Category.objects.get(district=world.district, name="环境绿化")
        with django_capture_on_commit_callbacks(execute=True):
            return case_raise(
                reporter=world.wang_fang,
                community_id=world.meiluo.pk,
                category_id=category.pk,
                description="中心绿地被人种了菜",
            )

    return make


def queued() -> list[tuple[datetime, list[Any]]]:
    rows = DBTaskResult.objects.filter(
        task_path="communities.cases.tasks.check_deadline", status="READY"
    ).order_by("run_after")
    return [(row.run_after.astimezone(SHANGHAI), row.args_kwargs["args"]) for row in rows]


def deadline_entries(case: Case) -> list[tuple[str, bool]]:
    kinds = (Entry.Kind.AMBER, Entry.Kind.BREACHED)
    return list(case.entries.filter(kind__in=kinds).values_list("kind", "public"))


def flagged_streams(case: Case) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for stream, payload in Event.objects.filter(type="case.flagged").values_list(
        "stream", "payload"
    ):
        if payload["case_id"] == case.pk:
            found.setdefault(payload["flag"], set()).add(stream)
    return found


def test_amber_at_80_percent_then_red_past_the_deadline(
    world: World,
    clock: Callable[[datetime], None],
    raise_case: Callable[[], Case],
    worker: Worker,
) -> None:
    case = raise_case()
    assert case.respond_by == MONDAY + timedelta(days=1)
    assert case.resolve_by == datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
    amber_at = datetime(2026, 11, 17, 5, 12, tzinfo=SHANGHAI)  # 80 % of 24 working hours
    version = case.deadline_version
    assert queued() == [(amber_at, [case.pk, version]), (case.respond_by, [case.pk, version])]

    clock(amber_at - timedelta(minutes=1))
    worker()  # nothing is due yet
    case.refresh_from_db()
    assert case.flag == ""
    assert len(queued()) == 2

    clock(amber_at)
    worker()
    case.refresh_from_db()
    assert case.flag == Case.Flag.AMBER
    assert not case.overdue
    assert deadline_entries(case) == [(Entry.Kind.AMBER, False)]
    staff = f"staff.{world.meiluo.pk}"
    supervisors = {f"observe.{world.luodian.pk}", f"observe.{world.district.pk}"}
    assert flagged_streams(case) == {"amber": {staff, *supervisors}}
    assert Event.objects.filter(type="case.updated", stream=staff).exists()

    clock(case.respond_by + timedelta(minutes=5))
    worker()
    case.refresh_from_db()
    assert case.flag == Case.Flag.RED
    assert case.overdue
    assert deadline_entries(case) == [(Entry.Kind.AMBER, False), (Entry.Kind.BREACHED, False)]
    assert flagged_streams(case)["red"] == {staff, *supervisors}
    # Counted once, on the day it was breached.
    overdue = DayFigures.objects.filter(community=world.meiluo, overdue__gt=0)
    assert list(overdue.values_list("day", "overdue")) == [(case.respond_by.date(), 1)]
    assert queued() == []
    # Nobody outside the handling side reads the deadline entries.
    reporter_stream = f"user.{world.wang_fang.pk}"
    assert not Event.objects.filter(
        stream=reporter_stream, type="case.entry", payload__entry__kind__in=["amber", "breached"]
    ).exists()


def test_answering_in_time_voids_the_checks_of_the_respond_deadline(
    world: World,
    clock: Callable[[datetime], None],
    raise_case: Callable[[], Case],
    worker: Worker,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    case = raise_case()
    old_version = case.deadline_version
    clock(MONDAY + timedelta(hours=3))
    with django_capture_on_commit_callbacks(execute=True):
        case_accept(actor=world.li_wei, case_id=case.pk, body="已受理，明天去现场")
    case.refresh_from_db()
    assert case.deadline_version > old_version
    assert case.tier_responded_at is not None
    # The resolve deadline (5 working days from its arrival) is now the one watched.
    resolve_amber = datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)  # 96 of 120 hours
    assert [moment for moment, args in queued() if args[1] == case.deadline_version] == [
        resolve_amber,
        case.resolve_by,
    ]

    clock(MONDAY + timedelta(days=1, hours=1))  # past the respond deadline
    worker()
    case.refresh_from_db()
    assert case.flag == ""
    assert not case.overdue
    assert deadline_entries(case) == []
    old = DBTaskResult.objects.filter(args_kwargs__args=[case.pk, old_version])
    assert sorted(old.values_list("status", "return_value")) == [
        ("SUCCESSFUL", "moved on"),
        ("SUCCESSFUL", "moved on"),
    ]

    clock(resolve_amber)
    worker()
    case.refresh_from_db()
    assert case.flag == Case.Flag.AMBER


def test_resolved_before_the_deadline_is_never_flagged(
    world: World,
    clock: Callable[[datetime], None],
    raise_case: Callable[[], Case],
    worker: Worker,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    case = raise_case()
    clock(MONDAY + timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        case_accept(actor=world.li_wei, case_id=case.pk)
        case_resolve(actor=world.li_wei, case_id=case.pk, body="已清理，恢复绿化")
    clock(MONDAY + timedelta(days=14))
    worker()
    case.refresh_from_db()
    assert case.status == Case.Status.RESOLVED
    assert case.flag == ""
    assert not case.overdue
    assert deadline_entries(case) == []
    assert not DayFigures.objects.filter(overdue__gt=0).exists()
    assert "case.flagged" not in set(Event.objects.values_list("type", flat=True))


def test_a_worker_that_was_down_flags_red_once(
    world: World,
    clock: Callable[[datetime], None],
    raise_case: Callable[[], Case],
    worker: Worker,
) -> None:
    case = raise_case()
    clock(MONDAY + timedelta(days=3))  # both checks are late: the amber one finds it past due
    worker()
    case.refresh_from_db()
    assert case.flag == Case.Flag.RED
    assert deadline_entries(case) == [(Entry.Kind.BREACHED, False)]
    assert sum(DayFigures.objects.values_list("overdue", flat=True)) == 1
    results = DBTaskResult.objects.filter(task_path="communities.cases.tasks.check_deadline")
    assert sorted(str(r) for r in results.values_list("return_value", flat=True)) == [
        "red",
        "red already",
    ]


def test_escalating_starts_the_street_desk_s_clocks_and_tells_its_officers(
    world: World,
    clock: Callable[[datetime], None],
    raise_case: Callable[[], Case],
    worker: Worker,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    desk = Unit.objects.get(place=world.luodian, kind=Unit.Kind.STREET)
    UnitOfficer.objects.create(unit=desk, user=world.guo_qing)
    case = raise_case()
    raised_version = case.deadline_version
    escalated_at = MONDAY + timedelta(hours=1)
    clock(escalated_at)
    with django_capture_on_commit_callbacks(execute=True):
        case_escalate(actor=world.li_wei, case_id=case.pk, reason="需要城管执法")
    case.refresh_from_db()
    assert (case.tier, case.tier_since, case.tier_responded_at) == (Tier.STREET, escalated_at, None)
    assert case.respond_by == escalated_at + timedelta(days=1)
    assert case.first_response_at == escalated_at  # the committee answered by escalating
    assert {args[1] for _moment, args in queued()} == {raised_version, case.deadline_version}

    clock(MONDAY + timedelta(days=1, minutes=30))  # past the committee's old deadline only
    worker()
    case.refresh_from_db()
    assert case.flag == Case.Flag.AMBER  # the desk's own deadline is near, not passed

    clock(escalated_at + timedelta(days=1))
    worker()
    case.refresh_from_db()
    assert case.flag == Case.Flag.RED
    assert flagged_streams(case)["red"] == {
        f"staff.{world.meiluo.pk}",
        f"user.{world.guo_qing.pk}",
        f"observe.{world.luodian.pk}",
        f"observe.{world.district.pk}",
    }


def test_a_reopened_case_gets_a_new_resolve_deadline(
    world: World,
    clock: Callable[[datetime], None],
    raise_case: Callable[[], Case],
    worker: Worker,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    case = raise_case()
    with django_capture_on_commit_callbacks(execute=True):
        case_accept(actor=world.li_wei, case_id=case.pk)
        case_resolve(actor=world.li_wei, case_id=case.pk, body="已清理")
    reopened_at = datetime(2026, 11, 18, 9, 0, tzinfo=SHANGHAI)  # Wednesday
    clock(reopened_at)
    with django_capture_on_commit_callbacks(execute=True):
        case_reopen(actor=world.wang_fang, case_id=case.pk, reason="第二天又种上了")
    case.refresh_from_db()
    assert case.resolve_by == datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI)
    mine = [moment for moment, args in queued() if args[1] == case.deadline_version]
    assert mine == [datetime(2026, 11, 24, 9, 0, tzinfo=SHANGHAI), case.resolve_by]

    clock(case.resolve_by)
    worker()
    case.refresh_from_db()
    assert case.flag == Case.Flag.RED
    assert case.overdue


def test_the_nightly_sweep_closes_a_case_resolved_a_week_ago(
    world: World,
    clock: Callable[[datetime], None],
    raise_case: Callable[[], Case],
    worker: Worker,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    case = raise_case()
    with django_capture_on_commit_callbacks(execute=True):
        case_accept(actor=world.li_wei, case_id=case.pk)
        case_resolve(actor=world.li_wei, case_id=case.pk, body="已清理")
    assert daily.schedule(tasks.close_unanswered) is True
    night = datetime(2026, 11, 17, 3, 0, tzinfo=SHANGHAI)
    closed_on = None
    for _night in range(9):
        clock(night)
        worker()
        case.refresh_from_db()
        if case.status == Case.Status.CLOSED and closed_on is None:
            closed_on = night
        night += timedelta(days=1)
    # Resolved Monday 16 November 10:00: seven days have passed at the night of the 24th.
    assert closed_on == datetime(2026, 11, 24, 3, 0, tzinfo=SHANGHAI)
    assert case.closed_at == closed_on
    assert case.rating is None
    assert case.entries.filter(kind=Entry.Kind.AUTO_CLOSED, public=True).count() == 1
    runs = DBTaskResult.objects.filter(task_path="communities.cases.tasks.close_unanswered")
    assert runs.filter(status="SUCCESSFUL").count() == 9
    assert runs.filter(status="READY").count() == 1  # the next night's is queued
