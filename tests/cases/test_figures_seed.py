"""``seed_cases`` writes the figures ``figures.record`` would have written for its cases,
and the drill-down finds exactly the cases behind each of them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.core.management import call_command

from communities.cases import figures
from communities.cases.models import Case, DayFigures, Entry
from communities.models import Place, PlaceKind

FIELDS = (*figures.COUNTERS, "response_minutes", "resolution_minutes")


def snapshot(district: Place) -> dict[tuple[int, dt.date], dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        dict(row) for row in DayFigures.objects.filter(district=district).values()
    ]
    return {(row["community_id"], row["day"]): {name: row[name] for name in FIELDS} for row in rows}


# The cases' lives are cut off at "now": a fixed one keeps the seeded states the same.
NOW = dt.datetime(2026, 12, 2, 18, 45, tzinfo=dt.UTC)


@time_machine.travel(NOW, tick=False)
def test_seed_figures_equal_what_record_writes(db: None) -> None:
    call_command("seed_cases", streets=2, communities=6, cases=240, days=90, reporters=20,
                 seed=3, verbosity=0)  # fmt: skip
    district = Place.objects.get(name="星河区", kind=PlaceKind.DISTRICT)
    cases = list(Case.objects.filter(district=district).select_related("community"))
    assert len(cases) == 240
    assert Place.objects.filter(path__startswith=district.path, kind__in=["residents_committee",
                                "village"]).count() == 6  # fmt: skip
    # Every state and tier, some overdue, some reopened, some rated.
    assert {c.status for c in cases} == set(Case.Status.values)
    assert {c.tier for c in cases} == {"community", "street", "office", "department", "grid"}
    assert any(c.overdue for c in cases)
    assert any(c.reopened for c in cases)
    assert {c.rating for c in cases} >= {1, 5}
    assert all(c.unit_id is not None for c in cases if c.tier != "community")
    seeded = snapshot(district)
    assert seeded

    DayFigures.objects.filter(district=district).delete()
    timelines: dict[int, list[Entry]] = {}
    for entry in Entry.objects.filter(case__district=district).order_by("created_at", "id"):
        timelines.setdefault(entry.case_id, []).append(entry)
    for case in cases:
        for what, at, extra in figures.replay_events(case, timelines.get(case.pk, [])):
            figures.record(case, what, at, **extra)
    assert snapshot(district) == seeded

    # The drill-down of every figure over the whole period finds as many cases as counted.
    since, until = dt.date(2000, 1, 1), figures.today()
    total = figures.figures_of(district, since, until)
    for figure in figures.DRILLABLE:
        behind = figures.cases_behind_queryset(district, since, until, figure).count()
        assert behind == total[figure], figure


def test_seed_reuses_the_district_and_leaves_its_cases_alone(db: None) -> None:
    options: dict[str, Any] = {"streets": 1, "communities": 2, "cases": 30, "days": 30,
                               "reporters": 5, "verbosity": 0}  # fmt: skip
    call_command("seed_cases", **options)
    first = set(Case.objects.values_list("pk", flat=True))
    call_command("seed_cases", **options)
    assert set(Case.objects.values_list("pk", flat=True)) == first
    assert Place.objects.filter(name="星河区").count() == 1
    call_command("seed_cases", **options, replace=True)
    again = set(Case.objects.values_list("pk", flat=True))
    assert len(again) == 30
    assert not again & first
    district = Place.objects.get(name="星河区")
    raised = figures.figures_of(district, dt.date(2000, 1, 1), figures.today())["raised"]
    assert raised == 30
