"""The made-up lives of a year of cases, written in bulk (``manage.py seed_cases``).

Each case gets a realistic life cut off at the present moment (see the command's
docstring); its ``DayFigures`` are added up from the same events ``figures.record`` is told
about (``figures.replay_events``), so they equal what the services would have written.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from communities.cases import figures
from communities.cases.deadlines import Calendar, add_working
from communities.cases.models import (
    Case,
    Category,
    DayFigures,
    Entry,
    Tier,
)
from communities.models import Place

DESCRIPTIONS = (
    "小区广场被人种了菜，老人没地方跳舞",
    "楼道灯坏了一个多星期",
    "地下车库入口积水",
    "晚上十点后广场舞音响太响",
    "垃圾箱房满溢没人清运",
    "消防通道被电动车堵住",
    "楼顶漏水，顶楼住户家里发霉",
    "小区门口共享单车乱停",
    "健身器材螺丝松动有危险",
    "邻居在楼道堆放杂物",
)
# Respond / resolve deadlines in working minutes per tier (the defaults of docs/cases.md).
DEADLINES: dict[str, tuple[int, int]] = {
    Tier.COMMUNITY: (24 * 60, 120 * 60),
    Tier.STREET: (24 * 60, 120 * 60),
    Tier.OFFICE: (24 * 60, 120 * 60),
    Tier.DEPARTMENT: (48 * 60, 240 * 60),
    Tier.GRID: (48 * 60, 240 * 60),
}
TIERS = (Tier.COMMUNITY, Tier.STREET, Tier.OFFICE, Tier.DEPARTMENT, Tier.GRID)
TIER_WEIGHTS = (60, 14, 12, 8, 6)
# Median working minutes to resolve, per tier.
RESOLVE_MEDIAN: dict[str, int] = {
    Tier.COMMUNITY: 1200,
    Tier.STREET: 2400,
    Tier.OFFICE: 3600,
    Tier.DEPARTMENT: 6000,
    Tier.GRID: 7200,
}
RATINGS = (5, 4, 3, 2, 1)
RATING_WEIGHTS = (50, 25, 12, 7, 6)
BATCH = 2000


class Seeder:
    """Makes up the cases' lives and writes them."""

    def __init__(
        self,
        rng: random.Random,
        units: dict[str, Any],
        reporters: list[int],
        categories: list[Category],
        communities: list[Place],
    ) -> None:
        self.rng = rng
        self.units = units
        self.reporters = reporters
        self.categories = categories
        self.communities = communities
        self.calendar = Calendar()
        self.now = timezone.now()
        # Some communities raise far more than others (a league table needs a spread).
        self.weights = [rng.lognormvariate(0, 0.6) for _ in communities]

    def lognormal(self, median: float, sigma: float) -> int:
        return max(1, int(self.rng.lognormvariate(math.log(median), sigma)))

    def after(self, start: dt.datetime, working_minutes: int) -> dt.datetime:
        return add_working(start, working_minutes, calendar=self.calendar)

    def run(self, count: int, days: int) -> dict[str, int]:
        rng = self.rng
        chosen = rng.choices(self.communities, weights=self.weights, k=count)
        cases: list[Case] = []
        entries: list[list[Entry]] = []
        for community in sorted(chosen, key=lambda place: place.pk):
            created = self.now - dt.timedelta(seconds=rng.uniform(3600, days * 86400))
            local = timezone.localtime(created)
            if not 7 <= local.hour < 22:  # people report in the day, mostly
                created += dt.timedelta(hours=rng.choice((-10, 10)))
                created = min(created, self.now - dt.timedelta(minutes=30))
            case, timeline = self.life(community, created)
            cases.append(case)
            entries.append(timeline)
        order = sorted(range(len(cases)), key=lambda i: cases[i].created_at)
        cases = [cases[i] for i in order]
        entries = [entries[i] for i in order]
        Case.objects.bulk_create(cases, batch_size=BATCH)
        self.merge(cases, entries)
        flat: list[Entry] = []
        for case, timeline in zip(cases, entries, strict=True):
            for entry in timeline:
                entry.case_id = case.pk
                flat.append(entry)
        Entry.objects.bulk_create(flat, batch_size=BATCH)
        rows = self.figures(cases, entries)
        DayFigures.objects.bulk_create(rows, batch_size=BATCH)
        transaction.on_commit(figures.figures_changed)
        return {"cases": len(cases), "entries": len(flat), "figures": len(rows)}

    def life(self, community: Place, created: dt.datetime) -> tuple[Case, list[Entry]]:
        """One case from its raising to now, and its timeline."""
        rng, now = self.rng, self.now
        street = community.parent
        assert street is not None
        assert street.parent_id is not None
        tier = rng.choices(TIERS, weights=TIER_WEIGHTS)[0]
        case = Case(
            community=community,
            street=street,
            district_id=street.parent_id,
            category=rng.choice(self.categories),
            reporter_id=rng.choice(self.reporters),
            description=rng.choice(DESCRIPTIONS),
            public=rng.random() < 0.6,
            show_reporter=rng.random() < 0.3,
            created_at=created,
            tier_since=created,
            status=Case.Status.SUBMITTED,
        )
        timeline = [Entry(kind=Entry.Kind.SUBMITTED, body=case.description, created_at=created)]
        respond, resolve = DEADLINES[tier]

        def happen(kind: str, at: dt.datetime, **fields: Any) -> bool:
            if at > now:
                return False
            timeline.append(Entry(kind=kind, created_at=at, **fields))
            case.updated_at = at
            return True

        stalled = rng.random() < 0.04  # some cases are simply left lying …
        response = self.lognormal(120, 1.3)
        answered_at = self.after(created, response)
        if stalled and rng.random() < 0.5:  # … some without even an answer
            answered_at = now + dt.timedelta(days=365)
        resolution = response + self.lognormal(RESOLVE_MEDIAN[tier], 0.9)
        resolved_at = self.after(created, resolution)
        breach: dt.datetime | None = None
        if response > respond:
            breach = self.after(created, respond)
        elif resolution > resolve or stalled:
            breach = self.after(created, resolve)
        if breach is not None and breach <= now:
            case.overdue = True
            happen(Entry.Kind.BREACHED, breach, public=False, body="")

        if answered_at <= now:
            case.first_response_at, case.response_minutes = answered_at, response
            if rng.random() < 0.05:
                happen(Entry.Kind.DECLINED, answered_at, body="不属于社区受理范围")
                case.status = Case.Status.DECLINED
                case.tier = Tier.COMMUNITY
                timeline.sort(key=lambda e: e.created_at)
                return case, timeline
            kind = Entry.Kind.ACCEPTED if rng.random() < 0.7 else Entry.Kind.STARTED
            happen(kind, answered_at)
            case.status = (
                Case.Status.ACCEPTED if kind == Entry.Kind.ACCEPTED else Case.Status.IN_PROGRESS
            )
        self.place_at_tier(case, tier, timeline, created, answered_at)
        if case.first_response_at is not None and not stalled and resolved_at <= now:
            case.resolved_at, case.resolution_minutes = resolved_at, resolution
            happen(Entry.Kind.RESOLVED, resolved_at, body="已处理完毕")
            case.status = Case.Status.RESOLVED
            last = resolved_at
            if rng.random() < 0.06:
                reopened = last + dt.timedelta(hours=rng.uniform(2, 72))
                if happen(Entry.Kind.REOPENED, reopened, body="问题又出现了"):
                    case.reopened = 1
                    case.status = Case.Status.IN_PROGRESS
                    last = self.after(reopened, self.lognormal(900, 0.8))
                    if happen(Entry.Kind.RESOLVED, last, body="再次处理"):
                        case.status = Case.Status.RESOLVED
            if case.status == Case.Status.RESOLVED:
                if rng.random() < 0.68:
                    closed = last + dt.timedelta(hours=rng.uniform(1, 96))
                    rating = rng.choices(RATINGS, weights=RATING_WEIGHTS)[0]
                    if happen(Entry.Kind.CLOSED, closed, rating=rating):
                        case.closed_at, case.rating = closed, rating
                        case.status = Case.Status.CLOSED
                else:
                    closed = last + dt.timedelta(days=7)
                    if happen(Entry.Kind.AUTO_CLOSED, closed, public=True):
                        case.closed_at = closed
                        case.status = Case.Status.CLOSED
        if case.status in (Case.Status.SUBMITTED, Case.Status.ACCEPTED, Case.Status.IN_PROGRESS):
            case.respond_by = self.after(case.tier_since, DEADLINES[case.tier][0])
            case.resolve_by = self.after(case.tier_since, DEADLINES[case.tier][1])
            if case.first_response_at is not None:
                case.tier_responded_at = case.first_response_at
            if case.overdue:
                case.flag = Case.Flag.RED
            else:
                due = case.resolve_by if case.tier_responded_at else case.respond_by
                total = (due - case.tier_since).total_seconds()
                if (due - now).total_seconds() < 0.2 * total:
                    case.flag = Case.Flag.AMBER
        timeline.sort(key=lambda e: e.created_at)
        return case, timeline

    def place_at_tier(
        self,
        case: Case,
        tier: str,
        timeline: list[Entry],
        created: dt.datetime,
        answered_at: dt.datetime,
    ) -> None:
        """Escalate the case up to ``tier`` soon after the first answer (if that has come)."""
        if tier == Tier.COMMUNITY or answered_at > self.now:
            return
        rng = self.rng
        desk = self.units["desks"][case.street.pk]
        hop = answered_at + dt.timedelta(minutes=rng.uniform(10, 240))
        if hop > self.now:
            return
        community = case.community.name
        timeline.append(Entry(kind=Entry.Kind.ESCALATED, created_at=hop, from_unit=community,
                              to_unit=desk.name, body="需要街道协调"))  # fmt: skip
        case.tier, case.unit, case.tier_since = Tier.STREET, desk, hop
        if tier == Tier.STREET:
            return
        second = hop + dt.timedelta(minutes=rng.uniform(30, 600))
        if second > self.now:
            return
        if tier == Tier.OFFICE:
            unit = rng.choice(self.units["offices"][case.street.pk])
            kind = Entry.Kind.ASSIGNED
        elif tier == Tier.DEPARTMENT:
            unit = rng.choice(self.units["departments"])
            kind = Entry.Kind.REFERRED
        else:
            unit = desk
            kind = Entry.Kind.HANDED_OFF
            case.grid_reference = f"WG{created:%Y%m%d}{rng.randint(1000, 9999)}"
        timeline.append(Entry(kind=kind, created_at=second, from_unit=desk.name,
                              to_unit=unit.name if unit != desk else "城市网格化平台"))  # fmt: skip
        case.tier, case.unit, case.tier_since = tier, unit, second

    def merge(self, cases: list[Case], entries: list[list[Entry]]) -> None:
        """About 2 % of the unanswered open cases are merged into an earlier open case of
        their community."""
        latest: dict[int, Case] = {}
        merged: list[Case] = []
        for case, timeline in zip(cases, entries, strict=True):
            target = latest.get(case.community_id)
            if (
                target is not None
                and case.status == Case.Status.SUBMITTED
                and case.first_response_at is None
                and self.rng.random() < 0.5
            ):
                case.status = Case.Status.MERGED
                case.merged_into = target
                case.flag = ""
                timeline.append(Entry(kind=Entry.Kind.MERGED, created_at=self.now,
                                      body=f"#{target.pk}"))  # fmt: skip
                merged.append(case)
            elif case.status != Case.Status.MERGED:
                latest[case.community_id] = case
        Case.objects.bulk_update(merged, ["status", "merged_into", "flag"], batch_size=BATCH)

    def figures(self, cases: list[Case], entries: list[list[Entry]]) -> list[DayFigures]:
        """The DayFigures rows ``figures.record`` would have written for these cases."""
        rows: dict[tuple[int, dt.date], DayFigures] = {}
        for case, timeline in zip(cases, entries, strict=True):
            for what, at, extra in figures.replay_events(case, timeline):
                key = (case.community_id, figures.day_of(at))
                row = rows.get(key)
                if row is None:
                    row = rows[key] = DayFigures(
                        community_id=case.community_id,
                        street_id=case.street_id,
                        district_id=case.district_id,
                        day=key[1],
                        response_minutes={},
                        resolution_minutes={},
                    )
                if what == "rated":
                    row.rated += 1
                    row.rating_sum += extra["rating"]
                    continue
                if what in figures.HISTOGRAMS:
                    histogram = getattr(row, figures.HISTOGRAMS[what])
                    bucket = str(figures.bucket(extra["minutes"]))
                    histogram[bucket] = histogram.get(bucket, 0) + 1
                    if what == "responded":
                        continue
                setattr(row, what, getattr(row, what) + 1)
        return list(rows.values())
