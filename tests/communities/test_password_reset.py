"""Forgotten passwords: a code by SMS to the account's mobile number, then a new password —
and every refusal, each of which changes nothing and tells nobody whether a number has an
account."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from communities import sms
from communities.models import PhoneCode, User
from tests.conftest import PASSWORD, World, client_for

PHONE = "13900000001"
E164 = "+8613900000001"
UNKNOWN = "13700000099"
NEW_PASSWORD = "a-brand-new-passphrase"


def post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def wang_fang(world: World) -> User:
    """wang_fang's account has a mobile number; her login name is not that number."""
    user = world.wang_fang
    user.phone = E164
    user.save(update_fields=["phone"])
    return user


def ask_code(client: Client, phone: str = PHONE) -> Any:
    return post(client, "/api/auth/password-reset/sms-code", {"phone": phone})


def code_sent() -> str:
    return "".join(ch for ch in sms.outbox[-1].text if ch.isdigit())[:6]


def reset(client: Client, code: str, password: str = NEW_PASSWORD, phone: str = PHONE) -> Any:
    body = {"phone": phone, "sms_code": code, "password": password}
    return post(client, "/api/auth/password-reset", body)


def password_unchanged(user: User) -> bool:
    user.refresh_from_db()
    return user.check_password(PASSWORD) and not user.check_password(NEW_PASSWORD)


def test_a_code_by_sms_then_a_new_password_logs_the_person_in(
    wang_fang: User, anon: Client
) -> None:
    asked = ask_code(anon, "139 0000 0001")  # any common form of the number
    assert asked.status_code == 202
    detail = asked.json()["detail"]
    assert detail == "If 139****0001 belongs to an account, a code has been sent to it."
    assert [m.phone for m in sms.outbox] == [E164]
    assert "reset your password" in sms.outbox[-1].text

    response = reset(anon, code_sent())
    assert response.status_code == 200, response.content
    assert response.json()["username"] == "wang_fang"
    assert anon.get("/api/me").json()["username"] == "wang_fang"  # logged in
    wang_fang.refresh_from_db()
    assert wang_fang.check_password(NEW_PASSWORD)
    # The old password no longer works; the new one does, by number and by name.
    for login, password, status in (
        ("wang_fang", PASSWORD, 400),
        ("wang_fang", NEW_PASSWORD, 200),
        (PHONE, NEW_PASSWORD, 200),
    ):
        answer = post(Client(), "/api/auth/login", {"username": login, "password": password})
        assert answer.status_code == status, (login, password)


def test_the_reset_ends_the_persons_other_sessions(wang_fang: User, anon: Client) -> None:
    elsewhere = client_for(wang_fang)
    assert elsewhere.get("/api/me").status_code == 200
    ask_code(anon)
    assert reset(anon, code_sent()).status_code == 200
    assert elsewhere.get("/api/me").status_code == 401


def test_an_unknown_number_gets_the_same_answer_and_no_sms(wang_fang: User, anon: Client) -> None:
    known = ask_code(client_for(None), PHONE)
    unknown = ask_code(anon, UNKNOWN)
    assert unknown.status_code == known.status_code == 202
    assert unknown.json() == {**known.json(), "detail": unknown.json()["detail"]}
    assert unknown.json()["detail"] == known.json()["detail"].replace("0001", "0099").replace(
        "139", "137"
    )
    assert [m.phone for m in sms.outbox] == [E164]  # nothing went to the unknown number
    # Asking again at once is refused alike for both.
    assert ask_code(client_for(None), PHONE).status_code == 429
    assert ask_code(anon, UNKNOWN).status_code == 429
    # And a guessed code for the unknown number is refused like a wrong code for a known one.
    unknown_reset = reset(anon, "123456", phone=UNKNOWN)
    known_reset = reset(client_for(None), "123456" if code_sent() != "123456" else "654321")
    assert unknown_reset.status_code == known_reset.status_code == 400
    assert unknown_reset.json() == known_reset.json()
    assert unknown_reset.json()["code"] == "bad_sms_code"
    assert not User.objects.filter(phone="+8613700000099").exists()
    assert password_unchanged(wang_fang)


def test_a_wrong_code_changes_nothing(wang_fang: User, anon: Client) -> None:
    ask_code(anon)
    right = code_sent()
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = reset(anon, wrong)
    assert response.status_code == 400
    assert response.json()["code"] == "bad_sms_code"
    wrong_code = "The verification code is wrong or has expired."
    assert response.json()["errors"] == {"sms_code": wrong_code}
    assert password_unchanged(wang_fang)
    assert anon.get("/api/me").status_code == 401
    # The right code still works afterwards (one wrong try does not burn it).
    assert reset(anon, right).status_code == 200


def test_an_expired_code_is_refused(wang_fang: User, anon: Client) -> None:
    ask_code(anon)
    PhoneCode.objects.filter(phone=E164).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = reset(anon, code_sent())
    assert response.status_code == 400
    assert response.json()["code"] == "bad_sms_code"
    assert password_unchanged(wang_fang)
    assert anon.get("/api/me").status_code == 401


