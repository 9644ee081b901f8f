"""Brute force on logins and SMS codes: an account locks after a few failed logins
(django-axes), an address is throttled, the error says what to do, and the committee of the
person's own community (or an admin) lifts the lock — nobody else."""

from __future__ import annotations

import json
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client

from communities.models import AccessLog, User
from tests.communities.test_joining import application_body, apply_anonymously, send_code
from tests.conftest import PASSWORD, World, client_for, make_member, make_user


def post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def fail_logins(username: str, times: int, client: Client | None = None) -> None:
    client = client or client_for(None)
    for _ in range(times):
        post(client, "/api/auth/login", {"username": username, "password": "nope"})


def logs_in(username: str) -> bool:
    response = post(
        client_for(None), "/api/auth/login", {"username": username, "password": PASSWORD}
    )
    return response.status_code == 200


@pytest.fixture(autouse=True)
def _three_failures_lock(settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 3


def test_the_third_failure_locks_the_account_with_a_clear_error(world: World, anon: Client) -> None:
    fail_logins("wang_fang", 2)
    third = post(anon, "/api/auth/login", {"username": "wang_fang", "password": "nope"})
    assert third.status_code == 429
    body = third.json()
    assert body["code"] == "locked_out"
    assert set(body) == {"detail", "code"}  # no field is wrong
    assert "ask your residents' committee to unlock it" in body["detail"]
    assert 0 < int(third["Retry-After"]) <= 30 * 60
    # The right password does not open it either, nor does a bearer token.
    assert not logs_in("wang_fang")
    token = post(anon, "/api/auth/token", {"username": "wang_fang", "password": PASSWORD})
    assert token.status_code == 429
    assert token.json()["code"] == "locked_out"


def test_the_lock_out_is_told_in_simplified_chinese_by_default(world: World) -> None:
    fail_logins("wang_fang", 3)
    chinese = Client()
    response = post(chinese, "/api/auth/login", {"username": "wang_fang", "password": PASSWORD})
    assert response.status_code == 429
    assert response.json()["detail"].startswith("登录失败次数过多，此账号已被锁定。")
    assert "居委会" in response.json()["detail"]


def test_one_accounts_lock_leaves_the_others_alone(world: World) -> None:
    fail_logins("wang_fang", 3)
    assert logs_in("li_wei")
    assert not logs_in("wang_fang")


def test_a_good_login_forgets_the_failures_before_it(world: World) -> None:
    fail_logins("wang_fang", 2)
    assert logs_in("wang_fang")
    fail_logins("wang_fang", 2)
    assert logs_in("wang_fang")


def test_an_address_trying_many_accounts_is_throttled(world: World, settings: Any) -> None:
    settings.LOGIN_IP_FAILURE_LIMIT = "4/300"
    client = client_for(None)
    for name in ("nobody", "chen_jie", "lin_na", "ma_lin"):
        fail_logins(name, 1, client)
    refused = post(client, "/api/auth/login", {"username": "li_wei", "password": PASSWORD})
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    assert int(refused["Retry-After"]) > 0
    # The account itself is not locked: from another address it opens.
    elsewhere = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="10.0.0.9")
    login = post(elsewhere, "/api/auth/login", {"username": "li_wei", "password": PASSWORD})
    assert login.status_code == 200


def test_the_committee_of_the_residents_community_lifts_the_lock(world: World) -> None:
    fail_logins("wang_fang", 3)
    response = post(client_for(world.li_wei), f"/api/people/{world.wang_fang.pk}/unlock")
    assert response.status_code == 200
    assert response.json() == {"user_id": world.wang_fang.pk, "locked_out": False}
    assert logs_in("wang_fang")
    entry = AccessLog.objects.get(action="unlock_login")
    assert (entry.actor, entry.place, entry.detail) == (
        world.li_wei,
        world.meiluo,
        f"user={world.wang_fang.pk}",
    )


