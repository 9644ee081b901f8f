"""The frames each step of a case publishes, and to which streams (docs/cases.md, "Live"):
the committee's staff feed and queue, the officers' own streams, the supervisors' observe
feeds, the reporter's stream, the neighbours' community feed — and internal entries
nowhere but the handling side."""

from __future__ import annotations

import pytest

from communities.cases import live, services
from communities.cases.models import Case
from realtime.groups import community_feed, community_staff_feed, observe_feed, user_group
from realtime.models import Event
from tests.cases.conftest import Units
from tests.cases.helpers import events, neighbour, raise_case

pytestmark = pytest.mark.django_db


def streams_of(kind: str, after: int) -> set[str]:
    return set(Event.objects.filter(type=kind, pk__gt=after).values_list("stream", flat=True))


def last_event() -> int:
    row = Event.objects.order_by("-id").first()
    return row.pk if row else 0


def test_raising_tells_the_committee_the_supervisors_and_for_a_public_case_the_neighbours(
    units: Units,
) -> None:
    world = units.world
    case = raise_case(units)
    staff, neighbours = community_staff_feed(world.meiluo.pk), community_feed(world.meiluo.pk)
    assert streams_of("case.created", 0) == {
        staff,
        neighbours,
        observe_feed(world.luodian.pk),
        observe_feed(world.district.pk),
    }
    (public,) = events(neighbours, "case.created")
    assert public["case"]["reporter"] is None  # the neighbours' shape
    (inside,) = events(staff, "case.created")
    assert inside["case"]["reporter"]["id"] == world.wang_fang.pk
    (queued,) = events(staff, "case.queue")
    assert (queued["case_id"], queued["action"]) == (case.pk, "added")
    assert queued["unit"] == {"kind": "community", "id": world.meiluo.pk}

    private = raise_case(units, public=False, description="家门口漏水")
    assert [e["case"]["id"] for e in events(neighbours, "case.created")] == [case.pk]
    assert private.pk in [e["case"]["id"] for e in events(staff, "case.created")]


def test_an_internal_note_stays_with_the_handling_side(units: Units) -> None:
    world = units.world
    case = raise_case(units)
    services.case_escalate(actor=world.li_wei, case_id=case.pk, reason="上报")
    mark = last_event()
    services.case_reply(actor=units.desk_officer, case_id=case.pk, body="内部备注", public=False)
    assert streams_of("case.entry", mark) == {
        community_staff_feed(world.meiluo.pk),
        user_group(units.desk_officer.pk),
        observe_feed(world.luodian.pk),
        observe_feed(world.district.pk),
    }
    mark = last_event()
    services.case_reply(actor=units.desk_officer, case_id=case.pk, body="已派人", public=True)
    assert streams_of("case.entry", mark) >= {
        user_group(world.wang_fang.pk),
        community_feed(world.meiluo.pk),
    }


def test_a_hop_moves_the_case_from_one_live_queue_to_the_next(units: Units) -> None:
    world = units.world
    case = raise_case(units)
    staff, desk = community_staff_feed(world.meiluo.pk), user_group(units.desk_officer.pk)
    office = user_group(units.office_officer.pk)

    mark = last_event()
    services.case_escalate(actor=world.li_wei, case_id=case.pk, reason="上报")
    removed = [e for e in events(staff, "case.queue") if e["action"] == "removed"]
    assert [(e["case_id"], e["unit"]["kind"], e["case"]) for e in removed] == [
        (case.pk, "community", None)
    ]
    (added,) = events(desk, "case.queue")
    assert (added["action"], added["unit"]) == ("added", {"kind": "street", "id": units.desk.pk})
    assert added["case"]["tier"] == "street"
    assert user_group(world.wang_fang.pk) in streams_of("case.updated", mark)
    assert user_group(world.wang_fang.pk) in streams_of("case.entry", mark)
    assert staff in streams_of("case.updated", mark)  # the committee still follows its case
    # The console drops it: it left the community tier.
    dropped = [e for e in events(staff, "console.item_removed") if e["item_id"] == case.pk]
    assert [e["kind"] for e in dropped] == ["case"]

    services.case_assign(actor=units.desk_officer, case_id=case.pk, unit_id=units.office.pk)
    assert [e["action"] for e in events(desk, "case.queue")] == ["added", "removed"]
    assert [e["action"] for e in events(office, "case.queue")] == ["added"]

    mark = last_event()
    services.case_start(actor=units.office_officer, case_id=case.pk)
    assert [e["action"] for e in events(office, "case.queue")] == ["added", "changed"]
    assert desk not in streams_of("case.updated", mark)  # no longer the desk's case

    services.case_resolve(actor=units.office_officer, case_id=case.pk, body="已处理")
    assert events(office, "case.queue")[-1]["action"] == "removed"
    mark = last_event()
    services.case_reopen(actor=world.wang_fang, case_id=case.pk, reason="没修好")
    assert events(office, "case.queue")[-1]["action"] == "added"
    assert office in streams_of("case.updated", mark)


def test_followers_hear_the_kept_case_in_the_public_shape(units: Units) -> None:
    world = units.world
    other = neighbour(units)
    kept = raise_case(units, public=False)
    duplicate = raise_case(units, reporter=other, public=False, description="同一处")
    services.case_merge(actor=world.li_wei, case_id=duplicate.pk, into_id=kept.pk)
    mark = last_event()
    services.case_accept(actor=world.li_wei, case_id=kept.pk)
    assert user_group(other.pk) in streams_of("case.updated", mark)
    frame = (
        Event.objects.filter(stream=user_group(other.pk), type="case.updated")
        .filter(pk__gt=mark)
        .get()
        .payload
    )
    assert frame["case"]["id"] == kept.pk
    assert frame["case"]["reporter"] is None  # another reporter's name is not theirs to see
    own = (
        Event.objects.filter(stream=user_group(world.wang_fang.pk), type="case.updated")
        .filter(pk__gt=mark)
        .get()
        .payload
    )
    assert own["case"]["reporter"]["id"] == world.wang_fang.pk
    assert own["case"]["reporter"]["phone"] is None


def test_a_flag_goes_to_the_unit_and_the_supervisors_above(units: Units) -> None:
    world = units.world
    case = raise_case(units)
    services.case_escalate(actor=world.li_wei, case_id=case.pk, reason="上报")
    case = Case.objects.get(pk=case.pk)
    case.flag = Case.Flag.RED
    mark = last_event()
    live.case_flagged(case)
    assert streams_of("case.flagged", mark) == {
        community_staff_feed(world.meiluo.pk),
        user_group(units.desk_officer.pk),
        observe_feed(world.luodian.pk),
        observe_feed(world.district.pk),
    }
    (frame,) = events(user_group(units.desk_officer.pk), "case.flagged")
    assert frame == {"type": "case.flagged", "case_id": case.pk, "flag": "red"}
