"""Call-outs: who may post one, who sees it and who may sign up, by audience; what a post
needs; its post on the party board; the unseen list; cancelling — refusals included."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from communities.boards.models import BoardKind, Post
from communities.volunteering import services
from communities.volunteering.models import Callout, SignUp
from realtime.models import Event
from tests.conftest import World
from tests.volunteering.conftest import MORE_PEOPLE, api, callout_fields, make_callout, move

pytestmark = pytest.mark.django_db

EVERYONE = (
    *("wang_fang", "li_wei", "zheng_hua", "zhang_min", "zhao_lei", "zhou_qiang", "wu_hao"),
    *("song_yu", "guo_qing", "liu_yang", "wusong_supervisor", "huang_jun", "ma_lin"),
    *("chen_jie", "lin_na", "nobody", *MORE_PEOPLE),
)
STAFF = {"zhang_min", "li_wei", "zheng_hua"}
SUPERVISORS = {"liu_yang", "huang_jun"}
PARTY_AUDIENCE = STAFF | {"zhao_lei", "he_ping"}
RESIDENTS_AUDIENCE = PARTY_AUDIENCE | {
    *("wang_fang", "sun_li", "qian_hong", "zhou_qiang", "wu_hao", "song_yu")
}
AUDIENCES = {"party": PARTY_AUDIENCE, "residents": RESIDENTS_AUDIENCE}


def wire(fields: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(fields, default=lambda value: value.isoformat()))


@pytest.mark.parametrize("name", EVERYONE)
def test_only_the_secretary_and_the_committee_post_call_outs(branch: World, name: str) -> None:
    response = api(branch.people[name]).post(
        f"/volunteer/communities/{branch.meiluo.pk}/callouts", wire(callout_fields())
    )
    if name in STAFF:
        assert response.status_code == 201, response.json()
        assert response.json()["organiser"]["id"] == branch.people[name].pk
        assert Callout.objects.count() == 1
    else:
        assert response.status_code == (403 if name in RESIDENTS_AUDIENCE | SUPERVISORS else 404)
        if response.status_code == 403:
            assert response.json()["code"] == "not_organiser"
        assert not Callout.objects.exists()
        assert not Post.objects.exists()
        assert not Event.objects.exists()


@pytest.mark.parametrize("audience", ["party", "residents"])
@pytest.mark.parametrize("name", EVERYONE)
def test_the_audience_sees_and_signs_up_supervisors_only_look(
    branch: World, audience: str, name: str
) -> None:
    callout = make_callout(branch, audience=audience)
    client = api(branch.people[name])
    seen = client.get(f"/volunteer/callouts/{callout.pk}")
    listed = [item["id"] for item in client.get("/volunteer/callouts").json()]
    signup = client.post(f"/volunteer/callouts/{callout.pk}/signup")
    if name in AUDIENCES[audience]:
        assert seen.status_code == 200
        assert seen.json()["can_sign_up"] is True
        assert listed == [callout.pk]
        assert signup.status_code == 201
        assert signup.json()["me"]["status"] == "confirmed"
    elif name in STAFF | SUPERVISORS:
        assert seen.status_code == 200
        assert seen.json()["can_sign_up"] is False
        assert signup.status_code == 403
        assert signup.json()["code"] == "not_audience"
    else:
        assert seen.status_code == 404
        assert listed == []
        assert signup.status_code == 404
    assert SignUp.objects.filter(user=branch.people[name]).exists() == (name in AUDIENCES[audience])


def test_supervisors_list_the_call_outs_of_a_community_below_them(branch: World) -> None:
    callout = make_callout(branch, audience="party")
    listed = api(branch.liu_yang).get("/volunteer/callouts", community_id=branch.meiluo.pk)
    assert [item["id"] for item in listed.json()] == [callout.pk]
    other = api(branch.wusong_supervisor).get("/volunteer/callouts", community_id=branch.meiluo.pk)
    assert other.status_code == 404


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": " "}, "title"),
        ({"title": "题" * 81}, "title"),
        ({"description": ""}, "description"),
        ({"location": ""}, "location"),
        ({"skills": "带" * 201}, "skills"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": 501}, "capacity"),
        ({"audience": "everyone"}, "audience"),
    ],
)
def test_bad_call_out_fields_are_refused_by_field(
    branch: World, overrides: dict[str, Any], field: str
) -> None:
    response = api(branch.zhang_min).post(
        f"/volunteer/communities/{branch.meiluo.pk}/callouts", wire(callout_fields(**overrides))
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Callout.objects.exists()


def test_a_call_out_starts_in_the_future_and_ends_after_it_starts(branch: World) -> None:
    now = timezone.now()
    url = f"/volunteer/communities/{branch.meiluo.pk}/callouts"
    secretary = api(branch.zhang_min)
    past = callout_fields(starts_at=now - timedelta(minutes=5))
    response = secretary.post(url, wire(past))
    assert response.status_code == 400
    assert "starts_at" in response.json()["errors"]
    backwards = callout_fields(starts_at=now + timedelta(hours=3))
    backwards["ends_at"] = now + timedelta(hours=2)
    assert "ends_at" in secretary.post(url, wire(backwards)).json()["errors"]
    too_long = callout_fields(starts_at=now + timedelta(hours=3))
    too_long["ends_at"] = now + timedelta(hours=28)
    assert "ends_at" in secretary.post(url, wire(too_long)).json()["errors"]
    assert not Callout.objects.exists()


def test_a_call_out_stands_on_the_party_board_linked_to_it(branch: World) -> None:
    callout = make_callout(branch, organiser="li_wei", audience="residents")
    post = callout.post
    assert post is not None
    assert post.board.kind == BoardKind.PARTY
    assert post.board.place == branch.meiluo
    assert post.status == Post.Status.PUBLISHED
    assert post.author == branch.li_wei  # a committee member who does not post there otherwise
    assert post.extra == {"callout": callout.pk}
    assert post.title == callout.title
    assert "美罗一期 3 号楼" in post.body_text
    assert "手套" in post.body_text
    created = Event.objects.filter(type="post.created")
    assert f"community.{branch.meiluo.pk}" in {event.stream for event in created}
    assert {event.payload["post"]["extra"]["callout"] for event in created} == {callout.pk}


def test_the_call_out_text_on_the_board_is_escaped(branch: World) -> None:
    callout = make_callout(
        branch, description="<script>alert(1)</script>清理", location="<b>3号楼</b>"
    )
    post = callout.post
    assert post is not None
    assert "<script>" not in post.body
    assert "<b>" not in post.body
    assert "清理" in post.body_text


def test_unseen_lists_upcoming_call_outs_of_my_audiences_until_seen_or_signed_up(
    branch: World,
) -> None:
    party = make_callout(branch, audience="party", starts_at=timezone.now() + timedelta(hours=5))
    residents = make_callout(branch, audience="residents")
    member = api(branch.he_ping)
    assert [item["id"] for item in member.get("/volunteer/callouts/unseen").json()] == [
        party.pk,
        residents.pk,
    ]
    assert [
        item["id"] for item in api(branch.wang_fang).get("/volunteer/callouts/unseen").json()
    ] == [residents.pk]
    assert api(branch.zhang_min).get("/volunteer/callouts/unseen").json() == []  # organiser
    assert member.post(f"/volunteer/callouts/{party.pk}/seen").status_code == 204
    assert member.post(f"/volunteer/callouts/{party.pk}/seen").status_code == 204  # again
    member.post(f"/volunteer/callouts/{residents.pk}/signup")
    assert member.get("/volunteer/callouts/unseen").json() == []


def test_unseen_leaves_out_started_and_cancelled_call_outs(branch: World) -> None:
    started = make_callout(branch, audience="residents")
    move(started, starts_in=timedelta(minutes=-5))
    cancelled = make_callout(branch, audience="residents")
    services.callout_cancel(actor=branch.zhang_min, callout_id=cancelled.pk, reason="下雨")
    assert api(branch.wang_fang).get("/volunteer/callouts/unseen").json() == []


def test_one_cannot_mark_seen_what_one_cannot_see(branch: World) -> None:
    party = make_callout(branch, audience="party")
    assert api(branch.wang_fang).post(f"/volunteer/callouts/{party.pk}/seen").status_code == 404


def test_upcoming_and_past_lists(branch: World) -> None:
    over = make_callout(branch, audience="residents")
    move(over, starts_in=timedelta(hours=-5))
    upcoming = make_callout(branch, audience="residents")
    client = api(branch.wang_fang)
    assert [c["id"] for c in client.get("/volunteer/callouts").json()] == [upcoming.pk]
    assert [c["id"] for c in client.get("/volunteer/callouts", when="past").json()] == [over.pk]


@pytest.mark.parametrize(
    ("name", "status"),
    [("li_wei", 200), ("zhang_min", 200), ("zhao_lei", 403), ("liu_yang", 403), ("wang_fang", 403)],
)
def test_organisers_cancel_a_call_out_with_a_reason(branch: World, name: str, status: int) -> None:
    callout = make_callout(branch, audience="residents")
    response = api(branch.people[name]).post(
        f"/volunteer/callouts/{callout.pk}/cancel", {"reason": "台风预警"}
    )
    assert response.status_code == status
    callout.refresh_from_db()
    if status == 200:
        assert response.json()["status"] == "cancelled"
        assert response.json()["cancel_reason"] == "台风预警"
        assert callout.status == Callout.Status.CANCELLED
    else:
        assert callout.status == Callout.Status.OPEN


def test_cancelling_needs_a_reason_and_happens_once(branch: World) -> None:
    callout = make_callout(branch)
    secretary = api(branch.zhang_min)
    response = secretary.post(f"/volunteer/callouts/{callout.pk}/cancel", {"reason": ""})
    assert "reason" in response.json()["errors"]
    secretary.post(f"/volunteer/callouts/{callout.pk}/cancel", {"reason": "改期"})
    again = secretary.post(f"/volunteer/callouts/{callout.pk}/cancel", {"reason": "改期"})
    assert again.status_code == 409
    assert again.json()["code"] == "cancelled"


def test_nobody_signs_up_to_a_cancelled_or_started_call_out(branch: World) -> None:
    cancelled = make_callout(branch, audience="residents")
    services.callout_cancel(actor=branch.zhang_min, callout_id=cancelled.pk, reason="改期")
    response = api(branch.wang_fang).post(f"/volunteer/callouts/{cancelled.pk}/signup")
    assert (response.status_code, response.json()["code"]) == (409, "cancelled")
    started = make_callout(branch, audience="residents")
    move(started, starts_in=timedelta(minutes=-1))
    response = api(branch.wang_fang).post(f"/volunteer/callouts/{started.pk}/signup")
    assert (response.status_code, response.json()["code"]) == (409, "started")
    assert not SignUp.objects.exists()
