"""In Chromium: two committee members have the console open; one opens (claims) an item and
the other sees who has it; the first decides it and it leaves both consoles without a
reload."""

from __future__ import annotations

import re
from typing import Any

import pytest

from communities.models import JoinApplication, Membership
from communities.moderation.models import Claim
from tests.conftest import World, make_user
from tests.e2e.test_chat import log_in
from tests.servers import Server

pytestmark = pytest.mark.browser


def test_two_members_see_who_handles_an_item_and_it_leaves_both_when_decided(
    world: World, server: Server, browser: Any
) -> None:
    from playwright.sync_api import expect

    applicant = make_user("sun_li", "孙丽")
    application = JoinApplication.objects.create(
        applicant=applicant,
        estate=world.meiluo_2,
        real_name="孙丽",
        phone="13800000077",
        building="2",
        unit="1",
        room="201",
        note="刚搬来，请通过",
    )
    key = f"application-{application.pk}"

    li = log_in(browser, server, "li_wei", "/")
    li.get_by_test_id("home-console-link").click()  # reachable from Home
    zheng = log_in(browser, server, "zheng_hua", "/console")
    for page in (li, zheng):
        expect(page.get_by_test_id(f"console-item-{key}")).to_contain_text("孙丽")
        expect(page.get_by_test_id("console-badge-application")).to_have_text("1")

    # 李伟 opens the application: it is his now, and 郑华's console says so at once.
    li.get_by_test_id(f"console-open-{key}").click()
    expect(li.get_by_test_id(f"console-claimed-{key}")).to_have_text("我正在处理")
    expect(zheng.get_by_test_id(f"console-claimed-{key}")).to_have_text("li_wei 正在处理")
    assert Claim.objects.get(target_kind="application", target_id=application.pk).claimed_by == (
        world.li_wei
    )
    # 郑华 opening it gets no decision buttons, only the offer to take it over.
    zheng.get_by_test_id(f"console-open-{key}").click()
    expect(zheng.get_by_test_id(f"console-takeover-{key}")).to_be_visible()
    expect(zheng.get_by_test_id(f"console-approve-{key}")).to_have_count(0)

    # 李伟 approves: the application leaves both consoles without a reload.
    li.get_by_test_id(f"console-approve-{key}").click()
    expect(li.get_by_test_id(f"console-item-{key}")).to_have_count(0)
    expect(zheng.get_by_test_id(f"console-item-{key}")).to_have_count(0)
    expect(zheng.get_by_test_id("console-empty")).to_be_visible()
    expect(li.get_by_test_id("console-empty")).to_have_text(re.compile("暂无待处理事项"))

    application.refresh_from_db()
    assert application.status == JoinApplication.Status.APPROVED
    assert application.decided_by == world.li_wei
    assert Membership.objects.filter(user=applicant, estate=world.meiluo_2).exists()


def test_a_resident_has_no_console(world: World, server: Server, browser: Any) -> None:
    from playwright.sync_api import expect

    wang = log_in(browser, server, "wang_fang", "/")
    expect(wang.get_by_test_id("home-memberships")).to_be_visible()
    expect(wang.get_by_test_id("home-console-link")).to_have_count(0)
    wang.goto(f"{server.url}/console")
    expect(wang.get_by_test_id("console-none")).to_be_visible()
