"""The wire shape of a person, the same in chat, boards and everywhere else."""

from __future__ import annotations

from typing import Any

from ninja import Schema

from .models import User


def person_out(user: User) -> dict[str, Any]:
    """Id, name and, for party members who show their identity, the party badge."""
    return {"id": user.pk, "name": user.name, "party": user.party_badge}


class PersonOut(Schema):
    id: int
    name: str
    # Shows the party-member badge (党员亮身份).
    party: bool
