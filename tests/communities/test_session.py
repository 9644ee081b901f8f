"""The session check every page makes (a visitor is no error), the place's time zone it
carries, and the display a person chose, kept on their account."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from communities.models import User
from realtime.tokens import token_issue
from tests.conftest import World, client_for


def post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def test_a_visitor_is_told_200_not_authenticated(world: World, anon: Client) -> None:
    response = anon.get("/api/auth/session")
    assert response.status_code == 200
    assert response.json() == {"authenticated": False, "user": None, "time_zone": "Asia/Shanghai"}
    # The other endpoints keep refusing a visitor with 401.
    assert anon.get("/api/me").status_code == 401
    assert anon.get("/api/applications").status_code == 401


def test_a_logged_in_person_gets_who_they_are(world: World) -> None:
    body = client_for(world.li_wei).get("/api/auth/session").json()
    assert body["authenticated"] is True
    assert body["user"]["username"] == "li_wei"
    assert body["user"] == client_for(world.li_wei).get("/api/me").json()
    assert body["user"]["display"] == {"text_size": None, "high_contrast": None}


def test_the_session_answers_for_bearer_tokens_too(world: World) -> None:
    token, _ = token_issue(user=world.wang_fang)
    good = Client().get("/api/auth/session", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert good["authenticated"] is True
    assert good["user"]["username"] == "wang_fang"
    bad = Client().get("/api/auth/session", HTTP_AUTHORIZATION="Bearer garbage")
    assert bad.status_code == 200
    assert bad.json()["authenticated"] is False


def test_the_time_zone_is_the_setting(world: World, anon: Client, settings: Any) -> None:
    settings.TIME_ZONE = "Asia/Urumqi"
    assert anon.get("/api/auth/session").json()["time_zone"] == "Asia/Urumqi"


def test_a_deactivated_account_is_not_authenticated(world: World) -> None:
    client = client_for(world.wang_fang)
    User.objects.filter(pk=world.wang_fang.pk).update(is_active=False)
    body = client.get("/api/auth/session").json()
    assert body["authenticated"] is False
    assert body["user"] is None


def test_the_display_is_kept_on_the_account_and_follows_to_another_device(
    world: World,
) -> None:
    phone = client_for(world.wang_fang)
    response = post(phone, "/api/me/display", {"text_size": 150})
    assert response.status_code == 200
    assert response.json() == {"text_size": 150, "high_contrast": None}
    response = post(phone, "/api/me/display", {"high_contrast": True})
    assert response.json() == {"text_size": 150, "high_contrast": True}  # size kept
    tablet = client_for(world.wang_fang)
    assert tablet.get("/api/me").json()["display"] == {"text_size": 150, "high_contrast": True}
    assert post(tablet, "/api/me/display", {"text_size": 100, "high_contrast": False}).json() == {
        "text_size": 100,
        "high_contrast": False,
    }
    world.wang_fang.refresh_from_db()
    assert (world.wang_fang.text_size, world.wang_fang.high_contrast) == (100, False)


@pytest.mark.parametrize("size", [0, 90, 120, 200, -125])
def test_an_unknown_text_size_is_refused_and_nothing_changes(world: World, size: int) -> None:
    client = client_for(world.wang_fang)
    post(client, "/api/me/display", {"text_size": 125})
    response = post(client, "/api/me/display", {"text_size": size, "high_contrast": True})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "text_size": "Choose one of these text sizes: 100%, 125%, 150%."
    }
    world.wang_fang.refresh_from_db()
    assert (world.wang_fang.text_size, world.wang_fang.high_contrast) == (125, None)


def test_a_visitor_cannot_keep_a_display(world: World, anon: Client) -> None:
    assert post(anon, "/api/me/display", {"text_size": 150}).status_code == 401


def test_keeping_the_display_needs_the_csrf_token(world: World) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.wang_fang)
    assert post(browser, "/api/me/display", {"text_size": 150}).status_code == 403
    world.wang_fang.refresh_from_db()
    assert world.wang_fang.text_size is None


def test_the_refusal_is_in_chinese_by_default(world: World) -> None:
    client = Client()
    client.force_login(world.wang_fang)
    response = post(client, "/api/me/display", {"text_size": 175})
    assert response.json()["errors"]["text_size"] == "请从以下字号中选择：100%, 125%, 150%。"
