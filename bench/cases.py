"""Cases: the supervisors' figures page and league table of a district at scale, on PostgreSQL.

    python bench/cases.py [--communities 550] [--streets 12] [--cases 40000] [--requests 200]

Seeds (once; a later run reuses the district when it holds the cases asked for) a district
of ``--communities`` communities under ``--streets`` streets with a year of ``--cases``
cases and their figures (``manage.py seed_cases``), then asks the HTTP API — in process,
through Django's test client with a district supervisor (and a street supervisor) logged
in, so the whole request path counts: middleware, session, the permission check, the
AccessLog write, the SQL, the JSON — for the figures page of the district over the whole
year (its streets' league table, and all its communities'), the same over the last 30
days, a street's page, the CSV, and one drill-down. Reports p50/p95/max per request kind
and the number of SQL queries each makes. Target (issue 12): ≤ 300 ms p95.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

DISTRICT = "星河区"


def prepare(args: argparse.Namespace) -> dict[str, Any]:
    from django.core.management import call_command

    from communities.cases.models import Case, DayFigures
    from communities.models import Place, PlaceKind, RoleKind, User
    from communities.services import role_grant

    call_command("migrate", interactive=False, verbosity=0)
    district = Place.objects.filter(name=DISTRICT, kind=PlaceKind.DISTRICT).first()
    have = Case.objects.filter(district=district).count() if district else 0
    communities = (
        Place.objects.filter(
            path__startswith=district.path, kind__in=["residents_committee", "village"]
        ).count()
        if district
        else 0
    )
    seeded_s = None
    if have != args.cases or communities != args.communities:
        log(f"seeding {args.communities} communities, {args.cases:,} cases")
        started = time.monotonic()
        call_command(
            "seed_cases",
            district=DISTRICT,
            streets=args.streets,
            communities=args.communities,
            cases=args.cases,
            replace=True,
        )
        seeded_s = round(time.monotonic() - started, 1)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE cases_dayfigures")
            cursor.execute("ANALYZE cases_case")
            cursor.execute("ANALYZE cases_entry")
        district = Place.objects.get(name=DISTRICT, kind=PlaceKind.DISTRICT)
    assert district is not None
    street = Place.objects.filter(parent=district).order_by("pk").first()
    assert street is not None
    people = {}
    for name, kind, place in (
        ("bench-district-supervisor", RoleKind.DISTRICT_SUPERVISOR, district),
        ("bench-street-supervisor", RoleKind.STREET_SUPERVISOR, street),
    ):
        user = User.objects.get_or_create(username=name, defaults={"password": "!"})[0]
        role_grant(user=user, kind=kind, place=place)
        people[kind] = user
    return {
        "district": district,
        "street": street,
        "people": people,
        "seed_s": seeded_s,
        "cases": Case.objects.filter(district=district).count(),
        "figure_rows": DayFigures.objects.filter(district=district).count(),
        "communities": Place.objects.filter(
            path__startswith=district.path, kind__in=["residents_committee", "village"]
        ).count(),
        "streets": Place.objects.filter(parent=district).count(),
    }


def log(text: str) -> None:
    print(f"[cases {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def measure(world: dict[str, Any], requests: int) -> dict[str, Any]:
    from django.core.signals import request_started
    from django.db import connection
    from django.test import Client

    from communities.cases.figures import today
    from communities.models import RoleKind

    until = today()
    year = {"since": (until - dt.timedelta(days=364)).isoformat(), "until": until.isoformat()}
    district, street = world["district"].pk, world["street"].pk
    kinds: list[tuple[str, str, str, dict[str, Any]]] = [
        ("district_year_streets", RoleKind.DISTRICT_SUPERVISOR, "/api/cases/figures",
         {"place_id": district, **year}),
        ("district_year_communities", RoleKind.DISTRICT_SUPERVISOR, "/api/cases/figures",
         {"place_id": district, **year, "level": "community", "sort": "-overdue"}),
        ("district_30_days", RoleKind.DISTRICT_SUPERVISOR, "/api/cases/figures",
         {"place_id": district}),
        ("street_year", RoleKind.STREET_SUPERVISOR, "/api/cases/figures",
         {"place_id": street, **year}),
        ("district_year_csv", RoleKind.DISTRICT_SUPERVISOR, "/api/cases/figures.csv",
         {"place_id": district, **year, "level": "community"}),
        ("district_year_drill_overdue", RoleKind.DISTRICT_SUPERVISOR,
         "/api/cases/figures/cases", {"place_id": district, **year, "figure": "overdue"}),
    ]  # fmt: skip
    clients = {}
    for kind, user in world["people"].items():
        client = Client()
        client.force_login(user)
        clients[kind] = client
    out: dict[str, Any] = {}
    for name, who, path, params in kinds:
        client = clients[who]
        for _warm in range(3):
            assert client.get(path, params).status_code == 200
        queries: list[str] = []

        def counted(execute: Any, sql: str, *rest: Any, queries: list[str] = queries) -> Any:
            queries.append(sql)
            return execute(sql, *rest)

        # A request's first query opens the connection, so count with a wrapper on every
        # connection the request opens (Django's query log is reset as a request starts).
        def wrap(**_kwargs: Any) -> None:
            connection.execute_wrappers.append(counted)

        request_started.connect(wrap)
        try:
            response = client.get(path, params)
        finally:
            request_started.disconnect(wrap)
            if counted in connection.execute_wrappers:
                connection.execute_wrappers.remove(counted)
        assert response.status_code == 200, response.content[:300]
        times = []
        for _i in range(requests):
            started = time.perf_counter()
            response = client.get(path, params)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        times.sort()
        body = response.content
        out[name] = {
            "path": path,
            "params": {k: v for k, v in params.items() if k != "place_id"},
            "requests": requests,
            "p50_ms": round(common.percentile(times, 50), 1),
            "p95_ms": round(common.percentile(times, 95), 1),
            "max_ms": round(times[-1], 1),
            "queries": len(queries),
            "bytes": len(body),
        }
        log(f"{name}: {json.dumps(out[name], ensure_ascii=False)}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description="case figures timing")
    parser.add_argument("--communities", type=int, default=550)
    parser.add_argument("--streets", type=int, default=12)
    parser.add_argument("--cases", type=int, default=40_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--out")
    args = parser.parse_args()
    from bench.seed import database_ensure

    database_ensure()
    common.django_setup()
    started = time.monotonic()
    world = prepare(args)
    result = {
        "date": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
        "machine": common.machine(),
        "cases": world["cases"],
        "communities": world["communities"],
        "streets": world["streets"],
        "figure_rows": world["figure_rows"],
        "seed_s": world["seed_s"],
        "target_p95_ms": 300,
        "requests": measure(world, args.requests),
        "elapsed_s": round(time.monotonic() - started, 1),
    }
    text = json.dumps(result, indent=1, ensure_ascii=False)
    if args.out:
        Path(args.out).write_text(text)
    else:
        print(text)


if __name__ == "__main__":
    main()
