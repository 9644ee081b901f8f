"""People in chat: my privacy settings, whom I block, and the neighbours I may reach.

The neighbour list is a directory of real people, so it shows the least that lets a
neighbour be recognised: name, estate and building; never room, phone or username.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from communities.errors import Invalid, NotFound
from communities.models import Membership, Role, User
from communities.rules import RULES, Action

from .models import Block, ChatSettings
from .services import _communities_of
from .shapes import person_out

NEIGHBOURS_MAX, QUERY_MAX = 50, 32


# --- Settings ------------------------------------------------------------------------
def chat_settings_of(user: User) -> ChatSettings:
    """My settings; the defaults (unsaved) until I change one."""
    return ChatSettings.objects.filter(user=user).first() or ChatSettings(user=user)


def chat_settings_out(settings: ChatSettings) -> dict[str, Any]:
    return {
        "refuse_strangers": settings.refuse_strangers,
        "hide_presence": settings.hide_presence,
    }


def chat_settings_update(
    *, user: User, refuse_strangers: bool | None = None, hide_presence: bool | None = None
) -> ChatSettings:
    """Change the settings given; ``None`` leaves one as it is."""
    with transaction.atomic():
        settings, _created = ChatSettings.objects.select_for_update().get_or_create(user=user)
        changed = []
        if refuse_strangers is not None:
            settings.refuse_strangers = refuse_strangers
            changed.append("refuse_strangers")
        if hide_presence is not None:
            settings.hide_presence = hide_presence
            changed.append("hide_presence")
        if changed:
            settings.save(update_fields=changed)
    return settings


# --- Blocks --------------------------------------------------------------------------
def block(*, user: User, target_id: int) -> Block:
    """Refuse knocks, direct messages and letters from ``target`` (idempotent)."""
    if target_id == user.pk:
        message = _("You cannot block yourself.")
        raise Invalid(message, code="self", errors={"user_id": message})
    target = User.objects.filter(pk=target_id, is_active=True).first()
    if target is None:
        raise NotFound()
    blocked, _created = Block.objects.get_or_create(blocker=user, blocked=target)
    return blocked


def unblock(*, user: User, target_id: int) -> None:
    """Accept them again (idempotent)."""
    Block.objects.filter(blocker=user, blocked_id=target_id).delete()


def blocked_people(user: User) -> list[dict[str, Any]]:
    rows = Block.objects.filter(blocker=user).select_related("blocked").order_by("-created_at")
    return [person_out(row.blocked) for row in rows]


# --- Neighbours ----------------------------------------------------------------------
def neighbours(user: User, community_id: int, q: str = "") -> list[dict[str, Any]]:
    """People of a community ``user`` belongs to, committee first; searchable by name.

    Only people who go by a real name are listed, so a login name (a phone number)
    never shows.
    """
    if community_id not in _communities_of(user):
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