def test_a_used_code_cannot_reset_twice(wang_fang: User, anon: Client) -> None:
    ask_code(anon)
    code = code_sent()
    assert reset(anon, code).status_code == 200
    again = reset(client_for(None), code, password="yet-another-passphrase")
    assert again.status_code == 400
    assert again.json()["code"] == "bad_sms_code"
    wang_fang.refresh_from_db()
    assert wang_fang.check_password(NEW_PASSWORD)


def test_five_wrong_tries_burn_the_code(wang_fang: User, anon: Client, settings: Any) -> None:
    settings.SMS_CODE_MAX_ATTEMPTS = 5
    ask_code(anon)
    right = code_sent()
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(5):
        assert reset(anon, wrong).status_code == 400
    burnt = reset(anon, right)
    assert burnt.status_code == 400
    assert burnt.json()["code"] == "bad_sms_code"
    assert password_unchanged(wang_fang)


def test_a_code_sent_to_join_cannot_reset_a_password(wang_fang: User, anon: Client) -> None:
    assert post(anon, "/api/auth/sms-code", {"phone": PHONE}).status_code == 202
    response = reset(anon, code_sent())
    assert response.status_code == 400
    assert response.json()["code"] == "bad_sms_code"
    assert password_unchanged(wang_fang)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "This password is too short."),
        ("12345678901", "This password is entirely numeric."),
        ("password123", "This password is too common."),
        ("", "Choose a new password."),
    ],
)
def test_a_weak_password_is_refused_and_the_code_is_kept(
    wang_fang: User, anon: Client, password: str, message: str
) -> None:
    ask_code(anon)
    code = code_sent()
    response = reset(anon, code, password=password)
    assert response.status_code == 400
    assert message in response.json()["errors"]["password"]
    assert password_unchanged(wang_fang)
    record = PhoneCode.objects.get(phone=E164)
    assert record.used_at is None  # not used up by the refusal
    assert record.attempts == 0
    assert reset(anon, code).status_code == 200


def test_a_malformed_number_is_refused_by_field(wang_fang: User, anon: Client) -> None:
    response = ask_code(anon, "12345")
    assert response.status_code == 400
    assert response.json()["errors"] == {"phone": "Enter a valid mobile phone number."}
    assert sms.outbox == []
    assert not PhoneCode.objects.exists()


def test_asking_for_codes_is_throttled_like_joining(
    wang_fang: User, anon: Client, settings: Any
) -> None:
    settings.SMS_CODE_LIMIT = "2/3600"
    settings.SMS_CODE_RESEND_AFTER = timedelta(seconds=0)
    assert ask_code(anon).status_code == 202
    assert post(anon, "/api/auth/sms-code", {"phone": PHONE}).status_code == 202  # shared count
    refused = ask_code(anon)
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    assert int(refused["Retry-After"]) > 0
    assert len(sms.outbox) == 2
    assert PhoneCode.objects.filter(phone=E164).count() == 2


def test_reset_attempts_are_throttled_per_address(
    wang_fang: User, anon: Client, settings: Any
) -> None:
    settings.SMS_CODE_CHECK_IP_LIMIT = "2/3600"
    ask_code(anon)
    right = code_sent()
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    assert reset(anon, wrong).status_code == 400
    assert reset(anon, wrong).status_code == 400
    refused = reset(anon, right)
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    assert password_unchanged(wang_fang)
    assert PhoneCode.objects.get(phone=E164).used_at is None


def test_the_reset_clears_earlier_failed_logins(
    wang_fang: User, anon: Client, settings: Any
) -> None:
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        post(anon, "/api/auth/login", {"username": PHONE, "password": "nope"})
    locked = post(anon, "/api/auth/login", {"username": PHONE, "password": PASSWORD})
    assert locked.status_code == 429
    ask_code(anon)
    assert reset(anon, code_sent()).status_code == 200
    login = post(Client(), "/api/auth/login", {"username": PHONE, "password": NEW_PASSWORD})
    assert login.status_code == 200


def test_reset_refuses_a_cross_site_post(wang_fang: User) -> None:
    browser = Client(enforce_csrf_checks=True)
    assert ask_code(browser).status_code == 403
    assert reset(browser, "123456").status_code == 403
    assert sms.outbox == []
    assert password_unchanged(wang_fang)


def test_refusals_are_translated(wang_fang: User) -> None:
    chinese = Client()  # Simplified Chinese by default
    detail = ask_code(chinese).json()["detail"]
    assert detail == "如果 139****0001 已注册账号，验证码已发送到该号码。"
    assert "重置密码" in sms.outbox[-1].text
    response = reset(chinese, "000000" if code_sent() != "000000" else "111111")
    assert response.json()["detail"] == "验证码错误或已过期。"
    weak = reset(chinese, code_sent(), password="")
    assert weak.json()["errors"]["password"] == "请设置新密码。"