@pytest.mark.parametrize(
    "person",
    [
        "lin_na",  # committee of another community
        "liu_yang",  # the street's supervisor: reads the queue, does not decide
        "huang_jun",  # the district's supervisor
        "guo_qing",  # a department officer of the district
        "zhao_lei",  # a party member of the same community
        "zhou_qiang",  # the community's police officer
        "chen_jie",  # a resident elsewhere
    ],
)
def test_nobody_else_may_lift_it(world: World, person: str) -> None:
    fail_logins("wang_fang", 3)
    before = list(AccessAttempt.objects.values_list("username", "failures_since_start"))
    response = post(client_for(world.people[person]), f"/api/people/{world.wang_fang.pk}/unlock")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert list(AccessAttempt.objects.values_list("username", "failures_since_start")) == before
    assert not logs_in("wang_fang")
    assert not AccessLog.objects.filter(action="unlock_login").exists()


def test_a_neighbour_in_the_same_estate_may_not_lift_it(world: World) -> None:
    neighbour = make_user("neighbour_zhou")
    make_member(neighbour, world.meiluo_1)
    fail_logins("wang_fang", 3)
    response = post(client_for(neighbour), f"/api/people/{world.wang_fang.pk}/unlock")
    assert response.status_code == 404
    assert not logs_in("wang_fang")
    assert not AccessLog.objects.filter(action="unlock_login").exists()


def test_a_visitor_may_not_lift_it(world: World, anon: Client) -> None:
    fail_logins("wang_fang", 3)
    assert post(anon, f"/api/people/{world.wang_fang.pk}/unlock").status_code == 401
    assert not logs_in("wang_fang")


def test_an_admin_lifts_anyones_lock(world: World) -> None:
    fail_logins("chen_jie", 3)
    admin = User.objects.create_superuser("admin_wu", password=PASSWORD)
    response = post(client_for(admin), f"/api/people/{world.chen_jie.pk}/unlock")
    assert response.status_code == 200
    assert logs_in("chen_jie")
    assert post(client_for(admin), "/api/people/999999/unlock").status_code == 404


def test_the_review_queue_shows_who_is_locked(world: World) -> None:
    _, application = apply_anonymously(world)
    applicant = User.objects.get(phone="+8613812345678")
    fail_logins(applicant.username, 3)
    queue = client_for(world.li_wei).get("/api/review/applications").json()
    assert [(a["id"], a["locked_out"]) for a in queue] == [(application["id"], True)]
    unlocked = post(client_for(world.li_wei), f"/api/people/{applicant.pk}/unlock")
    assert unlocked.status_code == 200
    queue = client_for(world.li_wei).get("/api/review/applications").json()
    assert [a["locked_out"] for a in queue] == [False]


def test_only_the_committee_is_told_who_is_locked(world: World) -> None:
    """The supervisors read the queue, but may not lift a lock: they are not told of it."""
    apply_anonymously(world)
    applicant = User.objects.get(phone="+8613812345678")
    fail_logins(applicant.username, 3)
    queue = client_for(world.liu_yang).get("/api/review/applications").json()
    assert [a["locked_out"] for a in queue] == [False]


def test_the_admin_login_page_locks_too(world: World) -> None:
    browser = Client()
    for _ in range(3):
        browser.post("/admin/login/", {"username": "li_wei", "password": "nope"})
    refused = browser.post("/admin/login/", {"username": "li_wei", "password": PASSWORD})
    assert refused.status_code == 429
    assert not logs_in("li_wei")


def test_sms_code_guesses_are_counted_per_number_when_joining(world: World, settings: Any) -> None:
    """The same limit as a password reset's: fresh codes do not buy fresh guesses."""
    settings.SMS_CODE_CHECK_LIMIT = "2/3600"
    client = client_for(None)
    url = f"/api/join/{world.meiluo_1.join_code}/applications"
    code = send_code(client)
    wrong = "000000" if code != "000000" else "111111"
    assert post(client, url, application_body(wrong)).status_code == 400
    assert post(client, url, application_body(wrong)).status_code == 400
    refused = post(client, url, application_body(code))
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    assert not User.objects.filter(phone="+8613812345678").exists()
