"""A case's deadlines, in working time (docs/cases.md, "Deadlines").

Working time is counted by whole local days in the place's time zone (``TIME_ZONE``): a
working day counts all its 24 hours, Monday to Friday are working days, Saturday and Sunday
are not — unless a ``CalendarDay`` says otherwise: a public holiday on a weekday
(``working=False``) does not count, a weekend day worked in exchange (调休, ``working=True``)
does. A day is the committee's day, not office hours: residents' problems do not wait for
nine o'clock, but nobody is expected to answer on a holiday.

The services call ``arrive``, ``responded``, ``reopened`` and ``stop`` as a case moves; each
changes the case in memory (the caller saves it) and, once the writing transaction commits,
queues the checks of the new deadline on the task worker: one at its amber moment (80 % of
the window gone, in working time) and one at the deadline itself. Each check carries the
case's ``deadline_version``; any later change bumps the version, so a check queued for a
deadline that no longer stands does nothing (``communities.cases.tasks.check_deadline``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import CalendarDay, Case, Deadline, Tier

DAY = 24 * 60  # minutes in a working day
AMBER_SHARE = 0.8  # amber once this share of the window has passed

# Respond / resolve within, in working hours, when no Deadline row says otherwise (the
# same figures the data migration seeds as each tier's default).
FALLBACK: dict[str, tuple[int, int]] = {
    Tier.COMMUNITY: (24, 120),
    Tier.STREET: (24, 120),
    Tier.OFFICE: (24, 120),
    Tier.DEPARTMENT: (48, 240),
    Tier.GRID: (48, 240),
}


class Calendar:
    """Which local days are working days, read from ``CalendarDay`` a stretch at a time (one
    query for the usual deadline, another only if the walk goes past what was read)."""

    STRETCH = 62  # days read at once: a 240-hour deadline over the Spring Festival fits

    def __init__(self) -> None:
        self.known: dict[date, bool] = {}
        self.read_from: date | None = None
        self.read_until: date | None = None  # exclusive

    def _read(self, first: date, until: date) -> None:
        rows = CalendarDay.objects.filter(date__gte=first, date__lt=until)
        self.known.update(rows.values_list("date", "working"))
        self.read_from = first if self.read_from is None else min(first, self.read_from)
        self.read_until = until if self.read_until is None else max(until, self.read_until)

    def working(self, day: date) -> bool:
        if self.read_from is None or self.read_until is None:
            self._read(day, day + timedelta(days=self.STRETCH))
        elif day >= self.read_until:
            self._read(self.read_until, max(day, self.read_until) + timedelta(days=self.STRETCH))
        elif day < self.read_from:
            self._read(day - timedelta(days=self.STRETCH), self.read_from)
        found = self.known.get(day)
        return found if found is not None else day.weekday() < 5


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def _minutes(start: datetime, end: datetime) -> float:
    # Aware datetimes of one zoneinfo subtract as wall times; in UTC they subtract as real time.
    return (end.astimezone(UTC) - start.astimezone(UTC)).total_seconds() / 60


def working_minutes(start: datetime, end: datetime, *, calendar: Calendar | None = None) -> int:
    """Working minutes between two moments (0 if ``end`` is not after ``start``)."""
    if end <= start:
        return 0
    calendar = calendar or Calendar()
    day = timezone.localtime(start).date()
    last = timezone.localtime(end).date()
    total = 0.0
    while day <= last:
        if calendar.working(day):
            begins = max(start, _local_midnight(day))
            ends = min(end, _local_midnight(day + timedelta(days=1)))
            total += max(0.0, _minutes(begins, ends))
        day += timedelta(days=1)
    return int(total)


def add_working(start: datetime, minutes: float, *, calendar: Calendar | None = None) -> datetime:
    """The moment ``minutes`` of working time after ``start``.

    Time spent on a day off does not count, so a deadline that runs out exactly at the end
    of a Friday is Friday midnight, and one started on a Saturday starts to run on Monday.
    """
    calendar = calendar or Calendar()
    left = float(minutes)
    day = timezone.localtime(start).date()
    at = start
    for _day in range(3660):  # ten years of days off in a row would be a broken calendar
        midnight = _local_midnight(day + timedelta(days=1))
        if calendar.working(day):
            room = _minutes(at, midnight)
            if left <= room:
                return (at.astimezone(UTC) + timedelta(minutes=left)).astimezone(start.tzinfo)
            left -= room
        at = midnight
        day += timedelta(days=1)
    raise ValueError("no working days in the calendar")


class Hours(NamedTuple):
    respond: int
    resolve: int


def hours_for(case: Case) -> Hours:
    """The case's deadlines at its tier: the category's row, else the tier's default."""
    wanted = Q(category_id=case.category_id) | Q(category__isnull=True)
    rows = {row.category_id: row for row in Deadline.objects.filter(wanted, tier=case.tier)}
    row = rows.get(case.category_id) or rows.get(None)
    if row is not None:
        return Hours(row.respond_hours, row.resolve_hours)
    respond, resolve = FALLBACK[case.tier]
    return Hours(respond, resolve)


