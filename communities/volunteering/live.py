"""The live events of the party branch and the call-outs: which streams each goes to, one
builder per event type (docs/volunteering.md, "Live frames"). Services publish them with
``realtime.feeds.publish_to`` inside their transaction; they leave after commit."""

from __future__ import annotations

from typing import Any

from realtime.feeds import publish_to
from realtime.groups import community_feed, community_staff_feed, party_feed, user_group

from .models import Audience, Callout, Project, ReportIn, SignUp
from .shapes import callout_out, my_signup_out, project_out, report_in_out, roster_entry

Event = dict[str, Any]


def audience_streams(callout: Callout) -> list[str]:
    """Everyone in the call-out's audience follows one of these (nobody else does)."""
    community = callout.community_id
    if callout.audience == Audience.PARTY:
        return [party_feed(community), community_staff_feed(community)]
    return [community_feed(community)]


def roster_streams(callout: Callout) -> list[str]:
    """The organisers: the committee's feed and the call-out's organiser."""
    return [community_staff_feed(callout.community_id), user_group(callout.organiser_id)]


def branch_streams(community_id: int) -> list[str]:
    return [party_feed(community_id), community_staff_feed(community_id)]


def callout_created(callout: Callout, *, confirmed: int, waiting: int) -> Event:
    return {
        "type": "callout.created",
        "callout": callout_out(callout, confirmed=confirmed, waiting=waiting),
    }


def callout_updated(callout: Callout, *, confirmed: int, waiting: int) -> Event:
    return {
        "type": "callout.updated",
        "callout": callout_out(callout, confirmed=confirmed, waiting=waiting),
    }


def callout_roster(
    callout: Callout, entries: list[tuple[SignUp, int | None]], *, confirmed: int, waiting: int
) -> Event:
    return {
        "type": "callout.roster",
        "callout_id": callout.pk,
        "confirmed": confirmed,
        "waiting": waiting,
        "entries": [roster_entry(signup, position) for signup, position in entries],
    }


def signup_changed(signup: SignUp, position: int | None, reason: str) -> Event:
    return {
        "type": "signup.changed",
        "callout_id": signup.callout_id,
        "reason": reason,
        "signup": my_signup_out(signup, position),
    }


def report_in_changed(report_in: ReportIn) -> Event:
    return {"type": "party.report_in", "report_in": report_in_out(report_in)}


def project_changed(project: Project) -> Event:
    return {"type": "party.project", "project": project_out(project)}


def announce(streams: list[str], event: Event) -> None:
    if streams:
        publish_to(streams, event)
