"""In Chromium: a newcomer joins through the QR link, the committee approves, she is in."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from communities.models import JoinApplication
from tests.conftest import PASSWORD, World
from tests.e2e.conftest import last_sms_code
from tests.servers import Server

pytestmark = pytest.mark.browser


def test_resident_applies_committee_approves_resident_sees_membership(
    world: World, server: Server, browser: Any, sms_file: Path
) -> None:
    from playwright.sync_api import expect

    estate = world.meiluo_1
    resident = browser.new_context(locale="zh-CN")
    page = resident.new_page()
    page.goto(f"{server.url}/join/{estate.join_code}")
    expect(page.get_by_text("美罗一期").first).to_be_visible()
    page.get_by_test_id("join-real-name").fill("王小明")
    page.get_by_test_id("join-phone").fill("13812345678")
    page.get_by_test_id("join-send-code").click()
    expect(page.get_by_test_id("join-send-code")).to_be_disabled()  # countdown running
    page.get_by_test_id("join-sms-code").fill(last_sms_code(sms_file))
    page.get_by_test_id("join-building").fill("12")
    page.get_by_test_id("join-unit").fill("2")
    page.get_by_test_id("join-room").fill("301")
    page.get_by_test_id("join-password").fill("a-long-neighbourly-passphrase")
    page.get_by_test_id("join-submit").click()
    expect(page.get_by_test_id("join-success")).to_be_visible()
    application = JoinApplication.objects.get(estate=estate)
    assert application.status == "pending"

    committee = browser.new_context(locale="zh-CN")
    console = committee.new_page()
    console.goto(f"{server.url}/login?next=/review")
    console.get_by_test_id("login-username").fill("li_wei")
    console.get_by_test_id("login-password").fill(PASSWORD)
    console.get_by_test_id("login-submit").click()
    expect(console.get_by_text("王小明")).to_be_visible()
    expect(console.get_by_text("+8613812345678")).to_be_visible()
    console.get_by_test_id(f"review-approve-{application.pk}").click()
    expect(console.get_by_test_id(f"review-approve-{application.pk}")).to_have_count(0)
    application.refresh_from_db()
    assert application.status == "approved"

    page.goto(f"{server.url}/applications")
    expect(page.get_by_test_id(f"application-status-{application.pk}")).to_have_text(
        re.compile("已通过")
    )
    page.goto(f"{server.url}/")
    expect(page.get_by_test_id(f"membership-{estate.pk}")).to_contain_text("美罗一期")
    resident.close()
    committee.close()


def test_a_rejected_applicant_sees_the_reason(world: World, server: Server, browser: Any) -> None:
    from playwright.sync_api import expect

    from communities.services import application_submit

    world.chen_jie.phone = "+8613812345679"
    world.chen_jie.phone_verified_at = __import__("django.utils.timezone").utils.timezone.now()
    world.chen_jie.save()
    application = application_submit(
        applicant=world.chen_jie,
        join_code=world.meiluo_2.join_code or "",
        real_name="陈杰",
        phone="13812345679",
        sms_code="",
        building="3",
        unit="1",
        room="202",
        password=None,
        client_ip="127.0.0.1",
    )
    committee = browser.new_context()
    console = committee.new_page()
    console.goto(f"{server.url}/login?next=/review")
    console.get_by_test_id("login-username").fill("zhang_min")
    console.get_by_test_id("login-password").fill(PASSWORD)
    console.get_by_test_id("login-submit").click()
    console.get_by_test_id(f"review-reject-{application.pk}").click()
    console.get_by_test_id("review-reason").fill("房号与登记不符")
    console.get_by_test_id("review-reason-confirm").click()
    expect(console.get_by_test_id(f"review-reject-{application.pk}")).to_have_count(0)

    applicant = browser.new_context().new_page()
    applicant.goto(f"{server.url}/login?next=/applications")
    applicant.get_by_test_id("login-username").fill("chen_jie")
    applicant.get_by_test_id("login-password").fill(PASSWORD)
    applicant.get_by_test_id("login-submit").click()
    expect(applicant.get_by_test_id(f"application-{application.pk}")).to_contain_text(
        "房号与登记不符"
    )
    committee.close()
