"""Working time: a working day counts 24 hours in the place's time zone; weekends do not
count, nor the public holidays of the calendar; a weekend day worked in exchange (调休)
does. The calendar of 2026 is the one the data migration seeds."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from communities.cases import deadlines
from communities.cases.deadlines import add_working, amber_moment, working_minutes
from communities.cases.models import CalendarDay, Deadline, Tier

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = 24 * 60


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def test_a_working_day_counts_all_its_hours() -> None:
    monday = at(2026, 11, 16, 10, 0)
    assert add_working(monday, DAY) == at(2026, 11, 17, 10, 0)
    assert working_minutes(monday, at(2026, 11, 17, 10, 0)) == DAY
    assert working_minutes(monday, at(2026, 11, 16, 10, 45)) == 45
    assert working_minutes(at(2026, 11, 17, 10, 0), monday) == 0  # backwards: nothing


def test_the_weekend_does_not_count() -> None:
    friday = at(2026, 11, 20, 10, 0)
    assert add_working(friday, DAY) == at(2026, 11, 23, 10, 0)  # Monday
    assert working_minutes(friday, at(2026, 11, 23, 10, 0)) == DAY
    # A case raised on a Saturday starts its clock on Monday morning.
    saturday = at(2026, 11, 21, 15, 0)
    assert add_working(saturday, 60) == at(2026, 11, 23, 1, 0)
    assert working_minutes(saturday, at(2026, 11, 22, 23, 59)) == 0
    # Five working days from a Monday morning end the next Monday morning.
    assert add_working(at(2026, 11, 16, 9, 0), 120 * 60) == at(2026, 11, 23, 9, 0)


def test_the_national_day_holiday_does_not_count_and_its_saturday_does() -> None:
    # 国庆节 1–7 October 2026 is a holiday; Saturday 10 October is worked (调休).
    eve = at(2026, 9, 30, 10, 0)
    assert add_working(eve, DAY) == at(2026, 10, 8, 10, 0)
    assert working_minutes(eve, at(2026, 10, 8, 10, 0)) == DAY
    friday = at(2026, 10, 9, 10, 0)
    assert add_working(friday, DAY) == at(2026, 10, 10, 10, 0)  # the worked Saturday
    assert add_working(friday, 2 * DAY) == at(2026, 10, 12, 10, 0)  # Sunday off, then Monday


def test_the_spring_festival_and_its_worked_saturdays() -> None:
    # 春节 2026: 15–23 February off; Saturdays 14 and 28 February worked.
    assert working_minutes(at(2026, 2, 14), at(2026, 2, 15)) == DAY
    assert working_minutes(at(2026, 2, 15), at(2026, 2, 24)) == 0
    assert add_working(at(2026, 2, 13, 12, 0), 2 * DAY) == at(2026, 2, 24, 12, 0)
    assert working_minutes(at(2026, 2, 27), at(2026, 3, 2)) == 2 * DAY  # Friday, Saturday


def test_the_calendar_is_data_the_district_edits() -> None:
    tuesday = at(2027, 3, 9, 10, 0)
    assert add_working(tuesday, DAY) == at(2027, 3, 10, 10, 0)
    CalendarDay.objects.create(date=date(2027, 3, 10), working=False, name="停工")
    CalendarDay.objects.create(date=date(2027, 3, 13), working=True, name="调休")
    assert add_working(tuesday, DAY) == at(2027, 3, 11, 10, 0)
    # Thursday, Friday and the worked Saturday 13 March, then Monday.
    assert working_minutes(at(2027, 3, 11), at(2027, 3, 16)) == 4 * DAY
    assert working_minutes(at(2027, 3, 10), at(2027, 3, 11)) == 0


def test_days_are_the_place_s_days_not_utc_s() -> None:
    # Monday 00:30 in Shanghai is still Sunday in UTC: it counts; Saturday 07:30 in
    # Shanghai is Friday 23:30 UTC: it does not.
    monday_early = datetime(2026, 11, 22, 16, 30, tzinfo=UTC)
    assert working_minutes(monday_early, monday_early + timedelta(minutes=30)) == 30
    friday_late = at(2026, 11, 20, 23, 30)
    assert add_working(friday_late, 60) == at(2026, 11, 23, 0, 30)
    saturday_morning = datetime(2026, 11, 20, 23, 30, tzinfo=UTC)
    assert working_minutes(saturday_morning, saturday_morning + timedelta(hours=2)) == 0
    # Whatever zone the moment comes in, the answer is the same instant.
    assert add_working(friday_late.astimezone(UTC), 60) == at(2026, 11, 23, 0, 30)


def test_a_long_deadline_reads_the_calendar_beyond_its_first_stretch() -> None:
    calendar = deadlines.Calendar()
    start = at(2026, 8, 3, 0, 0)  # a Monday
    # 100 working days: 20 weeks (to Monday 21 December), less the six weekdays off (中秋
    # 25 September; 国庆 1, 2, 5, 6, 7 October), plus the worked Sunday 20 September and
    # Saturday 10 October: four days more.
    end = add_working(start, 100 * DAY, calendar=calendar)
    assert end == at(2026, 12, 25, 0, 0)
    assert calendar.read_until is not None
    assert calendar.read_until > date(2026, 12, 24)  # read in more than one stretch
    assert working_minutes(start, end) == 100 * DAY


def test_the_amber_moment_is_80_percent_of_the_working_window() -> None:
    monday = at(2026, 11, 16, 10, 0)
    assert amber_moment(monday, at(2026, 11, 17, 10, 0)) == at(2026, 11, 17, 5, 12)
    # Over a weekend the last 20 % is Monday's early hours, not Saturday's.
    friday = at(2026, 11, 20, 10, 0)
    assert amber_moment(friday, at(2026, 11, 23, 10, 0)) == at(2026, 11, 23, 5, 12)


def test_a_category_s_deadline_beats_the_tier_s_default(world: object) -> None:
    from communities.cases.models import Case, Category

    defaults = dict(Deadline.objects.filter(category=None).values_list("tier", "respond_hours"))
    assert defaults == {"community": 24, "street": 24, "office": 24, "department": 48, "grid": 48}
    district = world.district  # type: ignore[attr-defined]
    noise = Category.objects.get(district=district, name="噪音")  # a district's defaults
    parking = Category.objects.get(district=district, name="停车")
    Deadline.objects.create(category=noise, tier=Tier.COMMUNITY, respond_hours=4, resolve_hours=48)
    case = Case(category=noise, tier=Tier.COMMUNITY)
    assert deadlines.hours_for(case) == (4, 48)
    case.category = parking
    assert deadlines.hours_for(case) == (24, 120)
    case.tier = Tier.DEPARTMENT
    assert deadlines.hours_for(case) == (48, 240)
    Deadline.objects.filter(category=None, tier=Tier.DEPARTMENT).delete()
    assert deadlines.hours_for(case) == deadlines.FALLBACK[Tier.DEPARTMENT]
