"""Sign-up and cancel with one tap: capacity, the waiting list, promotion in order, and
what each person and the organisers are told — refusals included."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection

from communities.models import User
from communities.volunteering import services
from communities.volunteering.models import Callout, SignUp
from communities.volunteering.selectors import waiting_position
from realtime.models import Event
from tests.conftest import World, make_member, make_user
from tests.volunteering.conftest import api, make_callout, move

pytestmark = pytest.mark.django_db


def residents(world: World, n: int) -> list[User]:
    people = []
    for i in range(n):
        person = make_user(f"resident_{i}")
        make_member(person, world.meiluo_1)
        people.append(person)
    return people


def sign_up(callout: Callout, people: list[User]) -> list[SignUp]:
    return [services.signup_create(user=p, callout_id=callout.pk)[0] for p in people]


def statuses(callout: Callout) -> dict[str, str]:
    return {
        s.user.username: s.status
        for s in SignUp.objects.filter(callout=callout).select_related("user")
    }


def positions(callout: Callout) -> dict[str, int | None]:
    return {
        s.user.username: waiting_position(s)
        for s in SignUp.objects.filter(
            callout=callout, status=SignUp.Status.WAITING
        ).select_related("user")
    }


def test_sign_ups_are_confirmed_up_to_capacity_then_wait_in_order(branch: World) -> None:
    callout = make_callout(branch, audience="residents", capacity=2)
    people = residents(branch, 5)
    sign_up(callout, people)
    assert statuses(callout) == {
        "resident_0": "confirmed",
        "resident_1": "confirmed",
        "resident_2": "waiting",
        "resident_3": "waiting",
        "resident_4": "waiting",
    }
    assert positions(callout) == {"resident_2": 1, "resident_3": 2, "resident_4": 3}
    detail = api(people[3]).get(f"/volunteer/callouts/{callout.pk}").json()
    assert (detail["confirmed"], detail["waiting"]) == (2, 3)
    assert detail["me"]["status"] == "waiting"
    assert detail["me"]["position"] == 2


def test_signing_up_twice_changes_nothing(branch: World) -> None:
    callout = make_callout(branch, audience="residents")
    client = api(branch.wang_fang)
    first = client.post(f"/volunteer/callouts/{callout.pk}/signup")
    events = Event.objects.count()
    second = client.post(f"/volunteer/callouts/{callout.pk}/signup")
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["me"] == first.json()["me"]
    assert SignUp.objects.count() == 1
    assert Event.objects.count() == events


def test_a_freed_place_goes_to_the_first_waiting_and_the_rest_move_up(branch: World) -> None:
    callout = make_callout(branch, audience="residents", capacity=2)
    people = residents(branch, 5)
    sign_up(callout, people)
    response = api(people[0]).delete(f"/volunteer/callouts/{callout.pk}/signup")
    assert response.status_code == 200
    assert response.json()["me"]["status"] == "cancelled"
    assert response.json()["confirmed"] == 2
    assert response.json()["waiting"] == 2
    assert statuses(callout)["resident_2"] == "confirmed"
    assert positions(callout) == {"resident_3": 1, "resident_4": 2}
    promoted = Event.objects.get(stream=f"user.{people[2].pk}", payload__reason="promoted")
    assert promoted.type == "signup.changed"
    assert promoted.payload["signup"]["status"] == "confirmed"
    moved = Event.objects.filter(type="signup.changed", payload__reason="moved_up")
    assert {(e.stream, e.payload["signup"]["position"]) for e in moved} == {
        (f"user.{people[3].pk}", 1),
        (f"user.{people[4].pk}", 2),
    }


def test_leaving_the_waiting_list_moves_only_those_behind(branch: World) -> None:
    callout = make_callout(branch, audience="residents", capacity=1)
    people = residents(branch, 4)
    sign_up(callout, people)
    services.signup_cancel(user=people[2], callout_id=callout.pk)
    assert statuses(callout)["resident_0"] == "confirmed"
    assert positions(callout) == {"resident_1": 1, "resident_3": 2}
    moved = Event.objects.filter(type="signup.changed", payload__reason="moved_up")
    assert [e.stream for e in moved] == [f"user.{people[3].pk}"]


def test_signing_up_again_after_cancelling_goes_to_the_end(branch: World) -> None:
    callout = make_callout(branch, audience="residents", capacity=1)
    people = residents(branch, 3)
    sign_up(callout, people)
    services.signup_cancel(user=people[0], callout_id=callout.pk)
    services.signup_create(user=people[0], callout_id=callout.pk)
    assert statuses(callout) == {
        "resident_0": "waiting",
        "resident_1": "confirmed",
        "resident_2": "waiting",
    }
    assert positions(callout) == {"resident_2": 1, "resident_0": 2}


def test_cancelling_without_a_sign_up_changes_nothing(branch: World) -> None:
    callout = make_callout(branch, audience="residents")
    response = api(branch.wang_fang).delete(f"/volunteer/callouts/{callout.pk}/signup")
    assert response.status_code == 200
    assert response.json()["me"] is None
    assert not SignUp.objects.exists()


def test_nobody_cancels_once_the_call_out_has_started(branch: World) -> None:
    callout = make_callout(branch, audience="residents")
    services.signup_create(user=branch.wang_fang, callout_id=callout.pk)
    move(callout, starts_in=timedelta(minutes=-1))
    response = api(branch.wang_fang).delete(f"/volunteer/callouts/{callout.pk}/signup")
    assert (response.status_code, response.json()["code"]) == (409, "started")
    assert statuses(callout) == {"wang_fang": "confirmed"}


def test_a_checked_in_volunteer_cannot_cancel(branch: World) -> None:
    callout = make_callout(branch, audience="residents")
    signup, _ = services.signup_create(user=branch.wang_fang, callout_id=callout.pk)
    move(callout, starts_in=timedelta(minutes=30))
    services.roster_update(
        actor=branch.zhang_min, callout_id=callout.pk, signup_id=signup.pk, checked_in=True
    )
    response = api(branch.wang_fang).delete(f"/volunteer/callouts/{callout.pk}/signup")
    assert (response.status_code, response.json()["code"]) == (409, "checked_in")
    assert statuses(callout) == {"wang_fang": "confirmed"}


def test_each_change_tells_the_audience_the_counts_and_the_organisers_the_names(
    branch: World,
) -> None:
    callout = make_callout(branch, organiser="li_wei", audience="party", capacity=1)
    Event.objects.all().delete()
    services.signup_create(user=branch.zhao_lei, callout_id=callout.pk)
    updated = Event.objects.filter(type="callout.updated")
    assert {e.stream for e in updated} == {f"party.{branch.meiluo.pk}", f"staff.{branch.meiluo.pk}"}
    assert {
        (e.payload["callout"]["confirmed"], e.payload["callout"]["waiting"]) for e in updated
    } == {(1, 0)}
    assert "zhao_lei" not in str([e.payload for e in updated])  # counts, no names
    roster = Event.objects.filter(type="callout.roster")
    assert {e.stream for e in roster} == {f"staff.{branch.meiluo.pk}", f"user.{branch.li_wei.pk}"}
    [entry] = roster[0].payload["entries"]
    assert entry["user"]["name"] == "zhao_lei"
    assert entry["status"] == "confirmed"
    mine = Event.objects.get(type="signup.changed")
    assert mine.stream == f"user.{branch.zhao_lei.pk}"
    assert mine.payload["reason"] == "signed_up"


def test_residents_call_out_counts_go_to_the_community_feed(branch: World) -> None:
    callout = make_callout(branch, audience="residents")
    services.signup_create(user=branch.wang_fang, callout_id=callout.pk)
    updated = Event.objects.filter(type="callout.updated")
    assert {e.stream for e in updated} == {f"community.{branch.meiluo.pk}"}


def test_cancelling_a_call_out_tells_everyone_signed_up(branch: World) -> None:
    callout = make_callout(branch, audience="residents", capacity=1)
    people = residents(branch, 2)
    sign_up(callout, people)
    services.callout_cancel(actor=branch.zhang_min, callout_id=callout.pk, reason="下雨")
    told = Event.objects.filter(type="signup.changed", payload__reason="callout_cancelled")
    assert {e.stream for e in told} == {f"user.{p.pk}" for p in people}
    assert connection.vendor in {"sqlite", "postgresql"}
