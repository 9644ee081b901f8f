"""Web Push, end to end through a real push service on loopback: the right people get the
right payload once on each device, nobody else gets anything, settings and quiet hours
hold, expired devices are removed, failures are retried with back-off."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time, timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from chat.models import Conversation
from chat.services import knock, message_post
from communities.boards.models import BoardKind
from communities.boards.services import boards_ensure, post_create
from communities.volunteering.services import callout_create
from notifications.models import Delivery, NotificationSettings, PushSubscription
from notifications.services import settings_update
from tests.conftest import World, make_member, make_user
from tests.pushservice import PushService

from .conftest import Subscribe

pytestmark = pytest.mark.django_db
Capture = Any  # django_capture_on_commit_callbacks


def say(author: Any, conversation: Conversation, body: str, **extra: Any) -> Any:
    message, _created = message_post(
        author=author,
        conversation_id=conversation.pk,
        body=body,
        client_id=f"{author.pk}-{body}",
        **extra,
    )
    return message


def test_a_knock_reaches_each_device_of_its_person_once_and_nobody_else(
    world: World,
    subscribe: Subscribe,
    push_service: PushService,
    worker: Callable[[], None],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    phone, laptop = subscribe(world.wang_fang), subscribe(world.wang_fang)
    sender_device, outsider = subscribe(world.li_wei), subscribe(world.chen_jie)
    conversation = knock(user=world.li_wei, target_id=world.wang_fang.pk)
    with django_capture_on_commit_callbacks(execute=True):
        message = say(world.li_wei, conversation, "明天上午来居委会一趟")
    worker()
    worker()  # running the queue again sends nothing twice
    expected = {
        "kind": "direct",
        "title": f"{world.li_wei.display_name}敲了您的门",
        "body": "明天上午来居委会一趟",
        "url": f"/chat/{conversation.pk}?message={message.pk}",
        "tag": f"conv-{conversation.pk}",
    }
    assert phone.received == [expected]
    assert laptop.received == [expected]
    assert sender_device.received == []
    assert outsider.received == []
    assert not any(device.refused for device in push_service.devices.values())
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


def test_nothing_is_queued_for_an_estate_group_message_nobody_is_told_of(
    world: World, subscribe: Subscribe, django_capture_on_commit_callbacks: Capture
) -> None:
    subscribe(world.wang_fang)
    group = Conversation.objects.get(kind=Conversation.Kind.ESTATE, place=world.meiluo_1)
    with django_capture_on_commit_callbacks(execute=True):
        say(world.li_wei, group, "大家好")
    assert not DBTaskResult.objects.exists()


def test_mentions_and_replies_reach_the_person_named_or_answered(
    world: World,
    subscribe: Subscribe,
    worker: Callable[[], None],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    make_member(world.zhao_lei, world.meiluo_1)
    wang, zhao, li = subscribe(world.wang_fang), subscribe(world.zhao_lei), subscribe(world.li_wei)
    group = Conversation.objects.get(kind=Conversation.Kind.ESTATE, place=world.meiluo_1)
    first = say(world.wang_fang, group, "谁家的快递放错了？")
    with django_capture_on_commit_callbacks(execute=True):
        say(world.zhao_lei, group, "是我的，谢谢", reply_to=first.pk)
        say(world.li_wei, group, "@赵磊 请到门卫取", mentions=[world.zhao_lei.pk])
    worker()
    assert [push["kind"] for push in wang.received] == ["reply"]
    assert wang.received[0]["body"] == "是我的，谢谢"
    assert [push["kind"] for push in zhao.received] == ["mention"]
    assert li.received == []


def urgent_notice(world: World, title: str = "今晚停水") -> Any:
    notices = next(b for b in boards_ensure([world.meiluo]) if b.kind == BoardKind.NOTICES)
    return post_create(
        author=world.li_wei,
        board_id=notices.pk,
        title=title,
        body="<p>22点至次日6点</p>",
        urgent=True,
    )


def test_an_urgent_notice_reaches_every_device_of_the_community_once(
    world: World,
    subscribe: Subscribe,
    worker: Callable[[], None],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    wang, zhao, police = (
        subscribe(world.wang_fang),
        subscribe(world.zhao_lei),
        subscribe(world.zhou_qiang),
    )
    author, outsider, supervisor = (
        subscribe(world.li_wei),
        subscribe(world.chen_jie),
        subscribe(world.liu_yang),
    )
    with django_capture_on_commit_callbacks(execute=True):
        post = urgent_notice(world)
    worker()
    for device in (wang, zhao, police):
        assert [(p["kind"], p["url"]) for p in device.received] == [
            ("urgent", f"/boards/posts/{post.pk}")
        ]
    assert author.received == []
    assert outsider.received == []
    assert supervisor.received == []


def test_quiet_hours_hold_except_for_urgent_notices(
    world: World,
    subscribe: Subscribe,
    worker: Callable[[], None],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    device = subscribe(world.wang_fang)
    now = timezone.localtime()
    settings_update(
        user=world.wang_fang,
        changes={
            "quiet_start": (now - timedelta(hours=1)).time().strftime("%H:%M"),
            "quiet_end": (now + timedelta(hours=1)).time().strftime("%H:%M"),
        },
    )
    conversation = knock(user=world.li_wei, target_id=world.wang_fang.pk)
    with django_capture_on_commit_callbacks(execute=True):
        say(world.li_wei, conversation, "在吗")
        urgent_notice(world)
    worker()
    assert [push["kind"] for push in device.received] == ["urgent"]


def test_a_kind_switched_off_or_a_muted_conversation_is_not_pushed(
    world: World,
    subscribe: Subscribe,
    worker: Callable[[], None],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    device = subscribe(world.wang_fang)
    conversation = knock(user=world.li_wei, target_id=world.wang_fang.pk)
    settings_update(user=world.wang_fang, changes={"muted_conversations": [conversation.pk]})
    with django_capture_on_commit_callbacks(execute=True):
        say(world.li_wei, conversation, "一")
    worker()
    settings_update(user=world.wang_fang, changes={"muted_conversations": [], "direct": False})
    with django_capture_on_commit_callbacks(execute=True):
        say(world.li_wei, conversation, "二")
    worker()
    settings_update(user=world.wang_fang, changes={"direct": True})
    with django_capture_on_commit_callbacks(execute=True):
        say(world.li_wei, conversation, "三")
    worker()
    assert [push["body"] for push in device.received] == ["三"]


def test_a_call_out_for_party_members_reaches_them_and_not_other_residents(
    world: World,
    subscribe: Subscribe,
    worker: Callable[[], None],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    party, resident = subscribe(world.zhao_lei), subscribe(world.wang_fang)
    starts = timezone.now() + timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        callout = callout_create(
            actor=world.li_wei,
            community_id=world.meiluo.pk,
            title="扫雪",
            description="清扫小区主路积雪",
            location="3号楼前",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            capacity=10,
            audience="party",
        )
    worker()
    assert [(p["kind"], p["url"]) for p in party.received] == [
        ("callout", f"/volunteer/callouts/{callout.pk}")
    ]
    assert resident.received == []


def test_an_expired_subscription_is_removed_and_counted(
    world: World,
    subscribe: Subscribe,
    worker: Callable[[], None],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    gone, alive = subscribe(world.wang_fang), subscribe(world.wang_fang)
    gone.answers.append(410)
    conversation = knock(user=world.li_wei, target_id=world.wang_fang.pk)
    with django_capture_on_commit_callbacks(execute=True):
        say(world.li_wei, conversation, "在吗")
    worker()
    assert gone.received == []
    assert len(alive.received) == 1
    assert PushSubscription.objects.filter(user=world.wang_fang).count() == 1
    assert sorted(Delivery.objects.values_list("status", flat=True)) == ["gone", "sent"]


def test_a_failure_is_retried_after_a_back_off_and_then_sent(
    world: World,
    subscribe: Subscribe,
    worker: Callable[[], None],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    device = subscribe(world.wang_fang)
    device.answers.append(503)
    conversation = knock(user=world.li_wei, target_id=world.wang_fang.pk)
    with django_capture_on_commit_callbacks(execute=True):
        say(world.li_wei, conversation, "在吗")
    before = timezone.now()
    worker()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, device.received) == ("retry", 1, [])
    assert PushSubscription.objects.get().failures == 1
    retry = DBTaskResult.objects.get(task_path="notifications.tasks.push_retry")
    assert retry.status == "READY"
    assert before + timedelta(seconds=25) < retry.run_after < before + timedelta(seconds=40)
    worker()  # not due yet: nothing happens
    assert device.received == []
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    worker()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    assert [push["body"] for push in device.received] == ["在吗"]
    assert PushSubscription.objects.get().failures == 0


def test_reading_on_one_device_clears_the_others(
    world: World,
    subscribe: Subscribe,
    worker: Callable[[], None],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    from chat.services import read_mark

    device = subscribe(world.wang_fang)
    conversation = knock(user=world.li_wei, target_id=world.wang_fang.pk)
    with django_capture_on_commit_callbacks(execute=True):
        message = say(world.li_wei, conversation, "在吗")
    with django_capture_on_commit_callbacks(execute=True):
        read_mark(user=world.wang_fang, conversation_id=conversation.pk, up_to=message.pk)
    worker()
    assert [(p["kind"], p["tag"]) for p in device.received] == [
        ("direct", f"conv-{conversation.pk}"),
        ("clear", f"conv-{conversation.pk}"),
    ]


def test_acknowledging_an_urgent_notice_clears_it_on_that_persons_devices_only(
    world: World,
    subscribe: Subscribe,
    worker: Callable[[], None],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    from communities.boards.services import urgent_acknowledge

    wang, zhao = subscribe(world.wang_fang), subscribe(world.zhao_lei)
    with django_capture_on_commit_callbacks(execute=True):
        post = urgent_notice(world)
    with django_capture_on_commit_callbacks(execute=True):
        urgent_acknowledge(user=world.wang_fang, post_id=post.pk)
    with django_capture_on_commit_callbacks(execute=True):
        urgent_acknowledge(user=world.wang_fang, post_id=post.pk)  # again: nothing new
    worker()
    assert [(p["kind"], p["tag"]) for p in wang.received] == [
        ("urgent", f"post-{post.pk}"),
        ("clear", f"post-{post.pk}"),
    ]
    assert [p["kind"] for p in zhao.received] == ["urgent"]


def test_a_decision_on_an_application_reaches_the_applicant(
    world: World,
    subscribe: Subscribe,
    worker: Callable[[], None],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    from communities.models import JoinApplication
    from communities.services import application_approve

    applicant = make_user("13800138123", "孙丽")
    application = JoinApplication.objects.create(
        applicant=applicant,
        estate=world.meiluo_1,
        real_name="孙丽",
        building="2",
        unit="1",
        room="301",
    )
    device = subscribe(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        application_approve(actor=world.li_wei, application_id=application.pk)
    worker()
    assert [(p["kind"], p["title"]) for p in device.received] == [("decision", "您的申请已通过")]


def quiet_hours(start: str, end: str, at: str) -> bool:
    from notifications.selectors import _quiet

    row = NotificationSettings(
        quiet_start=time.fromisoformat(start), quiet_end=time.fromisoformat(end)
    )
    return _quiet(row, time.fromisoformat(at))


@pytest.mark.parametrize(
    ("start", "end", "at", "quiet"),
    [
        ("22:00", "07:00", "23:30", True),
        ("22:00", "07:00", "05:00", True),
        ("22:00", "07:00", "07:00", False),
        ("22:00", "07:00", "12:00", False),
        ("13:00", "14:00", "13:30", True),
        ("13:00", "14:00", "14:30", False),
    ],
)
def test_quiet_hours_may_wrap_midnight(start: str, end: str, at: str, quiet: bool) -> None:
    assert quiet_hours(start, end, at) is quiet


@pytest.mark.services
def test_nobody_is_pushed_for_what_an_open_visible_tab_shows(
    world: World,
    subscribe: Subscribe,
    worker: Callable[[], None],
    django_capture_on_commit_callbacks: Capture,
    settings: Any,
    tmp_path: Any,
) -> None:
    """Presence in Redis says which people have a tab in view (the worker is another
    process); a tab going out of view makes them reachable again."""
    from asgiref.sync import async_to_sync

    from presence import service as presence
    from tests.chat.test_redis_restart import private_redis
    from tests.servers import free_port

    port = free_port()
    with private_redis(port, tmp_path):
        settings.REDIS_URL = f"redis://127.0.0.1:{port}/0"
        device = subscribe(world.wang_fang)
        conversation = knock(user=world.li_wei, target_id=world.wang_fang.pk)
        async_to_sync(presence.visibility)(world.wang_fang.pk, "tab-1", True)
        with django_capture_on_commit_callbacks(execute=True):
            say(world.li_wei, conversation, "看得见")
        worker()
        assert device.received == []
        async_to_sync(presence.visibility)(world.wang_fang.pk, "tab-1", False)
        with django_capture_on_commit_callbacks(execute=True):
            say(world.li_wei, conversation, "看不见")
        worker()
        assert [push["body"] for push in device.received] == ["看不见"]
