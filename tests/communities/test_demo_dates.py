"""The demo's dates follow their names: a call-out called "周六…" falls on a Saturday in the
place's time zone, and every "12月5日（周六）" in a demo text is a day that is a Saturday."""

from __future__ import annotations

import re
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from chat.models import Message
from communities.boards.models import Post
from communities.demo.dates import (
    WEEKDAYS,
    day_text,
    days_named_wrongly,
    last_weekday,
    next_weekday,
)
from communities.volunteering.models import Callout

WEEKDAY_NAME = re.compile(r"周([一二三四五六日])")


@pytest.fixture
def demo(db: None) -> None:
    call_command("seed_demo", "--quiet", stdout=StringIO())


def test_call_outs_named_for_a_weekday_fall_on_it(demo: None) -> None:
    checked = 0
    for callout in Callout.objects.select_related("post", "thanks_post"):
        texts = [callout.title]
        if callout.thanks_post is not None:  # "感谢…周六一早来补种"
            texts.append(callout.thanks_post.body_text)
        named = {day for text in texts for day in WEEKDAY_NAME.findall(text)}
        if not named:
            continue
        local = timezone.localtime(callout.starts_at)
        assert named == {WEEKDAYS[local.weekday()]}, (callout.title, local)
        checked += 1
    assert checked >= 3  # 周六文明劝导, 周日敬老活动, and the past Saturday's 绿化带补种


def test_the_call_outs_are_upcoming_or_well_past(demo: None) -> None:
    now = timezone.now()
    upcoming = Callout.objects.filter(starts_at__gt=now).order_by("starts_at")
    assert [c.title for c in upcoming] == ["党员先锋岗：周六文明劝导", "周日敬老活动志愿者招募"]
    past = Callout.objects.get(ends_at__lt=now)
    assert now - past.starts_at >= timedelta(days=7)


def test_every_day_written_in_a_demo_text_has_its_own_weekday(demo: None) -> None:
    texts = [f"{p.title} {p.body_text}" for p in Post.objects.all()]
    texts += list(Message.objects.values_list("body", flat=True))
    dated = [text for text in texts if "月" in text and "（周" in text]
    assert len(dated) >= 4  # the festival, the lifts, the water tank, the parking lines
    assert [wrong for text in texts for wrong in days_named_wrongly(text)] == []
    # A title that names a weekday names the day its text gives.
    festival = Post.objects.get(title="罗店镇第十届民俗文化节周六开幕")
    assert "（周六）" in festival.body_text


def test_the_check_finds_a_day_with_the_wrong_weekday() -> None:
    around = date(2026, 12, 2)  # a Wednesday
    assert days_named_wrongly("12月2日（周二）停水", around=around) == ["12月2日（周二）"]
    assert days_named_wrongly("12月2日（周三）停水", around=around) == []
    # Early in a year, a day in December means last December.
    assert days_named_wrongly("12月30日（周二）", around=date(2026, 1, 3)) == []  # 2025-12-30
    assert days_named_wrongly("2月29日（周四）", around=date(2025, 3, 1)) == []  # 2024-02-29


@pytest.mark.parametrize("offset", range(7))
def test_the_next_and_last_weekday_from_any_day(offset: int) -> None:
    start = date(2026, 11, 30) + timedelta(days=offset)  # Monday … Sunday
    saturday = next_weekday(5, after=start)
    assert saturday.weekday() == 5
    assert 1 <= (saturday - start).days <= 7
    before = last_weekday(5, before=start)
    assert before.weekday() == 5
    assert 1 <= (start - before).days <= 7
    assert day_text(saturday).endswith("（周六）")
