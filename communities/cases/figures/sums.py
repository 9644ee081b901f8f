"""Reading the case figures: the sums of a period's ``DayFigures`` rows for one place
(``figures_of``), the places one level below (``league``) or both (``report``), in a
constant number of queries; whole past months are cached."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import QuerySet

from communities.models import COMMUNITY_KINDS, STREET_KINDS, Place, PlaceKind

from ..models import DayFigures
from .keeping import COUNTERS, MONTH_CACHE_SECONDS, VERSION_KEY, today

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
