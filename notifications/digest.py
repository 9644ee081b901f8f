"""The daily digest (每日摘要): for each person who asked for it, their unread messages and
board posts and the urgent notices they have not acknowledged, as one push to their
devices, or as an SMS where they have no device subscribed (the SMS backend of joining).

``tasks.digest_send`` runs it every day at ``DIGEST_HOUR`` in the place's time zone (a
``communities.daily`` task).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chat.following import following
from chat.selectors import unread_counts
from communities.boards.selectors import boards_of, urgent_for
from communities.boards.selectors import unread_counts as board_unread_counts
from communities.models import User
from communities.sms import send_sms

from .kinds import Plan
from .models import Kind, NotificationSettings, PushSubscription
from .selectors import wanting


def figures(user: User) -> dict[str, Any]:
    """What one person's digest says."""
    conversations = following(user).conversation_ids
    boards = [board for board, access in boards_of(user) if access.read]
    urgent = urgent_for(user)
    return {
        "messages": sum(unread_counts(user, conversations).values()),
        "posts": sum(board_unread_counts(user, boards).values()),
        "urgent": [post.title for post in urgent],
    }


def text_of(numbers: dict[str, Any]) -> str:
    parts = [
        _("%(n)d unread messages") % {"n": numbers["messages"]},
        _("%(n)d new posts") % {"n": numbers["posts"]},
    ]
    if numbers["urgent"]:
        parts.append(_("urgent: %(titles)s") % {"titles": "、".join(numbers["urgent"][:3])})
    return _("; ").join(parts)


def plan_for(user: User, numbers: dict[str, Any], day: str) -> Plan:
    return Plan(
        frozenset({user.pk}),
        Kind.DIGEST,
        f"digest:{day}:{user.pk}",
        _("Your day in the community"),
        text_of(numbers),
        "/",
        "digest",
    )


def today(at: datetime | None = None) -> tuple[list[Plan], int]:
    """Today's digests: the pushes to send (one per person with a device), and how many
    went by SMS (people who asked for it but have no device subscribed). Written in the
    site's language, whatever the worker's thread was left in."""
    with translation.override(settings.LANGUAGE_CODE):
        return _today(at)


def _today(at: datetime | None) -> tuple[list[Plan], int]:
    day = timezone.localdate(at or timezone.now()).isoformat()
    asked = NotificationSettings.objects.filter(digest=True).values_list("user_id", flat=True)
    people = User.objects.filter(pk__in=wanting(asked, Kind.DIGEST, at=at), is_active=True)
    with_devices = set(
        PushSubscription.objects.filter(user__in=people).values_list("user_id", flat=True)
    )
    plans: list[Plan] = []
    texted = 0
    for user in people:
        numbers = figures(user)
        if not (numbers["messages"] or numbers["posts"] or numbers["urgent"]):
            continue  # nothing new: no digest
        if user.pk in with_devices:
            plans.append(plan_for(user, numbers, day))
        elif user.phone:
            send_sms(user.phone, f"{_('Your day in the community')}: {text_of(numbers)}")
            texted += 1
    return plans, texted
