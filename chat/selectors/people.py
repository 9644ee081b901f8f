"""People in chat, the reads: my settings, whom I block, and the neighbours I may reach.

The neighbour list is a directory of real people, so it shows the least that lets a
neighbour be recognised: name, estate and building; never room, phone or username.
"""

from __future__ import annotations

from typing import Any

from communities.errors import NotFound
from communities.models import Membership, Role, User
from communities.rules import RULES, Action
from communities.rules.conversations import communities_of
from communities.shapes import person_out

from ..models import Block, ChatSettings

NEIGHBOURS_MAX, QUERY_MAX = 50, 32


def chat_settings_of(user: User) -> ChatSettings:
    """My settings; the defaults (unsaved) until I change one."""
    return ChatSettings.objects.filter(user=user).first() or ChatSettings(user=user)


def blocked_people(user: User) -> list[dict[str, Any]]:
    rows = Block.objects.filter(blocker=user).select_related("blocked").order_by("-created_at")
    return [person_out(row.blocked) for row in rows]


# --- Neighbours ----------------------------------------------------------------------
def neighbours(user: User, community_id: int, q: str = "") -> list[dict[str, Any]]:
    """People of a community ``user`` belongs to, committee first; searchable by name.

    Only people who go by a real name are listed, so a login name (a phone number)
    never shows.
    """
    if community_id not in communities_of(user):
        raise NotFound()
    q = (q or "").strip()[:QUERY_MAX]
    residents = (
        Membership.objects.filter(
            estate__parent_id=community_id,
            status=Membership.Status.ACTIVE,
            user__is_active=True,
        )
        .exclude(user=user)
        .exclude(user__display_name="")
    )
    staff = (
        Role.objects.filter(
            place_id=community_id,
            kind__in=RULES[Action.MODERATE_COMMUNITY],
            user__is_active=True,
        )
        .exclude(user=user)
        .exclude(user__display_name="")
    )
    if q:
        residents = residents.filter(user__display_name__icontains=q)
        staff = staff.filter(user__display_name__icontains=q)
    people: dict[int, dict[str, Any]] = {}
    for role in staff.select_related("user").order_by("user__display_name", "pk"):
        people.setdefault(role.user_id, _neighbour(role.user, is_committee=True))
    for membership in residents.select_related("user", "estate").order_by(
        "user__display_name", "pk"
    )[:NEIGHBOURS_MAX]:
        entry = people.setdefault(membership.user_id, _neighbour(membership.user))
        if entry["building"] == "":
            entry.update(estate=membership.estate.name, building=membership.building)
    listed = sorted(people.values(), key=lambda p: (not p["is_committee"], p["name"], p["id"]))
    return listed[:NEIGHBOURS_MAX]


def _neighbour(user: User, *, is_committee: bool = False) -> dict[str, Any]:
    return {
        "id": user.pk,
        "name": user.display_name,
        "estate": None,
        "building": "",
        "is_committee": is_committee,
    }
