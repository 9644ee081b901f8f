"""Logging in and out, throttled failures, bearer tokens for non-browser clients."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from realtime.tokens import token_issue
from tests.conftest import PASSWORD, World, client_for


def post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def test_login_with_username_then_me_then_logout(world: World, anon: Client) -> None:
    assert anon.get("/api/me").status_code == 401
    response = post(anon, "/api/auth/login", {"username": "li_wei", "password": PASSWORD})
    assert response.status_code == 200
    me = anon.get("/api/me").json()
    assert me["username"] == "li_wei"
    assert [(r["kind"], r["place"]["name"]) for r in me["roles"]] == [
        ("committee_member", "美罗家园居委")
    ]
    assert [p["name"] for p in me["can_review"]] == ["美罗家园居委"]
    assert post(anon, "/api/auth/logout").status_code == 204
    assert anon.get("/api/me").status_code == 401


def test_login_with_phone_number_in_any_common_form(world: World, anon: Client) -> None:
    world.wang_fang.username = "+8613900000001"
    world.wang_fang.save()
    for form in ("13900000001", "+86 139 0000 0001", "139-0000-0001"):
        response = post(anon, "/api/auth/login", {"username": form, "password": PASSWORD})
        assert response.status_code == 200, form


def test_wrong_password_is_a_clear_400(world: World, anon: Client) -> None:
    response = post(anon, "/api/auth/login", {"username": "li_wei", "password": "nope"})
    assert response.status_code == 400
    assert response.json()["code"] == "bad_credentials"
    assert anon.get("/api/me").status_code == 401


def test_failed_logins_are_throttled_even_for_the_right_password(
    world: World, anon: Client, settings: Any
) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        post(anon, "/api/auth/login", {"username": "li_wei", "password": "nope"})
    response = post(anon, "/api/auth/login", {"username": "li_wei", "password": PASSWORD})
    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"
    assert int(response["Retry-After"]) > 0
    # Another account from the same address is not locked out by li_wei's failures.
    other = post(anon, "/api/auth/login", {"username": "wang_fang", "password": PASSWORD})
    assert other.status_code == 200


def test_login_refuses_a_cross_site_post(world: World) -> None:
    browser = Client(enforce_csrf_checks=True)
    response = post(browser, "/api/auth/login", {"username": "li_wei", "password": PASSWORD})
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    token = browser.get("/api/auth/csrf").json()["csrf_token"]
    response = browser.post(
        "/api/auth/login",
        json.dumps({"username": "li_wei", "password": PASSWORD}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200


def test_bearer_token_for_non_browser_clients(world: World, anon: Client) -> None:
    response = post(anon, "/api/auth/token", {"username": "wang_fang", "password": PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] > 0
    api = Client()
    me = api.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert me.status_code == 200
    assert me.json()["username"] == "wang_fang"


@pytest.mark.parametrize("token", ["", "garbage", "a.b.c"])
def test_bad_tokens_are_refused(world: World, token: str) -> None:
    assert Client().get("/api/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_tokens_expire_and_die_with_a_password_change(world: World, settings: Any) -> None:
    token, _ = token_issue(user=world.wang_fang)
    header = {"Authorization": f"Bearer {token}"}
    assert Client().get("/api/me", headers=header).status_code == 200
    world.wang_fang.set_password("another-long-passphrase")
    world.wang_fang.save()
    assert Client().get("/api/me", headers=header).status_code == 401

    token, _ = token_issue(user=world.wang_fang)
    settings.API_TOKEN_MAX_AGE = __import__("datetime").timedelta(seconds=-1)
    assert Client().get("/api/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_passwords_are_hashed_with_argon2(world: World) -> None:
    from django.contrib.auth.hashers import get_hasher

    assert get_hasher().algorithm == "argon2"
    assert world.wang_fang.password.startswith("argon2$")


def test_errors_are_translated_simplified_chinese_by_default(world: World) -> None:
    response = post(Client(), "/api/auth/login", {"username": "li_wei", "password": "x"})
    assert response.json()["detail"] == "手机号、用户名或密码错误。"
    english = post(client_for(None), "/api/auth/login", {"username": "li_wei", "password": "x"})
    assert english.json()["detail"] == "Wrong mobile number, user name or password."


def test_login_with_the_mobile_number_of_an_account_named_otherwise(
    world: World, anon: Client
) -> None:
    """One field takes the user name or the mobile number on the account (normalised as
    joining does), whatever the account's user name is."""
    world.wang_fang.phone = "+8613900000001"
    world.wang_fang.save(update_fields=["phone"])
    for form in ("wang_fang", "13900000001", "+86 139-0000-0001"):
        response = post(Client(), "/api/auth/login", {"username": form, "password": PASSWORD})
        assert response.status_code == 200, form
        assert response.json()["username"] == "wang_fang"
    unknown = post(anon, "/api/auth/login", {"username": "13900000009", "password": PASSWORD})
    assert unknown.status_code == 400
    assert unknown.json()["code"] == "bad_credentials"
    assert anon.get("/api/me").status_code == 401


def test_failures_by_number_and_by_name_count_against_one_account(
    world: World, anon: Client, settings: Any
) -> None:
    world.wang_fang.phone = "+8613900000001"
    world.wang_fang.save(update_fields=["phone"])
    settings.AXES_FAILURE_LIMIT = 2
    post(anon, "/api/auth/login", {"username": "13900000001", "password": "nope"})
    post(anon, "/api/auth/login", {"username": "wang_fang", "password": "nope"})
    locked = post(anon, "/api/auth/login", {"username": "wang_fang", "password": PASSWORD})
    assert locked.status_code == 429
