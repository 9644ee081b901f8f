"""The daily digest: unread messages and posts and unacknowledged urgent notices, as one
push per device (or an SMS without a device), only to people who asked for it, and the
next day's run queued once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from chat.models import Conversation
from chat.services import message_post
from communities import daily
from communities.sms import outbox
from notifications import digest, tasks
from notifications.services import settings_update
from tests.conftest import World, make_member, make_user

from .conftest import Subscribe
from .test_push import urgent_notice

pytestmark = pytest.mark.django_db


def busy_day(world: World) -> None:
    group = Conversation.objects.get(kind=Conversation.Kind.ESTATE, place=world.meiluo_1)
    for n in range(3):
        message_post(
            author=world.li_wei, conversation_id=group.pk, body=f"通知{n}", client_id=f"d{n}"
        )
    urgent_notice(world, "明天停电")


def test_a_digest_reaches_those_who_asked_and_says_what_waits(
    world: World, subscribe: Subscribe, worker: Callable[[], None]
) -> None:
    wanted, unwanted = subscribe(world.wang_fang), subscribe(world.zhao_lei)
    make_member(world.zhao_lei, world.meiluo_1)
    settings_update(user=world.wang_fang, changes={"digest": True})
    busy_day(world)
    tasks.digest_send.enqueue()
    worker()
    assert len(wanted.received) == 1
    push = wanted.received[0]
    assert push["kind"] == "digest"
    assert "3条未读消息" in push["body"]
    assert "明天停电" in push["body"]
    assert unwanted.received == []
    # The next day's digest is queued, once.
    queued = DBTaskResult.objects.filter(task_path=tasks.digest_send.module_path, status="READY")
    assert queued.count() == 1
    assert queued.get().run_after == daily.next_run(settings.DIGEST_HOUR)
    assert daily.schedule(tasks.digest_send) is False


def test_without_a_device_the_digest_goes_by_sms(world: World) -> None:
    person = make_user("13800138000", "孙丽", phone="+8613800138000")
    make_member(person, world.meiluo_1)
    settings_update(user=person, changes={"digest": True})
    busy_day(world)
    outbox.clear()
    plans, texted = digest.today()
    assert (plans, texted) == ([], 1)
    assert [sms.phone for sms in outbox] == ["+8613800138000"]
    assert "今日社区摘要" in outbox[0].text


def test_nothing_new_means_no_digest(world: World, subscribe: Subscribe) -> None:
    subscribe(world.wang_fang)
    settings_update(user=world.wang_fang, changes={"digest": True})
    assert digest.today() == ([], 0)


@pytest.mark.parametrize(
    ("now", "expected"),
    [("2026-12-02T06:30", "2026-12-02T08:00"), ("2026-12-02T08:00", "2026-12-03T08:00")],
)
def test_the_digest_runs_at_its_hour_in_the_place_s_time_zone(
    now: str, expected: str, settings: Any
) -> None:
    settings.DIGEST_HOUR = 8
    assert daily.hour_of(tasks.digest_send) == 8
    local = timezone.make_aware(datetime.fromisoformat(now))
    assert daily.next_run(8, local) == timezone.make_aware(datetime.fromisoformat(expected))
