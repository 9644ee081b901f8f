"""Keeping the case figures: ``record`` adds each event that counts to its day's
``DayFigures`` row, inside the transaction that changes the case; ``replay_events`` reads
the same events back from a case and its timeline (for seeding and checks). The rules of
what counts on which day are in the package docstring."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Literal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ..models import Case, DayFigures, Entry

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


VERSION_KEY = "case-figures:version"
MONTH_CACHE_SECONDS = 40 * 24 * 3600


def figures_changed() -> None:
    """Past days' figures changed: start a new cache version of the months' sums."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, timeout=None)


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
