"""Build the fault test's world in the database DATABASE_URL names: migrate, then one
community with ``--groups`` estates of ``--members`` residents each, and print (JSON) per
estate its estate-group conversation and every member's id and bearer token.

    DATABASE_URL=postgres://… python -m tests.faults.seed --groups 4 --members 12

Run as its own process so the test process's own database settings stay untouched.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any


def seed(groups: int, members: int) -> dict[str, Any]:
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import transaction

    from chat.services import estate_conversations_ensure
    from communities.models import Membership, PlaceKind, User
    from communities.services import place_ensure
    from realtime.tokens import token_issue

    call_command("migrate", interactive=False, verbosity=0)
    district, _ = place_ensure(name="故障区", kind=PlaceKind.DISTRICT, parent=None)
    street, _ = place_ensure(name="故障街道", kind=PlaceKind.STREET, parent=district)
    community, _ = place_ensure(name="故障社区", kind=PlaceKind.RESIDENTS_COMMITTEE, parent=street)
    password = make_password("churn-password-not-for-production")
    out = []
    for g in range(groups):
        estate, _ = place_ensure(name=f"故障小区{g}", kind=PlaceKind.ESTATE, parent=community)
        with transaction.atomic():
            users = User.objects.bulk_create(
                [
                    User(username=f"churn{g}-{i}", display_name=f"居民{g}-{i}", password=password)
                    for i in range(members)
                ]
            )
            Membership.objects.bulk_create(
                [
                    Membership(user=u, estate=estate, building="1", room=str(i))
                    for i, u in enumerate(users)
                ]
            )
        conversation = estate_conversations_ensure(estate_ids=[estate.pk])[estate.pk]
        out.append(
            {
                "conversation": conversation,
                "users": [[u.pk, token_issue(user=u)[0]] for u in users],
            }
        )
    return {"groups": out}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--groups", type=int, required=True)
    parser.add_argument("--members", type=int, required=True)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        sys.exit("DATABASE_URL must name the database to seed")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    json.dump(seed(args.groups, args.members), sys.stdout)


if __name__ == "__main__":
    main()
