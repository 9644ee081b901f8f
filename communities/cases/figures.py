"""The case figures: kept up to date as cases change, read by the supervisors' page.

Writing: the services call ``record`` inside their transaction each time something that
counts happens to a case; it adds one to that day's ``DayFigures`` row of the case's
community (the day of ``at`` in ``settings.TIME_ZONE``). Reading: ``figures_of`` (one
place), ``league`` (the places one level below) and ``report`` (both at once) add the rows
of a period up in SQL — a constant number of queries whatever the number of communities
or cases — and ``cases_behind`` lists the cases behind one figure (the drill-down), read
from the cases themselves with the same day-and-event rules:

=============  ======================================================================
figure         a case counts on the day …
=============  ======================================================================
raised         it was raised (``created_at``)
responded      the first answer ever reached the reporter (``first_response_at``); its
               ``response_minutes`` go into the response-time histogram
accepted       it was accepted (an ``accepted`` timeline entry)
declined       it was declined (a ``declined`` entry)
resolved       it was first resolved (``resolved_at``); its ``resolution_minutes`` go
               into the resolution-time histogram
closed         it was closed, confirmed or automatically (``closed_at``)
rated          the reporter rated it (``closed_at`` of a case with a ``rating``)
reopened       the reporter reopened it (a ``reopened`` entry)
overdue        it first breached a deadline (its first ``breached`` entry)
=============  ======================================================================

Durations are working minutes (weekends and holidays do not count) and are kept as
histograms whose buckets ``bucket`` defines, so a median or a 90th percentile over any
set of days and places is exact to the bucket.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Min, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from communities.errors import Invalid, NotFound
from communities.models import COMMUNITY_KINDS, STREET_KINDS, AccessLog, Place, PlaceKind, User
from communities.rules.cases import may_see_figures

from .models import Case, DayFigures, Entry

What = Literal[
    "raised",
    "responded",
    "accepted",
    "declined",
    "resolved",
    "closed",
    "rated",
    "reopened",
    "overdue",
]
WHATS: tuple[str, ...] = (
    "raised",
    "responded",
    "accepted",
    "declined",
    "resolved",
    "closed",
    "rated",
    "reopened",
    "overdue",
)
# The plain counters of DayFigures ("responded" only feeds its histogram; "rated" also
# adds the rating to rating_sum).
COUNTERS: tuple[str, ...] = (
    "raised",
    "accepted",
    "declined",
    "resolved",
    "closed",
    "reopened",
    "overdue",
    "rated",
    "rating_sum",
)
HISTOGRAMS = {"responded": "response_minutes", "resolved": "resolution_minutes"}

# Bucket widths: exact to 15 minutes up to 2 days, to the hour up to 10 days, to the day
# beyond (minutes).
_FINE_UNTIL = 2 * 24 * 60
_HOURLY_UNTIL = 10 * 24 * 60


def zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def day_of(at: dt.datetime) -> dt.date:
    """The day a moment counts on: its date in ``settings.TIME_ZONE``."""
    return at.astimezone(zone()).date()


def bucket(minutes: int) -> int:
    """The histogram bucket of a duration in working minutes: its upper bound, the smallest
    multiple of the bucket width not below it. The width is 15 minutes up to 2 days (2,880
    minutes), an hour up to 10 days (14,400 minutes), a day (1,440 minutes) beyond. So
    ``bucket(0) == 0``, ``bucket(1) == bucket(15) == 15``, ``bucket(2881) == 2940``,
    ``bucket(14401) == 15840``; a percentile read from the histograms is never below the
    true value and at most one bucket width above it."""
    if minutes < 0:
        raise ValueError("a duration cannot be negative")
    if minutes <= _FINE_UNTIL:
        width = 15
    elif minutes <= _HOURLY_UNTIL:
        width = 60
    else:
        width = 24 * 60
    return -(-minutes // width) * width


# --- Writing ---------------------------------------------------------------------------------
def record(
    case: Case,
    what: str,
    at: dt.datetime,
    *,
    minutes: int | None = None,
    rating: int | None = None,
) -> None:
    """Count ``what`` happening to ``case`` at ``at`` on that day's row of its community.

    Call it inside the transaction that changes the case, once per event: "responded"
    (``minutes`` = the case's response_minutes) only for the first answer ever, "resolved"
    (``minutes`` = resolution_minutes) only for the first resolution, "overdue" only for the
    first breach, "rated" with ``rating`` 1–5. Safe under concurrency: the row is created
    at most once (a lost race retries the read), counters are added in SQL with ``F()``,
    and a histogram is changed with its row locked.
    """
    if what not in WHATS:
        raise ValueError(f"unknown figure {what!r}")
    if what in HISTOGRAMS:
        if minutes is None:
            minutes = case.response_minutes if what == "responded" else case.resolution_minutes
        if minutes is None:
            raise ValueError(f"{what!r} needs the minutes it took")
    if what == "rated" and (rating is None or not 1 <= rating <= 5):
        raise ValueError("a rating is 1 to 5")
    day = day_of(at)
    if day < today():
        # A past day changes: the cached sums of its month go (now, and again once this
        # commits, in case a look cached the old figures in between).
        figures_changed()
        transaction.on_commit(figures_changed)
    with transaction.atomic():
        pk = _row_ensure(case, day)
        rows = DayFigures.objects.filter(pk=pk)
        if what == "rated":
            assert rating is not None
            rows.update(rated=F("rated") + 1, rating_sum=F("rating_sum") + rating)
            return
        if what not in HISTOGRAMS:
            rows.update(**{what: F(what) + 1})
            return
        assert minutes is not None
        field = HISTOGRAMS[what]
        # JSON cannot be incremented portably in SQL: lock the row, add in Python.
        histogram = dict(rows.select_for_update().values_list(field, flat=True).get())
        key = str(bucket(minutes))
        histogram[key] = int(histogram.get(key, 0)) + 1
        changes: dict[str, Any] = {field: histogram}
        if what == "resolved":
            changes["resolved"] = F("resolved") + 1
        rows.update(**changes)


def _row_ensure(case: Case, day: dt.date) -> int:
    """The id of the (community, day) row, created when missing. Two transactions may
    race to create it: the loser's insert fails on the unique constraint inside its own
    savepoint, and it reads the winner's row."""
    for _attempt in range(3):
        pk = (
            DayFigures.objects.filter(community_id=case.community_id, day=day)
            .values_list("pk", flat=True)
            .first()
        )
        if pk is not None:
            return pk
        try:
            with transaction.atomic():
                return DayFigures.objects.create(
                    community_id=case.community_id,
                    street_id=case.street_id,
                    district_id=case.district_id,
                    day=day,
                ).pk
        except IntegrityError:
            continue
    raise RuntimeError("could not create the figures row")  # pragma: no cover


# --- Reading ---------------------------------------------------------------------------------
Level = Literal["street", "community"]


@dataclass
class Totals:
    """The summed figures of some DayFigures rows, with their merged histograms."""

    raised: int = 0
    accepted: int = 0
    declined: int = 0
    resolved: int = 0
    closed: int = 0
    reopened: int = 0
    overdue: int = 0
    rated: int = 0
    rating_sum: int = 0

    def __post_init__(self) -> None:
        self.response: dict[int, int] = {}
        self.resolution: dict[int, int] = {}

    def add(self, other: Totals) -> None:
        counts, others = self.__dict__, other.__dict__
        for name in COUNTERS:
            counts[name] += others[name]
        for mine, theirs in ((self.response, other.response), (self.resolution, other.resolution)):
            for key, count in theirs.items():
                mine[key] = mine.get(key, 0) + count

    def dump(self) -> tuple[list[int], dict[int, int], dict[int, int]]:
        return [getattr(self, name) for name in COUNTERS], self.response, self.resolution

    @classmethod
    def load(cls, dumped: tuple[list[int], dict[int, int], dict[int, int]]) -> Totals:
        counters, response, resolution = dumped
        totals = cls(**dict(zip(COUNTERS, counters, strict=True)))
        totals.response, totals.resolution = dict(response), dict(resolution)
        return totals

    def out(self) -> dict[str, Any]:
        """The figures as the API shows them (see ``FIGURES``)."""
        return {
            "raised": self.raised,
            "accepted": self.accepted,
            "declined": self.declined,
            "resolved": self.resolved,
            "closed": self.closed,
            "reopened": self.reopened,
            "overdue": self.overdue,
            "rated": self.rated,
            "responded": sum(self.response.values()),
            "response_p50": percentile(self.response, 50),
            "response_p90": percentile(self.response, 90),
            "resolution_p50": percentile(self.resolution, 50),
            "resolution_p90": percentile(self.resolution, 90),
            "reopen_rate": _ratio(self.reopened, self.resolved, 4),
            "mean_rating": _ratio(self.rating_sum, self.rated, 2),
            "resolution_rate": _ratio(self.resolved, self.raised, 4),
        }


# Every figure of a row, in the order of the table (and of the CSV).
FIGURES: tuple[str, ...] = (
    "raised",
    "accepted",
    "declined",
    "resolved",
    "closed",
    "reopened",
    "overdue",
    "rated",
    "responded",
    "response_p50",
    "response_p90",
    "resolution_p50",
    "resolution_p90",
    "reopen_rate",
    "mean_rating",
    "resolution_rate",
)


def _ratio(numerator: int, denominator: int, digits: int) -> float | None:
    return round(numerator / denominator, digits) if denominator else None


def percentile(histogram: Mapping[int, int], p: float) -> int | None:
    """The p-th percentile (nearest rank) of the durations in ``histogram``: the bucket
    holding the value of rank ⌈p/100 × n⌉ (1-based) among the n sorted durations — for the
    median of an even count the lower of the two middle values. None without durations."""
    total = sum(histogram.values())
    if total == 0:
        return None
    rank = max(1, math.ceil(p / 100 * total))
    seen = 0
    for key in sorted(histogram):
        seen += histogram[key]
        if seen >= rank:
            return key
    return max(histogram)  # pragma: no cover - rank never exceeds the total


def _scope(place: Place) -> str:
    """The DayFigures column a place filters on."""
    if place.kind == PlaceKind.DISTRICT:
        return "district_id"
    if place.kind in STREET_KINDS:
        return "street_id"
    if place.kind in COMMUNITY_KINDS:
        return "community_id"
    raise ValueError("figures are kept for districts, streets and communities")


def _grouped(
    place: Place, since: dt.date, until: dt.date, group: str | None
) -> dict[int | None, Totals]:
    """The figures of ``place`` over [since, until], summed per value of the DayFigures
    column ``group`` (None: one total).

    Days before the current month no longer change (figures count on the day things
    happen), so their part of the period is kept in the cache, whole: a repeated look
    reads it in one cache read and sums only the current month's days from DayFigures.
    A past part not cached yet is made of the whole months in it, each cached on its own
    (every missing month in one sum), and the days around them. Each sum is two queries
    (the counters, the histograms), so a look is a handful of queries whatever the
    period, the number of places or of cases. A past day changes only when something is
    recorded on it after the fact (seeding, a rebuild, a test moving the clock):
    ``record`` and ``seed_cases`` then start a new cache version.
    """
    scope = _scope(place)
    now = today()
    month_start = now.replace(day=1)
    result: dict[int | None, Totals] = {}
    past_end = min(until, month_start - dt.timedelta(days=1))
    if since <= past_end:
        version = cache.get_or_set(VERSION_KEY, 1)
        prefix = f"case-figures:{version}:{scope}:{place.pk}:{group}"
        span_key = f"{prefix}:{since.isoformat()}:{past_end.isoformat()}"
        span = cache.get(span_key)
        if span is None:
            span = {key: t.dump() for key, t in _past(prefix, scope, place.pk, since,
                                                      past_end, now, group).items()}  # fmt: skip
            cache.set(span_key, span, timeout=MONTH_CACHE_SECONDS)
        for key, dumped in span.items():
            result[key] = Totals.load(dumped)
    if until >= month_start:
        live = [(max(since, month_start), until)]
        for (key, _month), totals in _sum(scope, place.pk, live, group).items():
            result.setdefault(key, Totals()).add(totals)
    if group is None:
        result.setdefault(None, Totals())
    return result


def _past(
    prefix: str,
    scope: str,
    place_id: int,
    since: dt.date,
    until: dt.date,
    now: dt.date,
    group: str | None,
) -> dict[int | None, Totals]:
    """The sums of a past stretch of days: its whole months from the cache (computing the
    missing ones in one sum), the days around them from DayFigures."""
    months, edges = _split(since, until, now)
    result: dict[int | None, Totals] = {}
    if months:
        keys = {m: f"{prefix}:{m:%Y-%m}" for m in months}
        cached = cache.get_many(list(keys.values()))
        missing = [m for m in months if keys[m] not in cached]
        if missing:
            ranges = [(m, _month_end(m)) for m in missing]
            computed = _sum(scope, place_id, ranges, group, by_month=True)
            fresh: dict[str, Any] = {keys[m]: {} for m in missing}
            for (key, month), totals in computed.items():
                assert month is not None
                fresh[keys[month]][key] = totals.dump()
            cached.update(fresh)
            cache.set_many(fresh, timeout=MONTH_CACHE_SECONDS)
        for month in months:
            for key, dumped in cached[keys[month]].items():
                result.setdefault(key, Totals()).add(Totals.load(dumped))
    if edges:
        for (key, _month), totals in _sum(scope, place_id, edges, group).items():
            result.setdefault(key, Totals()).add(totals)
    return result


VERSION_KEY = "case-figures:version"
MONTH_CACHE_SECONDS = 40 * 24 * 3600


def figures_changed() -> None:
    """Past days' figures changed: start a new cache version of the months' sums."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, timeout=None)


def _month_end(month: dt.date) -> dt.date:
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def _split(
    since: dt.date, until: dt.date, now: dt.date
) -> tuple[list[dt.date], list[tuple[dt.date, dt.date]]]:
    """[since, until] as the whole months in it that ended before ``now`` (their first
    days) and the day ranges left over (at most two: before and after those months)."""
    first = since if since.day == 1 else _month_end(since) + dt.timedelta(days=1)
    months = []
    month = first
    while _month_end(month) <= until and _month_end(month) < now:
        months.append(month)
        month = _month_end(month) + dt.timedelta(days=1)
    if not months:
        return [], [(since, until)]
    live = []
    if since < months[0]:
        live.append((since, months[0] - dt.timedelta(days=1)))
    after = _month_end(months[-1]) + dt.timedelta(days=1)
    if after <= until:
        live.append((after, until))
    return months, live


def _sum(
    scope: str,
    place_id: int,
    ranges: Sequence[tuple[dt.date, dt.date]],
    group: str | None,
    *,
    by_month: bool = False,
) -> dict[tuple[int | None, dt.date | None], Totals]:
    """DayFigures of the place in the day ranges, summed per (group, month) in SQL: one
    query for the counters, one for the histograms — each row's JSON object is expanded
    into (bucket, count) pairs and summed in the database (``jsonb_each_text`` on
    PostgreSQL, ``json_each`` on SQLite), so no row's JSON travels to Python."""
    table = DayFigures._meta.db_table
    columns = {"district_id", "street_id", "community_id"}
    assert scope in columns
    assert group is None or group in columns
    postgres = connection.vendor == "postgresql"
    key = f"f.{group}" if group else "NULL"
    if by_month:
        month = "to_char(f.day, 'YYYY-MM')" if postgres else "strftime('%%Y-%%m', f.day)"
    else:
        month = "NULL"
    grouping = ", ".join(part for part in (f"f.{group}" if group else "", month if by_month
                         else "") if part)  # fmt: skip
    where = f"f.{scope} = %s AND (" + " OR ".join(["(f.day >= %s AND f.day <= %s)"] * len(ranges))
    where += ")"
    params: list[Any] = [place_id]
    for start, end in ranges:
        params += [start, end]
    counters = ", ".join(f"SUM(f.{name})" for name in COUNTERS)
    group_by = f" GROUP BY {grouping}" if grouping else ""
    if postgres:
        each, value = "jsonb_each_text", "kv.value::bigint"
    else:
        each, value = "json_each", "CAST(kv.value AS INTEGER)"
    histograms = " UNION ALL ".join(
        f"SELECT {key}, {month}, '{kind}', kv.key, SUM({value}) "
        f"FROM {table} f, {each}(f.{field}) kv WHERE {where} "
        f"GROUP BY {grouping + ', ' if grouping else ''}kv.key"
        for kind, field in (("r", "response_minutes"), ("s", "resolution_minutes"))
    )
    result: dict[tuple[int | None, dt.date | None], Totals] = {}

    def month_of(text: str | None) -> dt.date | None:
        return dt.date.fromisoformat(f"{text}-01") if text else None

    with transaction.atomic(), connection.cursor() as cursor:
        if postgres:
            # Compiling these small sums (JIT) costs more than running them.
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(f"SELECT {key}, {month}, {counters} FROM {table} f WHERE {where}{group_by}",
                       params)  # fmt: skip
        for grp, label, *sums in cursor.fetchall():
            if sums[0] is None and grp is None and not group:
                continue  # no rows at all
            result[(grp, month_of(label))] = Totals(
                **{name: int(v or 0) for name, v in zip(COUNTERS, sums, strict=True)}
            )
        cursor.execute(histograms, params * 2)
        for grp, label, kind, bucket_key, count in cursor.fetchall():
            totals = result.setdefault((grp, month_of(label)), Totals())
            target = totals.response if kind == "r" else totals.resolution
            target[int(bucket_key)] = target.get(int(bucket_key), 0) + int(count)
    return result


def figures_of(place: Place, since: dt.date, until: dt.date) -> dict[str, Any]:
    """The figures of one community, street or district over the days [since, until]."""
    return _grouped(place, since, until, None).get(None, Totals()).out()


def levels_below(place: Place) -> tuple[str, ...]:
    """The levels a league table of ``place`` may list: a district's streets (the default)
    or all its communities; a street's communities; nothing under a community."""
    if place.kind == PlaceKind.DISTRICT:
        return ("street", "community")
    if place.kind in STREET_KINDS:
        return ("community",)
    return ()


def _children(place: Place, level: str) -> QuerySet[Place]:
    kinds = STREET_KINDS if level == "street" else COMMUNITY_KINDS
    return Place.objects.filter(path__startswith=place.path, kind__in=kinds).only(
        "id", "name", "kind", "path", "parent_id"
    )


def report(
    place: Place, since: dt.date, until: dt.date, level: str | None = None
) -> dict[str, Any]:
    """The place's own figures and its league table (``league``) from the same two sums:
    three queries in all (the places below, the counters, the histograms)."""
    levels = levels_below(place)
    if level is None:
        level = levels[0] if levels else None
    if level is not None and level not in levels:
        raise ValueError(f"no level {level!r} below a {place.kind}")
    if level is None:
        return {"place": figures_of(place, since, until), "level": None, "rows": []}
    group = "street_id" if level == "street" else "community_id"
    grouped = _grouped(place, since, until, group)
    total = Totals()
    for totals in grouped.values():
        total.add(totals)
    rows = [
        {"place": {"id": child.pk, "name": child.name, "kind": child.kind}}
        | grouped.get(child.pk, Totals()).out()
        for child in _children(place, level)
    ]
    return {"place": total.out(), "level": level, "rows": rows}


def league(
    place: Place, since: dt.date, until: dt.date, level: str | None = None
) -> list[dict[str, Any]]:
    """A row per place one level below ``place`` (every one, with zeros where nothing
    happened), in the tree's order: ``{"place": {id, name, kind}, <FIGURES>}``."""
    rows: list[dict[str, Any]] = report(place, since, until, level)["rows"]
    return rows


def league_sorted(rows: Sequence[dict[str, Any]], sort: str) -> list[dict[str, Any]]:
    """The rows ordered by one figure (``"-raised"``: most first); rows without that figure
    (no durations, no ratings) come last either way, ties by place name."""
    descending = sort.startswith("-")
    name = sort.removeprefix("-")
    if name != "name" and name not in FIGURES:
        raise ValueError(f"unknown figure {name!r}")
    if name == "name":
        return sorted(rows, key=lambda row: (str(row["place"]["name"]), row["place"]["id"]),
                      reverse=descending)  # fmt: skip
    present = [row for row in rows if row[name] is not None]
    missing = [row for row in rows if row[name] is None]
    present.sort(key=lambda row: (str(row["place"]["name"]), row["place"]["id"]))
    present.sort(key=lambda row: row[name], reverse=descending)
    missing.sort(key=lambda row: (str(row["place"]["name"]), row["place"]["id"]))
    return present + missing


# --- Drill-down ------------------------------------------------------------------------------
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


def today() -> dt.date:
    return timezone.now().astimezone(zone()).date()


Event = tuple[str, dt.datetime, dict[str, int]]


def replay_events(case: Case, entries: Iterable[Entry]) -> list[Event]:
    """What ``record`` was told about ``case``, read back from the case and its timeline
    (the rules of the module docstring): [(what, at, {"minutes"|"rating": …})]."""
    firsts: dict[str, dt.datetime] = {}
    for entry in sorted(entries, key=lambda e: (e.created_at, e.pk or 0)):
        firsts.setdefault(entry.kind, entry.created_at)
    events: list[Event] = [("raised", case.created_at, {})]
    if case.first_response_at is not None and case.response_minutes is not None:
        events.append(("responded", case.first_response_at, {"minutes": case.response_minutes}))
    for what, kind in (("accepted", Entry.Kind.ACCEPTED), ("declined", Entry.Kind.DECLINED),
                       ("reopened", Entry.Kind.REOPENED)):  # fmt: skip
        if kind in firsts:
            events.append((what, firsts[kind], {}))
    if case.overdue and Entry.Kind.BREACHED in firsts:
        events.append(("overdue", firsts[Entry.Kind.BREACHED], {}))
    if case.resolved_at is not None and case.resolution_minutes is not None:
        events.append(("resolved", case.resolved_at, {"minutes": case.resolution_minutes}))
    if case.closed_at is not None:
        events.append(("closed", case.closed_at, {}))
        if case.rating is not None:
            events.append(("rated", case.closed_at, {"rating": case.rating}))
    return events


# --- What the HTTP API asks for --------------------------------------------------------------
DEFAULT_DAYS = 30


@dataclass(frozen=True)
class Look:
    """One viewer's look at the figures of one place over [since, until] (checked)."""

    user: User
    place: Place
    since: dt.date
    until: dt.date


def _date(value: str | None, name: str) -> dt.date | None:
    if value is None or value == "":
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise Invalid(
            _("Please correct the marked fields."),
            errors={name: _("A date is written YYYY-MM-DD.")},
        ) from None


def look_at(user: User, place_id: int, since: str | None, until: str | None) -> Look:
    """The checked look: the place exists and the viewer may see its figures (404
    otherwise, a refused place and a missing one alike), the period is a valid range of
    days (400); by default the last 30 days up to today."""
    place = Place.objects.filter(pk=place_id).first()
    if place is None or not may_see_figures(user, place):
        raise NotFound()
    end = _date(until, "until") or today()
    start = _date(since, "since") or end - dt.timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise Invalid(
            _("Please correct the marked fields."),
            errors={"since": _("The period must not start after it ends.")},
        )
    return Look(user=user, place=place, since=start, until=end)


def _logged(look: Look, action: str, detail: str) -> None:
    AccessLog.objects.create(
        actor=look.user,
        action=action,
        place=look.place,
        detail=f"{detail} {look.since.isoformat()}..{look.until.isoformat()}"[:255],
    )


def page(look: Look, level: str | None = None, sort: str | None = None) -> dict[str, Any]:
    """The supervisors' figures page: the place's figures and its league table."""
    if level is not None and level not in levels_below(look.place):
        raise Invalid(
            _("Please correct the marked fields."),
            errors={"level": _("There is no such level below this place.")},
        )
    if sort and sort.removeprefix("-") not in (*FIGURES, "name"):
        raise Invalid(
            _("Please correct the marked fields."),
            errors={"sort": _("There is no such figure.")},
        )
    got = report(look.place, look.since, look.until, level)
    rows = league_sorted(got["rows"], sort) if sort else got["rows"]
    _logged(look, "view_case_figures", f"level={got['level'] or '-'}")
    return {
        "place": {"id": look.place.pk, "name": look.place.name, "kind": look.place.kind},
        "since": look.since.isoformat(),
        "until": look.until.isoformat(),
        "level": got["level"],
        "levels": list(levels_below(look.place)),
        "figures": got["place"],
        "rows": rows,
    }


def column_labels() -> list[str]:
    """The CSV header, in the active language (Chinese by default)."""
    labels = {
        "raised": pgettext("case figures", "raised"),
        "accepted": pgettext("case figures", "accepted"),
        "declined": pgettext("case figures", "declined"),
        "resolved": pgettext("case figures", "resolved"),
        "closed": pgettext("case figures", "closed"),
        "reopened": pgettext("case figures", "reopened"),
        "overdue": pgettext("case figures", "overdue"),
        "rated": pgettext("case figures", "rated"),
        "responded": pgettext("case figures", "answered"),
        "response_p50": pgettext("case figures", "first response, median (working minutes)"),
        "response_p90": pgettext(
            "case figures", "first response, 90th percentile (working minutes)"
        ),
        "resolution_p50": pgettext("case figures", "resolution, median (working minutes)"),
        "resolution_p90": pgettext("case figures", "resolution, 90th percentile (working minutes)"),
        "reopen_rate": pgettext("case figures", "reopen rate"),
        "mean_rating": pgettext("case figures", "mean rating"),
        "resolution_rate": pgettext("case figures", "resolution rate"),
    }
    return [pgettext("case figures", "place"), *(str(labels[name]) for name in FIGURES)]


def csv_rows(got: Mapping[str, Any]) -> list[list[str]]:
    """The league table of ``page`` as CSV cells: a header row, then one row per place
    and a last row for the place itself."""

    def cell(value: Any) -> str:
        return "" if value is None else str(value)

    rows = [column_labels()]
    for row in got["rows"]:
        rows.append([str(row["place"]["name"]), *(cell(row[name]) for name in FIGURES)])
    rows.append([str(got["place"]["name"]), *(cell(got["figures"][name]) for name in FIGURES)])
    return rows


def drill(look: Look, figure: str, *, limit: int = 100, offset: int = 0) -> dict[str, Any]:
    """The cases behind one figure of the look's place and period (logged: they carry
    personal data)."""
    if figure not in DRILLABLE:
        raise Invalid(
            _("Please correct the marked fields."),
            errors={"figure": _("There is no such figure.")},
        )
    if not 1 <= limit <= 500 or offset < 0:
        raise Invalid(
            _("Please correct the marked fields."),
            errors={"limit": _("Ask for 1 to 500 cases from an offset of 0 or more.")},
        )
    got = cases_behind(look.user, look.place, look.since, look.until, figure,
                       limit=limit, offset=offset)  # fmt: skip
    _logged(look, "view_cases", f"figure={figure} shown={len(got['cases'])}")
    return {"figure": figure, "since": look.since.isoformat(), "until": look.until.isoformat(),
            **got}  # fmt: skip
