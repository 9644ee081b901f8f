"""Check-in by QR code or by the organiser, hours, the thank-you post, and each
volunteer's history and the branch's totals — refusals included."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from communities.boards.models import BoardKind, Post
from communities.errors import Forbidden, NotFound
from communities.models import User
from communities.volunteering import qr, selectors, services
from communities.volunteering.models import Callout, SignUp
from tests.conftest import World
from tests.volunteering.conftest import api, make_callout, move

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_the_day(branch: World) -> Callout:
    """A two-hour residents' call-out starting in an hour: wang_fang confirmed, sun_li
    waiting (capacity 1)."""
    callout = make_callout(branch, audience="residents", capacity=1)
    services.signup_create(user=branch.wang_fang, callout_id=callout.pk)
    services.signup_create(user=branch.sun_li, callout_id=callout.pk)
    return move(callout, starts_in=timedelta(hours=1))


def signup_of(callout: Callout, user: User) -> SignUp:
    return SignUp.objects.get(callout=callout, user=user)


def checkin(world: World, name: str, callout: Callout, code: str) -> Any:
    return api(world.people[name]).post(f"/volunteer/callouts/{callout.pk}/checkin", {"code": code})


def test_a_confirmed_volunteer_checks_in_with_the_qr_code(
    branch: World, on_the_day: Callout
) -> None:
    response = checkin(branch, "wang_fang", on_the_day, qr.checkin_code(on_the_day))
    assert response.status_code == 200
    me = response.json()["me"]
    assert me["checked_in_at"] is not None
    assert me["minutes"] == 120  # the call-out's length
    signup = signup_of(on_the_day, branch.wang_fang)
    assert signup.checked_in_by == SignUp.CheckedInBy.SELF
    again = checkin(branch, "wang_fang", on_the_day, qr.checkin_code(on_the_day))
    assert again.json()["me"]["checked_in_at"] == me["checked_in_at"]


def test_the_qr_code_opens_the_check_in_page_with_the_code(
    branch: World, on_the_day: Callout
) -> None:
    url = urlsplit(qr.checkin_url(on_the_day))
    assert url.path == f"/volunteer/callouts/{on_the_day.pk}/checkin"
    [code] = parse_qs(url.query)["code"]
    assert qr.code_names(code, on_the_day)
    link = api(branch.li_wei).get(f"/volunteer/callouts/{on_the_day.pk}/checkin-link").json()
    assert link["code"] == code


@pytest.mark.parametrize("code", ["", "nonsense", "1:forged-signature", "1"])
def test_a_wrong_code_is_refused(branch: World, on_the_day: Callout, code: str) -> None:
    response = checkin(branch, "wang_fang", on_the_day, code)
    assert response.status_code == 400
    assert response.json()["code"] == "bad_code"
    assert signup_of(on_the_day, branch.wang_fang).checked_in_at is None


def test_another_call_outs_code_is_refused(branch: World, on_the_day: Callout) -> None:
    other = make_callout(branch, audience="residents")
    response = checkin(branch, "wang_fang", on_the_day, qr.checkin_code(other))
    assert response.json()["code"] == "bad_code"
    assert signup_of(on_the_day, branch.wang_fang).checked_in_at is None


def test_check_in_is_refused_too_early_and_after_the_end(
    branch: World, on_the_day: Callout
) -> None:
    code = qr.checkin_code(on_the_day)
    move(on_the_day, starts_in=timedelta(hours=2, minutes=5))
    early = checkin(branch, "wang_fang", on_the_day, code)
    assert (early.status_code, early.json()["code"]) == (400, "not_open")
    move(on_the_day, starts_in=timedelta(hours=1, minutes=55))  # within two hours: open
    assert checkin(branch, "sun_li", on_the_day, code).json()["code"] == "not_confirmed"
    move(on_the_day, starts_in=timedelta(hours=-3))  # ended an hour ago
    late = checkin(branch, "wang_fang", on_the_day, code)
    assert (late.status_code, late.json()["code"]) == (400, "closed")
    assert signup_of(on_the_day, branch.wang_fang).checked_in_at is None


@pytest.mark.parametrize(
    ("name", "status", "code"),
    [
        ("sun_li", 403, "not_confirmed"),  # on the waiting list
        ("qian_hong", 403, "not_confirmed"),  # never signed up
        ("chen_jie", 404, "not_found"),  # cannot see the call-out
    ],
)
def test_only_confirmed_volunteers_check_in(
    branch: World, on_the_day: Callout, name: str, status: int, code: str
) -> None:
    response = checkin(branch, name, on_the_day, qr.checkin_code(on_the_day))
    assert response.status_code == status
    assert response.json()["code"] == code
    assert not SignUp.objects.filter(checked_in_at__isnull=False).exists()


def test_the_organiser_ticks_names_and_sets_hours(branch: World, on_the_day: Callout) -> None:
    signup = signup_of(on_the_day, branch.wang_fang)
    url = f"/volunteer/callouts/{on_the_day.pk}/roster/{signup.pk}"
    organiser = api(branch.li_wei)
    ticked = organiser.patch(url, {"checked_in": True})
    assert ticked.status_code == 200
    assert ticked.json()["checked_in_by"] == "organiser"
    assert ticked.json()["minutes"] == 120
    hours = organiser.patch(url, {"minutes": 90})
    assert hours.json()["minutes"] == 90
    roster = organiser.get(f"/volunteer/callouts/{on_the_day.pk}/roster").json()
    assert [(e["user"]["name"], e["status"], e["minutes"]) for e in roster["signups"]] == [
        ("wang_fang", "confirmed", 90),
        ("sun_li", "waiting", None),
    ]
    assert roster["signups"][1]["position"] == 1
    unticked = organiser.patch(url, {"checked_in": False})
    assert (unticked.json()["checked_in_at"], unticked.json()["minutes"]) == (None, None)


def test_the_organiser_cannot_tick_before_check_in_opens(
    branch: World, on_the_day: Callout
) -> None:
    move(on_the_day, starts_in=timedelta(hours=5))
    signup = signup_of(on_the_day, branch.wang_fang)
    response = api(branch.li_wei).patch(
        f"/volunteer/callouts/{on_the_day.pk}/roster/{signup.pk}", {"checked_in": True}
    )
    assert (response.status_code, response.json()["code"]) == (400, "not_open")
    assert signup_of(on_the_day, branch.wang_fang).checked_in_at is None


def test_hours_only_for_checked_in_confirmed_volunteers(branch: World, on_the_day: Callout) -> None:
    organiser = api(branch.li_wei)
    confirmed = signup_of(on_the_day, branch.wang_fang)
    waiting = signup_of(on_the_day, branch.sun_li)
    base = f"/volunteer/callouts/{on_the_day.pk}/roster"
    response = organiser.patch(f"{base}/{confirmed.pk}", {"minutes": 60})
    assert (response.status_code, response.json()["code"]) == (409, "not_checked_in")
    response = organiser.patch(f"{base}/{waiting.pk}", {"checked_in": True})
    assert (response.status_code, response.json()["code"]) == (409, "not_confirmed")
    organiser.patch(f"{base}/{confirmed.pk}", {"checked_in": True})
    for bad in (-1, 1441):
        response = organiser.patch(f"{base}/{confirmed.pk}", {"minutes": bad})
        assert "minutes" in response.json()["errors"]
    assert signup_of(on_the_day, branch.wang_fang).minutes == 120


@pytest.mark.parametrize(
    ("name", "status"),
    [("zhao_lei", 403), ("wang_fang", 403), ("liu_yang", 403), ("chen_jie", 404)],
)
def test_only_organisers_see_the_roster_tick_names_and_get_the_qr_code(
    branch: World, on_the_day: Callout, name: str, status: int
) -> None:
    client = api(branch.people[name])
    signup = signup_of(on_the_day, branch.wang_fang)
    base = f"/volunteer/callouts/{on_the_day.pk}"
    assert client.get(f"{base}/roster").status_code == status
    assert client.get(f"{base}/qr.svg").status_code == status
    assert client.get(f"{base}/checkin-link").status_code == status
    response = client.patch(f"{base}/roster/{signup.pk}", {"checked_in": True})
    assert response.status_code == status
    assert signup_of(on_the_day, branch.wang_fang).checked_in_at is None


def test_the_roster_selector_itself_lets_only_organisers_read_it(
    branch: World, on_the_day: Callout
) -> None:
    assert selectors.roster(branch.zhang_min, on_the_day.pk)["callout"]["id"] == on_the_day.pk
    with pytest.raises(Forbidden):
        selectors.roster(branch.wang_fang, on_the_day.pk)
    with pytest.raises(NotFound):
        selectors.roster(branch.chen_jie, on_the_day.pk)


def test_the_qr_code_images(branch: World, on_the_day: Callout) -> None:
    organiser = api(branch.zhang_min)
    svg = organiser.get(f"/volunteer/callouts/{on_the_day.pk}/qr.svg")
    assert svg["Content-Type"] == "image/svg+xml"
    assert svg.content.lstrip().startswith(b"<svg")
    png = organiser.get(f"/volunteer/callouts/{on_the_day.pk}/qr.png")
    assert png["Content-Type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")


def test_after_the_event_the_organiser_thanks_the_volunteers_on_the_party_board(
    branch: World, on_the_day: Callout
) -> None:
    url = f"/volunteer/callouts/{on_the_day.pk}/thanks"
    thanks = {"title": "感谢志愿者", "body": "<p>楼道焕然一新！</p>"}
    early = api(branch.zhang_min).post(url, thanks)
    assert (early.status_code, early.json()["code"]) == (409, "not_over")
    move(on_the_day, starts_in=timedelta(hours=-3))
    assert api(branch.zhao_lei).post(url, thanks).status_code == 403
    response = api(branch.zhang_min).post(url, thanks)
    assert response.status_code == 201
    post = Post.objects.select_related("board").get(pk=response.json()["thanks_post_id"])
    assert post.board.kind == BoardKind.PARTY
    assert post.extra == {"callout": on_the_day.pk}
    assert post.title == "感谢志愿者"
    again = api(branch.zhang_min).post(url, thanks)
    assert (again.status_code, again.json()["code"]) == (409, "thanked")
    assert Post.objects.filter(extra__callout=on_the_day.pk).count() == 2  # call-out + thanks


def test_history_and_hours_of_the_community(branch: World) -> None:
    first = make_callout(branch, audience="residents")
    second = make_callout(branch, audience="party")
    for callout, names in ((first, ("wang_fang", "he_ping")), (second, ("he_ping",))):
        for name in names:
            signup, _ = services.signup_create(user=branch.people[name], callout_id=callout.pk)
            move(callout, starts_in=timedelta(hours=1))
            services.roster_update(
                actor=branch.zhang_min, callout_id=callout.pk, signup_id=signup.pk, checked_in=True
            )
    services.roster_update(
        actor=branch.zhang_min,
        callout_id=second.pk,
        signup_id=signup_of(second, branch.he_ping).pk,
        minutes=30,
    )
    history = api(branch.he_ping).get("/volunteer/me/history").json()
    assert history["total_minutes"] == 150
    assert history["callouts"] == 2
    assert {entry["callout"]["id"] for entry in history["entries"]} == {first.pk, second.pk}
    assert api(branch.sun_li).get("/volunteer/me/history").json() == {
        "total_minutes": 0,
        "callouts": 0,
        "entries": [],
    }
    url = f"/volunteer/communities/{branch.meiluo.pk}/hours"
    hours = api(branch.zhang_min).get(url).json()
    assert [(row["user"]["name"], row["callouts"], row["total_minutes"]) for row in hours] == [
        ("he_ping", 2, 150),
        ("wang_fang", 1, 120),
    ]
    assert api(branch.li_wei).get(url).status_code == 200
    assert api(branch.he_ping).get(url).status_code == 403
    assert api(branch.wang_fang).get(url).status_code == 403
    assert api(branch.chen_jie).get(url).status_code == 404
