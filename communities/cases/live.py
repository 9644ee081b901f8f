"""The live frames of cases (docs/cases.md, "Live"): which streams each goes to, one
builder per frame type. The services publish them inside their transaction
(``realtime.feeds.publish_to``: recorded now, sent after commit).

Where a case's news goes:
- the unit holding it: the community's staff feed (``staff.<community>``) at the community
  tier, else the officers' own streams (``user.<id>``: a handful of people, and a change of
  officers needs no reconnection); the staff feed hears of its community's cases always;
- the supervisors above: ``observe.<street>`` and ``observe.<district>``;
- the reporter and the followers: their own streams (``user.<id>``);
- neighbours, for a public case: ``community.<community>``, in the public shape, never an
  internal entry.

The staff feed gets the committee's shape (the reporter's whole phone number); the officers'
and the supervisors' streams the units' one (masked).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from realtime.feeds import publish_to
from realtime.groups import community_feed, community_staff_feed, observe_feed, user_group

from .models import Case, Entry, Follower, Tier, UnitOfficer
from .shapes import COMMITTEE, OWN, PUBLIC, UNIT, case_out, entry_out

Event = dict[str, Any]
ACTIVE = (Case.Status.SUBMITTED, Case.Status.ACCEPTED, Case.Status.IN_PROGRESS)


# --- Streams ---------------------------------------------------------------------------------
def queue_ref(case: Case) -> dict[str, Any]:
    """The queue the case is in: the community's (the committee) or its unit's."""
    if case.tier == Tier.COMMUNITY or case.unit_id is None:
        return {"kind": "community", "id": case.community_id}
    assert case.unit is not None
    return {"kind": case.unit.kind, "id": case.unit_id}


def queue_streams(case: Case) -> list[str]:
    """Whoever watches the queue of the unit holding the case now."""
    if case.tier == Tier.COMMUNITY or case.unit_id is None:
        return [community_staff_feed(case.community_id)]
    officers = UnitOfficer.objects.filter(unit_id=case.unit_id).values_list("user_id", flat=True)
    return [user_group(pk) for pk in sorted(officers)]


def unit_streams(case: Case) -> list[str]:
    """The handling side: the community's staff (always) and the unit holding it now."""
    return list(dict.fromkeys([community_staff_feed(case.community_id), *queue_streams(case)]))


def supervisor_streams(case: Case) -> list[str]:
    return [observe_feed(case.street_id), observe_feed(case.district_id)]


def follower_ids(case: Case) -> list[int]:
    """The followers besides the reporter."""
    ids = Follower.objects.filter(case=case).exclude(user_id=case.reporter_id)
    return sorted(ids.values_list("user_id", flat=True))


# --- Builders --------------------------------------------------------------------------------
def created(case: Case, level: str = UNIT) -> Event:
    return {"type": "case.created", "case": case_out(case, level=level)}


def updated(case: Case, level: str = UNIT) -> Event:
    return {"type": "case.updated", "case": case_out(case, level=level)}


def entry(item: Entry, case: Case, level: str = UNIT) -> Event:
    return {
        "type": "case.entry",
        "entry": entry_out(item, case=case, level=level),
        "case_id": case.pk,
    }


def queue(case: Case, action: str, ref: dict[str, Any] | None = None, level: str = UNIT) -> Event:
    return {
        "type": "case.queue",
        "case_id": case.pk,
        "unit": ref or queue_ref(case),
        "action": action,
        "case": case_out(case, level=level) if action != "removed" else None,
    }


def flagged(case: Case) -> Event:
    return {"type": "case.flagged", "case_id": case.pk, "flag": case.flag}


# --- Publishing ------------------------------------------------------------------------------
def publish_inside(case: Case, streams: list[str], build: Callable[[str], Event]) -> None:
    """``build(level)`` to the handling side's ``streams``: the community's staff feed in the
    committee's shape, every other stream in the units' one."""
    staff = community_staff_feed(case.community_id)
    if staff in streams:
        publish_to([staff], build(COMMITTEE))
    others = [stream for stream in streams if stream != staff]
    if others:
        publish_to(others, build(UNIT))


def case_raised(case: Case) -> None:
    """A new case: the committee (its queue), the supervisors, the neighbours if public."""
    streams = [community_staff_feed(case.community_id), *supervisor_streams(case)]
    publish_inside(case, streams, lambda level: created(case, level))
    if case.public:
        publish_to([community_feed(case.community_id)], created(case, PUBLIC))
    publish_to([community_staff_feed(case.community_id)], queue(case, "added", level=COMMITTEE))


def case_updated(case: Case) -> None:
    """``case.updated`` to everyone concerned, each in the shape they may see."""
    streams = [*unit_streams(case), *supervisor_streams(case)]
    publish_inside(case, streams, lambda level: updated(case, level))
    publish_to([user_group(case.reporter_id)], updated(case, OWN))
    followers = [user_group(pk) for pk in follower_ids(case)]
    if case.public:
        followers.append(community_feed(case.community_id))
    if followers:
        publish_to(followers, updated(case, PUBLIC))


def case_changed(case: Case, *, queue_action: str = "changed") -> None:
    """The case changed where it is: ``case.updated`` to everyone concerned and
    ``case.queue`` to its unit's queue (an active case is in it; ``"removed"`` takes it out,
    ``"added"`` puts it back)."""
    case_updated(case)
    if queue_action == "removed" or case.status in ACTIVE:
        streams = queue_streams(case)
        publish_inside(case, streams, lambda level: queue(case, queue_action, None, level))


def case_moved(case: Case, *, before_ref: dict[str, Any], before_streams: list[str]) -> None:
    """The case went to another unit: it leaves the old queue and joins the new one."""
    publish_to(before_streams, queue(case, "removed", before_ref))
    case_updated(case)
    if case.status in ACTIVE:
        publish_inside(case, queue_streams(case), lambda level: queue(case, "added", None, level))


def case_flagged(case: Case) -> None:
    """The deadline is near or passed: the unit holding it and the supervisors above."""
    publish_to([*unit_streams(case), *supervisor_streams(case)], flagged(case))


def entry_written(item: Entry, case: Case) -> None:
    """A timeline entry to whoever may read it: an internal one to the handling side only."""
    publish_to([*unit_streams(case), *supervisor_streams(case)], entry(item, case))
    if not item.public:
        return
    publish_to([user_group(case.reporter_id)], entry(item, case, OWN))
    others = [user_group(pk) for pk in follower_ids(case)]
    if case.public:
        others.append(community_feed(case.community_id))
    if others:
        publish_to(others, entry(item, case, PUBLIC))
