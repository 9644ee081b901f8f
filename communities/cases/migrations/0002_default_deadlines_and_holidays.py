"""The tiers' default deadlines and the holiday calendar of 2026 and 2027.

Both are data the district keeps up to date in the admin; this seeds where they start. The
calendar holds only the days that break the weekday rule: the public holidays and the
weekend days worked in exchange (调休) of the State Council's notice for 2026 (国办发明电,
4 November 2025), and for 2027 only the statutory days fixed by date (元旦, 劳动节 1–2 May,
国庆节 1–3 October), until the notice for 2027 is entered.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import migrations

# tier: (respond within, resolve within), working hours; a working day counts 24 hours.
DEADLINES = {
    "community": (24, 120),
    "street": (24, 120),
    "office": (24, 120),
    "department": (48, 240),
    "grid": (48, 240),
}


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


HOLIDAYS: list[tuple[str, list[date]]] = [
    ("元旦", days(date(2026, 1, 1), date(2026, 1, 3))),
    ("春节", days(date(2026, 2, 15), date(2026, 2, 23))),
    ("清明节", days(date(2026, 4, 4), date(2026, 4, 6))),
    ("劳动节", days(date(2026, 5, 1), date(2026, 5, 5))),
    ("端午节", days(date(2026, 6, 19), date(2026, 6, 21))),
    ("中秋节", days(date(2026, 9, 25), date(2026, 9, 27))),
    ("国庆节", days(date(2026, 10, 1), date(2026, 10, 7))),
    ("元旦", [date(2027, 1, 1)]),
    ("劳动节", days(date(2027, 5, 1), date(2027, 5, 2))),
    ("国庆节", days(date(2027, 10, 1), date(2027, 10, 3))),
]
WORKED: list[tuple[str, date]] = [
    ("元旦调休", date(2026, 1, 4)),
    ("春节调休", date(2026, 2, 14)),
    ("春节调休", date(2026, 2, 28)),
    ("劳动节调休", date(2026, 5, 9)),
    ("国庆节调休", date(2026, 9, 20)),
    ("国庆节调休", date(2026, 10, 10)),
]


def seed(apps: Any, schema_editor: Any) -> None:
    Deadline = apps.get_model("cases", "Deadline")
    CalendarDay = apps.get_model("cases", "CalendarDay")
    for tier, (respond, resolve) in DEADLINES.items():
        Deadline.objects.get_or_create(
            tier=tier,
            category=None,
            defaults={"respond_hours": respond, "resolve_hours": resolve},
        )
    for name, holiday in HOLIDAYS:
        for day in holiday:
            CalendarDay.objects.get_or_create(date=day, defaults={"working": False, "name": name})
    for name, day in WORKED:
        CalendarDay.objects.get_or_create(date=day, defaults={"working": True, "name": name})


def unseed(apps: Any, schema_editor: Any) -> None:
    apps.get_model("cases", "Deadline").objects.filter(
        category=None, tier__in=list(DEADLINES)
    ).delete()
    seeded = [day for _name, holiday in HOLIDAYS for day in holiday] + [d for _n, d in WORKED]
    apps.get_model("cases", "CalendarDay").objects.filter(date__in=seeded).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
