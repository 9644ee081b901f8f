"""Dates for the demo's texts that follow their names: a call-out called "周六…" falls on a
Saturday, a notice that says "12月5日（周六）" means a day that is a Saturday, and both are
counted from the day the demo is seeded, in the place's time zone."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from django.utils import timezone

WEEKDAYS = "一二三四五六日"  # 周一 … 周日, Monday first as date.weekday() counts


def today() -> date:
    return timezone.localdate()


def next_weekday(weekday: int, *, after: date | None = None) -> date:
    """The first ``weekday`` (Monday 0) strictly after ``after`` (today)."""
    start = after or today()
    return start + timedelta(days=(weekday - start.weekday() - 1) % 7 + 1)


def last_weekday(weekday: int, *, before: date | None = None) -> date:
    """The last ``weekday`` (Monday 0) strictly before ``before`` (today)."""
    start = before or today()
    return start - timedelta(days=(start.weekday() - weekday - 1) % 7 + 1)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """``hour``:``minute`` on ``day``, in the place's time zone."""
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


def day_text(day: date) -> str:
    """12月5日（周六）"""
    return f"{day.month}月{day.day}日（周{WEEKDAYS[day.weekday()]}）"


# A day written in a demo text: "12月5日（周六）".
DAY_IN_TEXT = re.compile(r"(\d{1,2})月(\d{1,2})日（周([一二三四五六日])）")


def days_named_wrongly(text: str, *, around: date | None = None) -> list[str]:
    """The days in ``text`` whose weekday is not the one written beside them (the year is the
    one that puts the day nearest ``around``, today)."""
    near = around or today()
    wrong = []
    for match in DAY_IN_TEXT.finditer(text):
        month, day, weekday = int(match[1]), int(match[2]), match[3]
        candidates = []
        for year in (near.year - 1, near.year, near.year + 1):
            try:
                candidates.append(date(year, month, day))
            except ValueError:  # 2月29日 in a common year
                continue
        if not candidates:
            wrong.append(match[0])
            continue
        meant = min(candidates, key=lambda candidate: abs(candidate - near))
        if WEEKDAYS[meant.weekday()] != weekday:
            wrong.append(match[0])
    return wrong
