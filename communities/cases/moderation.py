"""The cases app's door for moderation: where the committee console finds the cases
waiting at the community tier (its 身边事 section, with the console's claims). The
deciding services (decline, resolve, merge, and a hop away from the community) call
``communities.moderation.settle.settle``, so the claim ends and every console drops it."""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet

from communities.moderation.models import TargetKind
from communities.moderation.sources import Source, short
from communities.rules.cases import ACTIVE
from communities.shapes import person_out

from .models import Case, Tier


def _cases() -> QuerySet[Case]:
    return Case.objects.select_related("category", "reporter", "estate").annotate(
        console_community=F("community_id"), console_at=F("tier_since")
    )


def _case_item(item: Case) -> dict[str, Any]:
    return {
        "title": item.category.name,
        "summary": short(item.description),
        "author": person_out(item.reporter),
        "link": f"/cases/{item.pk}",
        "extra": {
            "status": item.status,
            "flag": item.flag,
            "public": item.public,
            "estate": {"id": item.estate_id, "name": item.estate.name} if item.estate else None,
            "respond_by": item.respond_by.isoformat() if item.respond_by else None,
            "resolve_by": item.resolve_by.isoformat() if item.resolve_by else None,
            "open_urges": item.open_urges,
            "reopened": item.reopened,
        },
    }


CONSOLE_SOURCES = (
    Source(
        TargetKind.CASE,
        _cases,
        {"tier": Tier.COMMUNITY, "status__in": sorted(ACTIVE)},
        _case_item,
    ),
)

__all__ = ["CONSOLE_SOURCES"]
