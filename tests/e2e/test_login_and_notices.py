"""In Chromium: a resident logs in with her mobile number, resets a forgotten password with the
code texted to her, and a logged-out page asks who is logged in without any failed request in
the console; on the review page a committee member meets the urgent notice as a pop-up and
the call-out after it as a banner, and keeps working meanwhile."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from communities.boards.models import UrgentAck
from communities.models import JoinApplication, Place
from communities.volunteering.models import Callout, CalloutSeen
from communities.volunteering.services.callouts import callout_create
from tests.e2e.conftest import last_sms_code
from tests.e2e.demo import DEMO_PASSWORD, log_in, open_page, person, quiet, seed_demo, settle
from tests.servers import Server

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a-brand-new-passphrase"


def test_logged_out_pages_make_no_failed_request(
    transactional_db: None, server: Server, browser: Any
) -> None:
    demo = seed_demo()
    page = open_page(browser, server, None)
    failed: list[str] = []
    page.on("console", lambda m: failed.append(m.text) if m.type == "error" else None)
    sessions: list[int] = []

    def answered(response: Any) -> None:
        if response.status >= 400:
            failed.append(f"{response.status} {response.url}")
        if "/api/auth/session" in response.url:
            sessions.append(response.status)

    page.on("response", answered)
    for path in demo.visitor_pages():
        settle(page, server, path)
    assert sessions  # the session was asked, and answered 200
    assert set(sessions) == {200}
    assert failed == []


def test_log_in_with_the_mobile_number_and_reset_a_forgotten_password(
    transactional_db: None, server: Server, browser: Any, sms_file: Path
) -> None:
    from playwright.sync_api import expect

    seed_demo()
    quiet("wang_fang")
    page = open_page(browser, server, None)
    log_in(page, server, "139 0000 0001")  # wang_fang's number, written as people write it
    expect(page.get_by_text("你好，王芳")).to_be_visible()
    page.context.clear_cookies()

    # 忘记密码: from the login page, a code by SMS, then a new password.
    settle(page, server, "/login")
    expect(page.get_by_test_id("login-username")).to_be_visible()
    page.get_by_test_id("login-forgot").click()
    expect(page.get_by_test_id("reset-form")).to_be_visible()
    page.get_by_test_id("reset-phone").fill("13900000001")
    page.get_by_test_id("reset-send-code").click()
    expect(page.get_by_test_id("reset-code-status")).to_have_text(
        "如果 139****0001 已注册账号，验证码已发送到该号码。"
    )
    code = last_sms_code(sms_file)

    # A wrong code is refused in words, and changes nothing.
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    page.get_by_test_id("reset-sms-code").fill(wrong)
    page.get_by_test_id("reset-password").fill(NEW_PASSWORD)
    page.get_by_test_id("reset-submit").click()
    expect(page.get_by_test_id("reset-error")).to_have_text("验证码错误或已过期。")
    assert person("wang_fang").check_password(DEMO_PASSWORD)

    page.get_by_test_id("reset-sms-code").fill(code)
    page.get_by_test_id("reset-submit").click()
    expect(page.get_by_text("你好，王芳")).to_be_visible()  # logged in with the new password
    wang = person("wang_fang")
    assert wang.check_password(NEW_PASSWORD)
    assert not wang.check_password(DEMO_PASSWORD)

    other = open_page(browser, server, None)
    log_in(other, server, "wang_fang", NEW_PASSWORD)
    expect(other.get_by_text("你好，王芳")).to_be_visible()


def test_on_the_review_page_the_second_pop_up_waits_in_a_banner(
    transactional_db: None, server: Server, browser: Any
) -> None:
    from playwright.sync_api import expect

    seed_demo()
    meiluo = Place.objects.get(name="美罗家园第一居委会")
    starts = timezone.now() + timedelta(days=3)
    callout = callout_create(
        actor=person("zhang_min"),
        community_id=meiluo.pk,
        title="楼道消防器材检查",
        description="检查每层灭火器是否过期。",
        location="美罗家园二期",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        capacity=4,
        audience="residents",
    )
    li_wei = person("li_wei")
    CalloutSeen.objects.bulk_create(
        CalloutSeen(user=li_wei, callout=c) for c in Callout.objects.exclude(pk=callout.pk)
    )
    application = JoinApplication.objects.get(applicant__username="zhu_xia")

    page = open_page(browser, server, "li_wei")
    settle(page, server, "/review")
    # The urgent notice first, as a pop-up, in full: its list items kept.
    expect(page.get_by_test_id("urgent-title")).to_have_text("台风“海葵”防御紧急通知")
    expect(page.get_by_test_id("urgent-body").locator("li")).to_have_count(3)
    expect(page.get_by_test_id("callout-notice")).to_be_hidden()
    page.get_by_test_id("urgent-acknowledge").click()
    expect(page.get_by_test_id("urgent-dialog")).to_be_hidden()
    assert UrgentAck.objects.filter(user=li_wei).exists()

    # The call-out does not block the review page: it waits in the banner.
    banner = page.get_by_test_id("notice-banner")
    expect(page.get_by_test_id("notice-banner-title")).to_have_text("楼道消防器材检查")
    expect(page.get_by_test_id("callout-notice")).to_be_hidden()
    page.get_by_test_id(f"review-approve-{application.pk}").click()
    expect(page.get_by_test_id(f"review-approve-{application.pk}")).to_have_count(0)
    application.refresh_from_db()
    assert application.status == JoinApplication.Status.APPROVED
    expect(banner).to_be_visible()

    # On request, it opens as its pop-up; "later" marks it seen.
    page.get_by_test_id("notice-banner-view").click()
    expect(page.get_by_test_id("callout-notice-title")).to_have_text("楼道消防器材检查")
    page.get_by_test_id("callout-notice-later").click()
    expect(page.get_by_test_id("callout-notice")).to_be_hidden()
    expect(banner).to_be_hidden()
    assert CalloutSeen.objects.filter(user=li_wei, callout=callout).exists()
