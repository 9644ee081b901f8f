"""A district at scale with a year of cases, for the figures' benchmark and for trying the
supervisors' page: ``manage.py seed_cases`` (550 communities under 12 streets, 40,000
cases over 365 days), ``--communities 6 --streets 2 --cases 300`` for a small one.

The places are made (or found again) through the places service; the cases, their
timeline entries and their ``DayFigures`` are written in bulk. Each case gets a realistic
life cut off at the present moment: an answer after a lognormal working delay, accepted or
started straight away, sometimes declined; escalated to a tier above the community with
its unit; resolved after a delay that grows with the tier; closed by the reporter with a
rating or automatically after 7 days; sometimes reopened once; some overdue (the first
breach is a ``breached`` entry); a few merged into an earlier case of their community.
The figures are added up from the same events ``figures.record`` is told about
(``figures.replay_events``), so they equal what the services would have written.

A district that already has cases is left alone unless ``--replace`` is given, which first
deletes its cases, their entries and its figures.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from communities.cases import figures
from communities.cases.models import (
    Case,
    Category,
    DayFigures,
    Entry,
    Follower,
    Photo,
    Unit,
    Urge,
)
from communities.cases.seeding import Seeder
from communities.models import Place, PlaceKind, User
from communities.services import place_ensure

STREET_STEMS = (
    "江湾", "殷行", "长白", "五角场", "新江湾", "四平", "控江", "延吉", "大桥", "平凉",
    "定海", "江浦", "淞南", "高境", "庙行", "杨行", "月浦", "罗泾", "顾村", "大场",
)  # fmt: skip
COMMUNITY_STEMS = (
    "和平", "幸福", "阳光", "春晖", "翠苑", "锦绣", "新村", "花园", "东苑", "西苑",
    "南华", "北辰", "兴业", "友谊", "光明", "康乐", "祥和", "紫荆", "丹桂", "枫林",
)  # fmt: skip
OFFICES = ("城管科", "房管办", "平安办")
DEPARTMENTS = ("区绿化市容局", "区住建委", "区生态环境局", "区市场监管局")


class Command(BaseCommand):
    help = "Seed a district of communities with a year of cases and their figures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--district", default="星河区", help="the district's name")
        parser.add_argument("--streets", type=int, default=12)
        parser.add_argument("--communities", type=int, default=550)
        parser.add_argument("--cases", type=int, default=40_000)
        parser.add_argument("--days", type=int, default=365, help="how far back cases go")
        parser.add_argument("--reporters", type=int, default=400)
        parser.add_argument("--seed", type=int, default=12)
        parser.add_argument(
            "--replace", action="store_true", help="delete the district's cases first"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        rng = random.Random(options["seed"])
        district, streets, communities = self.places(
            options["district"], options["streets"], options["communities"]
        )
        self.stdout.write(
            f"{district.name}: {len(streets)} streets, {len(communities)} communities "
            f"({time.monotonic() - started:.1f} s)"
        )
        existing = Case.objects.filter(district=district).count()
        if existing and not options["replace"]:
            self.stdout.write(f"{existing} cases already there; --replace to seed again")
            return
        with transaction.atomic():
            if existing:
                self.clear(district)
            units = self.units(district, streets)
            reporters = self.reporters(district, options["reporters"])
            categories = list(Category.objects.filter(district=district, active=True))
            made = Seeder(rng, units, reporters, categories, communities).run(
                options["cases"], options["days"]
            )
        self.stdout.write(
            f"{made['cases']} cases, {made['entries']} entries, {made['figures']} days of "
            f"figures in {time.monotonic() - started:.1f} s"
        )

    # --- The places, units and people ---------------------------------------------------
    def places(
        self, name: str, street_count: int, community_count: int
    ) -> tuple[Place, list[Place], list[Place]]:
        district, _ = place_ensure(name=name, kind=PlaceKind.DISTRICT, parent=None)
        streets = []
        for i in range(street_count):
            stem = STREET_STEMS[i % len(STREET_STEMS)] + ("" if i < len(STREET_STEMS) else str(i))
            kind = PlaceKind.TOWN if i % 4 == 3 else PlaceKind.STREET
            suffix = "镇" if kind == PlaceKind.TOWN else "街道"
            streets.append(place_ensure(name=stem + suffix, kind=kind, parent=district)[0])
        have: dict[int, dict[str, Place]] = defaultdict(dict)
        for place in Place.objects.filter(parent__in=streets):
            assert place.parent_id is not None
            have[place.parent_id][place.name] = place
        communities = []
        for i in range(community_count):
            street = streets[i % len(streets)]
            n = i // len(streets)
            stem = COMMUNITY_STEMS[n % len(COMMUNITY_STEMS)]
            label = f"{STREET_STEMS[i % len(streets) % len(STREET_STEMS)]}{stem}"
            label += f"{n // len(COMMUNITY_STEMS) + 1}" if n >= len(COMMUNITY_STEMS) else ""
            village = street.kind == PlaceKind.TOWN and n % 3 == 2
            kind = PlaceKind.VILLAGE if village else PlaceKind.RESIDENTS_COMMITTEE
            name = f"{label}村" if kind == PlaceKind.VILLAGE else f"{label}居委"
            community = have[street.pk].get(name)
            if community is None:
                community = place_ensure(name=name, kind=kind, parent=street)[0]
                place_ensure(name=f"{label}一期", kind=PlaceKind.ESTATE, parent=community)
                if i % 3 == 0:
                    place_ensure(name=f"{label}二期", kind=PlaceKind.ESTATE, parent=community)
            communities.append(community)
        return district, streets, communities

    def units(self, district: Place, streets: list[Place]) -> dict[str, Any]:
        desks: dict[int, Unit] = {}
        offices: dict[int, list[Unit]] = {}
        for street in streets:
            desks[street.pk] = Unit.objects.get_or_create(
                place=street, kind=Unit.Kind.STREET, defaults={"name": street.name}
            )[0]
            offices[street.pk] = [
                Unit.objects.get_or_create(
                    place=street, name=f"{street.name} {office}", defaults={"kind": "office"}
                )[0]
                for office in OFFICES
            ]
        departments = [
            Unit.objects.get_or_create(
                place=district, name=name, defaults={"kind": Unit.Kind.DEPARTMENT}
            )[0]
            for name in DEPARTMENTS
        ]
        return {"desks": desks, "offices": offices, "departments": departments}

    def reporters(self, district: Place, count: int) -> list[int]:
        prefix = f"seed-{district.pk}-"
        have = set(
            User.objects.filter(username__startswith=prefix).values_list("username", flat=True)
        )
        User.objects.bulk_create(
            [
                User(username=name, password="!", display_name=f"居民{i}")
                for i in range(count)
                if (name := f"{prefix}{i}") not in have
            ]
        )
        return list(
            User.objects.filter(username__startswith=prefix)
            .order_by("pk")
            .values_list("pk", flat=True)[:count]
        )

    def clear(self, district: Place) -> None:
        cases = Case.objects.filter(district=district)
        Urge.objects.filter(case__in=cases).delete()
        Photo.objects.filter(case__in=cases).delete()
        Photo.objects.filter(entry__case__in=cases).delete()
        Follower.objects.filter(case__in=cases).delete()
        cases.update(merged_into=None)
        Entry.objects.filter(case__in=cases).update(answers=None)
        Entry.objects.filter(case__in=cases)._raw_delete(Entry.objects.db)
        cases._raw_delete(Case.objects.db)
        DayFigures.objects.filter(district=district).delete()
        figures.figures_changed()
