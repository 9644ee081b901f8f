"""Volunteering's door for moderation: where the committee console finds the party
members' report-ins (报到) waiting for the party secretary."""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet

from communities.moderation.models import TargetKind
from communities.moderation.sources import Source, short
from communities.shapes import person_out

from .models import ReportIn


def _report_ins() -> QuerySet[ReportIn]:
    return ReportIn.objects.select_related("user").annotate(
        console_community=F("community_id"), console_at=F("created_at")
    )


def _report_in(item: ReportIn) -> dict[str, Any]:
    return {
        "title": item.user.name,
        "summary": short(item.note),
        "author": person_out(item.user),
        "link": f"/party?community={item.community_id}",
        "extra": {
            "home_branch": item.home_branch,
            "note": item.note,
            "show_identity": item.show_identity,
        },
    }


CONSOLE_SOURCES = (
    Source(TargetKind.REPORT_IN, _report_ins, {"status": ReportIn.Status.PENDING}, _report_in),
)
