"""A case's whole life through the services: raised, accepted, worked on, resolved and
rated; reopened once; merged; urged and answered; closed unanswered after seven days."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db.models import Sum
from django.utils import timezone

from communities.cases import services
from communities.cases.models import Case, DayFigures, Entry, Follower, Urge
from communities.errors import Conflict
from communities.moderation import console
from communities.moderation.models import AuditEntry, TargetKind
from tests.cases.conftest import Units
from tests.cases.helpers import MONDAY, jpeg_upload, neighbour, raise_case, rows, state

pytestmark = pytest.mark.django_db


def kinds(case: Case) -> list[str]:
    return list(Entry.objects.filter(case=case).order_by("id").values_list("kind", flat=True))


def console_cases(units: Units) -> list[int]:
    _seat, items = console.items_of(units.world.li_wei, units.world.meiluo.pk)
    return [item["id"] for item in items if item["kind"] == TargetKind.CASE]


def test_the_whole_lifecycle(units: Units) -> None:
    world = units.world
    with time_machine.travel(MONDAY, tick=False) as clock:
        photo = services.photo_upload(uploader=world.wang_fang, upload=jpeg_upload())
        case = raise_case(units, photo_ids=[photo.pk])
        assert (case.status, case.tier, case.unit_id) == ("submitted", "community", None)
        assert (case.street_id, case.district_id) == (world.luodian.pk, world.district.pk)
        assert case.respond_by is not None
        assert case.respond_by > MONDAY
        assert Follower.objects.filter(case=case, user=world.wang_fang).exists()
        photo.refresh_from_db()
        assert photo.case_id == case.pk
        assert photo.entry_id is None
        assert console_cases(units) == [case.pk]  # the committee console's 身边事 section

        clock.shift(timedelta(hours=2))
        services.case_accept(actor=world.li_wei, case_id=case.pk, body="收到，马上去看")
        case.refresh_from_db()
        assert case.status == "accepted"
        assert case.first_response_at is not None
        assert case.response_minutes == 120
        assert case.tier_responded_at is not None

        clock.shift(timedelta(hours=1))
        services.case_start(actor=world.zheng_hua, case_id=case.pk)
        reply = services.case_reply(
            actor=world.li_wei, case_id=case.pk, body="已联系物业", public=True
        )
        note = services.case_reply(
            actor=world.li_wei, case_id=case.pk, body="物业态度消极", public=False
        )
        assert (reply.kind, reply.public, note.kind, note.public) == ("reply", True, "note", False)
        assert reply.from_unit == "美罗家园居委"

        clock.shift(timedelta(hours=3))
        after = services.photo_upload(uploader=world.li_wei, upload=jpeg_upload())
        services.case_resolve(
            actor=world.li_wei, case_id=case.pk, body="菜地已清理，恢复绿化", photo_ids=[after.pk]
        )
        case.refresh_from_db()
        assert case.status == "resolved"
        assert case.resolved_at is not None
        assert case.resolution_minutes == 360
        after.refresh_from_db()
        assert after.case_id == case.pk
        assert after.entry is not None
        assert after.entry.kind == "resolved"
        assert console_cases(units) == []  # decided: it left the console

        services.case_rate(actor=world.wang_fang, case_id=case.pk, rating=5, body="很满意")
        case.refresh_from_db()
        assert (case.status, case.rating) == ("closed", 5)
        assert case.closed_at is not None
    assert kinds(case) == [
        "submitted",
        "accepted",
        "started",
        "reply",
        "note",
        "resolved",
        "closed",
    ]
    closed = Entry.objects.get(case=case, kind="closed")
    assert (closed.rating, closed.actor_id) == (5, world.wang_fang.pk)
    figures = DayFigures.objects.get(community=world.meiluo)
    assert (figures.raised, figures.accepted, figures.resolved, figures.closed) == (1, 1, 1, 1)
    assert (figures.rated, figures.rating_sum) == (1, 5)
    assert sum(figures.response_minutes.values()) == 1
    assert sum(figures.resolution_minutes.values()) == 1


def test_reopened_once_then_resolved_again(units: Units) -> None:
    world = units.world
    case = raise_case(units)
    services.case_start(actor=world.li_wei, case_id=case.pk)
    services.case_resolve(actor=world.li_wei, case_id=case.pk, body="清理了")
    case.refresh_from_db()
    first_resolved = case.resolved_at

    services.case_reopen(actor=world.wang_fang, case_id=case.pk, reason="又种上了")
    case.refresh_from_db()
    assert (case.status, case.reopened) == ("in_progress", 1)
    assert console_cases(units) == [case.pk]  # back with the committee

    services.case_resolve(actor=world.li_wei, case_id=case.pk, body="这次装了围栏")
    case.refresh_from_db()
    assert case.resolved_at == first_resolved  # the first resolution is what counts
    figures = DayFigures.objects.get(community=world.meiluo)
    assert (figures.resolved, figures.reopened) == (1, 1)

    before, was = rows(), state(case)
    with pytest.raises(Conflict) as refused:
        services.case_reopen(actor=world.wang_fang, case_id=case.pk, reason="还是不行")
    assert refused.value.code == "already_reopened"
    assert (rows(), state(case)) == (before, was)


def test_merge_makes_the_reporters_follow_the_kept_case(units: Units) -> None:
    world = units.world
    other = neighbour(units)
    kept = raise_case(units)
    duplicate = raise_case(units, reporter=other, description="广场上有人种菜", public=False)

    result = services.case_merge(actor=world.li_wei, case_id=duplicate.pk, into_id=kept.pk)

    assert result.pk == kept.pk
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into_id) == ("merged", kept.pk)
    followers = set(Follower.objects.filter(case=kept).values_list("user_id", flat=True))
    assert followers == {world.wang_fang.pk, other.pk}
    audit = AuditEntry.objects.get(target_kind="case", target_id=duplicate.pk)
    assert (audit.action, audit.after["merged_into"], audit.community_id) == (
        "merge",
        kept.pk,
        world.meiluo.pk,
    )
    assert kinds(duplicate)[-1] == "merged"
    assert kinds(kept)[-1] == "merged"
    assert console_cases(units) == [kept.pk]

    before = rows()
    with pytest.raises(Conflict) as refused:
        services.case_merge(actor=world.li_wei, case_id=duplicate.pk, into_id=kept.pk)
    assert refused.value.code == "not_open"
    assert rows() == before


def test_urge_and_its_answer(units: Units) -> None:
    world = units.world
    case = raise_case(units)
    services.case_escalate(actor=world.li_wei, case_id=case.pk, reason="需要街道协调")

    urge = services.case_urge(actor=world.liu_yang, case_id=case.pk, note="请三天内处理")

    case.refresh_from_db()
    assert case.open_urges == 1
    assert (urge.entry.kind, urge.entry.public) == ("urged", False)
    audit = AuditEntry.objects.get(target_kind="case", target_id=case.pk, action="urge")
    assert (audit.actor_id, audit.reason) == (world.liu_yang.pk, "请三天内处理")

    answer = services.urge_answer(
        actor=units.desk_officer, case_id=case.pk, urge_id=urge.pk, body="已安排城管科"
    )

    urge.refresh_from_db()
    case.refresh_from_db()
    assert urge.answered_at is not None
    assert urge.answer_id == answer.pk
    assert (answer.kind, answer.public, answer.answers_id) == (
        "urge_answered",
        False,
        urge.entry_id,
    )
    assert case.open_urges == 0
    before = rows()
    with pytest.raises(Conflict) as refused:
        services.urge_answer(
            actor=units.desk_officer, case_id=case.pk, urge_id=urge.pk, body="再答"
        )
    assert refused.value.code == "already_answered"
    assert rows() == before
    assert Urge.objects.filter(answered_at__isnull=True).count() == 0


def test_close_unanswered_closes_week_old_resolutions_only(units: Units) -> None:
    world = units.world
    with time_machine.travel(MONDAY, tick=False) as clock:
        old = raise_case(units)
        services.case_start(actor=world.li_wei, case_id=old.pk)
        services.case_resolve(actor=world.li_wei, case_id=old.pk, body="处理完毕")
        clock.shift(timedelta(days=4))
        recent = raise_case(units, description="路灯不亮")
        services.case_start(actor=world.li_wei, case_id=recent.pk)
        services.case_resolve(actor=world.li_wei, case_id=recent.pk, body="换了灯泡")
        clock.shift(timedelta(days=3, hours=1))
        assert services.close_unanswered(timezone.now()) == 1
        assert services.close_unanswered(timezone.now()) == 0
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.status, recent.status) == ("closed", "resolved")
    assert old.closed_at is not None
    assert old.rating is None
    auto = Entry.objects.get(case=old, kind="auto_closed")
    assert auto.actor_id is None
    assert auto.public
    closed = DayFigures.objects.filter(community=world.meiluo).aggregate(n=Sum("closed"))["n"]
    assert closed == 1
