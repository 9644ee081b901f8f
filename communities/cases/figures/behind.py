"""The drill-down: the cases behind one figure of a place and period, read from the cases
and their timelines with the same day-and-event rules ``record`` counts by."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F, Min, QuerySet

from communities.errors import NotFound
from communities.models import Place, User
from communities.rules.cases import may_see_figures

from ..models import Case, Entry
from .keeping import WHATS, zone
from .sums import _scope

DRILLABLE: tuple[str, ...] = WHATS


def _day_bounds(since: dt.date, until: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start of ``since``, start of the day after ``until``) in the figures' time zone."""
    tz = zone()
    start = dt.datetime.combine(since, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


ENTRY_FIGURES = {
    "accepted": Entry.Kind.ACCEPTED,
    "declined": Entry.Kind.DECLINED,
    "reopened": Entry.Kind.REOPENED,
    "overdue": Entry.Kind.BREACHED,
}
CASE_FIELDS = {
    "raised": "created_at",
    "responded": "first_response_at",
    "resolved": "resolved_at",
    "closed": "closed_at",
    "rated": "closed_at",
}


def _firsts(place: Place, since: dt.date, until: dt.date, figure: str) -> QuerySet[Any]:
    """For a figure read from the timeline: (case_id, first) of the place's cases whose
    first entry of that kind falls in the period — a case counts once, the day it first
    happened (one grouped scan of that kind's entries)."""
    start, end = _day_bounds(since, until)
    entries = Entry.objects.filter(
        kind=ENTRY_FIGURES[figure], **{f"case__{_scope(place)}": place.pk}
    )
    if figure == "overdue":
        entries = entries.filter(case__overdue=True)
    return (
        entries.values("case_id")
        .order_by()
        .annotate(first=Min("created_at"))
        .filter(first__gte=start, first__lt=end)
    )


def cases_behind_queryset(
    place: Place, since: dt.date, until: dt.date, figure: str
) -> QuerySet[Case]:
    """The cases of ``place`` that one figure of [since, until] counts: exactly the events
    ``record`` counts (see the module docstring). For the figures read from the case
    itself annotated with ``figure_at`` and newest first."""
    if figure not in DRILLABLE:
        raise ValueError(f"unknown figure {figure!r}")
    cases = Case.objects.filter(**{_scope(place): place.pk})
    if figure in ENTRY_FIGURES:
        return cases.filter(pk__in=_firsts(place, since, until, figure).values("case_id"))
    start, end = _day_bounds(since, until)
    field = CASE_FIELDS[figure]
    cases = cases.filter(**{f"{field}__gte": start, f"{field}__lt": end})
    if figure == "rated":
        cases = cases.filter(rating__isnull=False)
    if figure == "responded":
        cases = cases.filter(response_minutes__isnull=False)
    if figure == "resolved":
        cases = cases.filter(resolution_minutes__isnull=False)
    return (
        cases.annotate(figure_at=F(field))
        .select_related("category", "community")
        .order_by("-figure_at", "-id")
    )


def _cases_page(
    place: Place, since: dt.date, until: dt.date, figure: str, limit: int, offset: int
) -> tuple[int, list[Case]]:
    """How many cases are behind the figure, and one page of them, newest first."""
    if figure not in ENTRY_FIGURES:
        cases = cases_behind_queryset(place, since, until, figure)
        return cases.count(), list(cases[offset : offset + limit])
    # Sorting the firsts here beats a correlated subquery per case in SQL.
    firsts = sorted(
        _firsts(place, since, until, figure).values_list("case_id", "first"),
        key=lambda pair: (pair[1], pair[0]),
        reverse=True,
    )
    chosen = firsts[offset : offset + limit]
    found = Case.objects.select_related("category", "community").in_bulk(
        [case_id for case_id, _first in chosen]
    )
    page = []
    for case_id, first in chosen:
        case = found[case_id]
        case.figure_at = first  # type: ignore[attr-defined]
        page.append(case)
    return len(firsts), page


def case_row(case: Case) -> dict[str, Any]:
    """A case as the drill-down lists it (the full case is GET /api/cases/{id})."""

    def when(value: dt.datetime | None) -> str | None:
        return value.isoformat() if value is not None else None

    return {
        "id": case.pk,
        "status": case.status,
        "tier": case.tier,
        "flag": case.flag,
        "overdue": case.overdue,
        "category": {"id": case.category_id, "name": case.category.name},
        "community": {"id": case.community_id, "name": case.community.name},
        "description": case.description[:140],
        "created_at": when(case.created_at),
        "figure_at": when(getattr(case, "figure_at", None)),
        "first_response_at": when(case.first_response_at),
        "response_minutes": case.response_minutes,
        "resolved_at": when(case.resolved_at),
        "resolution_minutes": case.resolution_minutes,
        "closed_at": when(case.closed_at),
        "rating": case.rating,
        "reopened": case.reopened,
    }


def cases_behind(
    user: User,
    place: Place,
    since: dt.date,
    until: dt.date,
    figure: str,
    *,
    limit: int = 100,
    offset: int = 0,
) -> dict[str, Any]:
    """The cases behind one figure of ``place``: ``{"count", "cases": [case_row …]}``.

    Only for a viewer who may see the place's figures (``may_see_figures``) — a supervisor
    of the place or above, or a community's staff for their community — and those see every
    case of the place, so the list is all of them (paged by ``limit``/``offset``)."""
    if not may_see_figures(user, place):
        raise NotFound()
    count, page = _cases_page(place, since, until, figure, limit, offset)
    return {"count": count, "cases": [case_row(case) for case in page]}
