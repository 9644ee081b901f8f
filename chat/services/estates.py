"""Every estate has its estate group (小区群): made with the estate, ensured again when a
membership is approved (the receivers of ``communities.signals``, connected in
chat/apps.py), so reading what a socket follows never has to write."""

from __future__ import annotations

from typing import Any

from ..models import Conversation


def estate_conversations_ensure(*, estate_ids: list[int]) -> dict[int, int]:
    """The estate group of each estate, created if it is missing (idempotent)."""
    if not estate_ids:
        return {}
    found = dict(
        Conversation.objects.filter(
            kind=Conversation.Kind.ESTATE, place_id__in=estate_ids
        ).values_list("place_id", "pk")
    )
    missing = [pk for pk in estate_ids if pk not in found]
    if missing:
        Conversation.objects.bulk_create(
            [Conversation(kind=Conversation.Kind.ESTATE, place_id=pk) for pk in missing],
            ignore_conflicts=True,
        )
        found = dict(
            Conversation.objects.filter(
                kind=Conversation.Kind.ESTATE, place_id__in=estate_ids
            ).values_list("place_id", "pk")
        )
    return found


def estate_created(sender: Any, *, estate: Any, **kwargs: Any) -> None:
    estate_conversations_ensure(estate_ids=[estate.pk])


def membership_approved(sender: Any, *, membership: Any, **kwargs: Any) -> None:
    estate_conversations_ensure(estate_ids=[membership.estate_id])