def current_deadline(case: Case) -> datetime | None:
    """What the unit must meet now: responding, until it has; then resolving."""
    return case.respond_by if case.tier_responded_at is None else case.resolve_by


def amber_moment(start: datetime, due: datetime, *, calendar: Calendar | None = None) -> datetime:
    """When 80 % of the working time from ``start`` to ``due`` has passed."""
    calendar = calendar or Calendar()
    window = working_minutes(start, due, calendar=calendar)
    return min(due, add_working(start, window * AMBER_SHARE, calendar=calendar))


def arrive(case: Case, at: datetime) -> None:
    """The case reached a tier (raised, escalated, assigned, referred, handed off, sent back):
    both clocks start again from ``at``."""
    calendar = Calendar()
    hours = hours_for(case)
    case.tier_since = at
    case.tier_responded_at = None
    case.respond_by = add_working(at, hours.respond * 60, calendar=calendar)
    case.resolve_by = add_working(at, hours.resolve * 60, calendar=calendar)
    _watch(case, at, case.respond_by, calendar)


def responded(case: Case, at: datetime) -> None:
    """The unit holding the case acted on it. The first time at this tier, its deadline is
    resolving from now on; after that, nothing changes."""
    if case.tier_responded_at is not None or case.resolve_by is None:
        return
    case.tier_responded_at = at
    _watch(case, case.tier_since, case.resolve_by, Calendar())


def reopened(case: Case, at: datetime) -> None:
    """The reporter reopened the case: the current tier's resolve clock starts again."""
    calendar = Calendar()
    hours = hours_for(case)
    if case.tier_responded_at is None:
        case.tier_responded_at = at
    case.resolve_by = add_working(at, hours.resolve * 60, calendar=calendar)
    _watch(case, at, case.resolve_by, calendar)


def stop(case: Case) -> None:
    """Resolved, declined, closed or merged: no deadline stands; checks queued do nothing."""
    case.deadline_version += 1
    case.flag = Case.Flag.NONE


def _watch(case: Case, start: datetime, due: datetime, calendar: Calendar) -> None:
    """A new deadline stands: clear the flag, void older checks, queue this one's two."""
    case.flag = Case.Flag.NONE
    case.deadline_version += 1
    version = case.deadline_version
    moments = (amber_moment(start, due, calendar=calendar), due)

    def queue() -> None:
        # A case moved again in the same transaction (escalated right after it was answered)
        # has a newer deadline queued already: this one's checks would do nothing.
        if case.deadline_version != version or case.pk is None:
            return
        assert _enqueue is not None, "communities.cases.tasks registers the deadline check"
        for moment in moments:
            _enqueue(case.pk, version, moment)

    # Robust: the change is committed already; a check that could not be queued is logged
    # (django.db.backends) rather than turning the committed change into an error reply.
    transaction.on_commit(queue, robust=True)


# How a check is queued: ``communities.cases.tasks`` says so when it loads (the check writes
# through the services, which call this module, so this module may not import it).
Enqueue = Callable[[int, int, datetime], object]
_enqueue: Enqueue | None = None


def checked_by(enqueue: Enqueue) -> None:
    """Register how to queue the check of ``(case_id, version)`` to run after a moment."""
    global _enqueue
    _enqueue = enqueue
