"""Create (idempotently) the bench database, its people, and their bearer tokens.

    python bench/seed.py [--sizes 10,100,1000,5000]

One community with one estate per size, each with that many active members (one shared,
precomputed password hash), and bench/results/seed.json with, per estate, its estate-group
conversation id and every member's user id and signed token (tokens are reissued on every
run, so they never expire between runs).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

DEFAULT_SIZES = (10, 100, 1000, 5000)


def database_ensure() -> bool:
    """Create the bench database when it is missing; True when it was created."""
    import psycopg

    with psycopg.connect(f"{common.PG}/postgres", autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [common.BENCH_DB]
        ).fetchone()
        if exists:
            return False
        conn.execute(f'CREATE DATABASE "{common.BENCH_DB}"')
    return True


def seed(sizes: tuple[int, ...]) -> dict[str, object]:
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import transaction

    from chat.services import estate_conversations_ensure
    from communities.models import Membership, PlaceKind, User
    from communities.services import place_ensure
    from realtime.tokens import token_issue

    call_command("migrate", interactive=False, verbosity=0)
    district, _ = place_ensure(name="压测区", kind=PlaceKind.DISTRICT, parent=None)
    street, _ = place_ensure(name="压测街道", kind=PlaceKind.STREET, parent=district)
    community, _ = place_ensure(name="压测社区", kind=PlaceKind.RESIDENTS_COMMITTEE, parent=street)
    password = make_password("bench-password-not-for-production")
    estates = []
    for size in sizes:
        estate, _ = place_ensure(name=f"压测小区{size}", kind=PlaceKind.ESTATE, parent=community)
        prefix = f"bench{size}-"
        names = [f"{prefix}{i:05d}" for i in range(size)]
        with transaction.atomic():
            have = set(
                User.objects.filter(username__startswith=prefix).values_list("username", flat=True)
            )
            User.objects.bulk_create(
                [
                    User(username=name, display_name=f"居民{size}-{i}", password=password)
                    for i, name in enumerate(names)
                    if name not in have
                ],
                batch_size=2000,
            )
            users = list(
                User.objects.filter(username__in=names).order_by("username").only("pk", "password")
            )
            members = set(
                Membership.objects.filter(
                    estate=estate, status=Membership.Status.ACTIVE
                ).values_list("user_id", flat=True)
            )
            Membership.objects.bulk_create(
                [
                    Membership(user=u, estate=estate, building=str(i // 100 + 1), room=str(i))
                    for i, u in enumerate(users)
                    if u.pk not in members
                ],
                batch_size=2000,
            )
        conversation = estate_conversations_ensure(estate_ids=[estate.pk])[estate.pk]
        estates.append(
            {
                "size": size,
                "estate": estate.pk,
                "conversation": conversation,
                "users": [[u.pk, token_issue(user=u)[0]] for u in users],
            }
        )
    return {"community": community.pk, "district": district.pk, "estates": estates}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)))
    args = parser.parse_args()
    started = time.monotonic()
    created = database_ensure()
    common.django_setup()
    data = seed(tuple(int(s) for s in args.sizes.split(",")))
    common.RESULTS.mkdir(parents=True, exist_ok=True)
    common.SEED_FILE.write_text(json.dumps(data))
    estates: list[dict[str, Any]] = data["estates"]  # type: ignore[assignment]
    users = sum(len(e["users"]) for e in estates)
    print(
        f"seeded {common.BENCH_DB}{' (created)' if created else ''}: {users} members "
        f"in estates of {args.sizes} in {time.monotonic() - started:.1f}s -> {common.SEED_FILE}"
    )


if __name__ == "__main__":
    main()
