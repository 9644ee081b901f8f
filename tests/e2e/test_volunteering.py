"""In Chromium: the party secretary posts a call-out; a party member's already-open page
shows it at once and signs up from it; the secretary's roster shows the sign-up without
reloading; a plain resident gets nothing; someone offline gets the next call-out on coming
back. Then a volunteer checks in by the QR code's link and the organiser's roster ticks them
live."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from communities.volunteering.models import Callout, CalloutSeen, SignUp
from communities.volunteering.services.callouts import callout_create, signup_create
from tests.conftest import World
from tests.e2e.test_chat import log_in
from tests.servers import Server

pytestmark = pytest.mark.browser


def test_a_party_call_out_reaches_an_open_page_and_the_roster_fills_live(
    world: World, server: Server, browser: Any
) -> None:
    from playwright.sync_api import expect

    # A party member (zhao_lei) and a plain resident (wang_fang), each with a page open.
    zhao = log_in(browser, server, "zhao_lei", "/volunteer")
    expect(zhao.get_by_test_id("callouts-empty")).to_be_visible()
    wang = log_in(browser, server, "wang_fang", "/")
    expect(wang.get_by_test_id("home-volunteer-link")).to_be_visible()

    # The secretary posts a call-out for party members.
    zhang = log_in(browser, server, "zhang_min", "/volunteer/new")
    zhang.get_by_test_id("callout-title-input").fill("周六清理楼道杂物")
    zhang.get_by_test_id("callout-description-input").fill("3 号楼楼道堆了很多纸箱，一起清一清。")
    zhang.get_by_test_id("callout-location-input").fill("美罗家园 3 号楼")
    zhang.get_by_test_id("callout-capacity-input").fill("5")
    zhang.get_by_test_id("callout-audience-party").check()
    zhang.get_by_test_id("callout-skills-input").fill("手套")
    zhang.get_by_test_id("callout-submit").click()
    expect(zhang.get_by_test_id("callout-title")).to_have_text("周六清理楼道杂物")
    expect(zhang.get_by_test_id("roster-empty")).to_be_visible()
    callout = Callout.objects.get(title="周六清理楼道杂物")
    assert callout.audience == "party"
    assert callout.organiser == world.zhang_min

    # zhao_lei's open page: the notice stands out at once; he signs up from it.
    expect(zhao.get_by_test_id("callout-notice-title")).to_have_text("周六清理楼道杂物")
    expect(zhao.get_by_test_id("callout-notice")).to_contain_text("0/5 已报名")
    expect(zhao.get_by_test_id(f"callout-{callout.pk}")).to_be_visible()  # in the open list too
    zhao.get_by_test_id("callout-notice-signup").click()
    expect(zhao.get_by_test_id("callout-notice")).to_be_hidden()
    expect(
        zhao.get_by_test_id(f"callout-{callout.pk}").get_by_test_id("callout-mine")
    ).to_have_text("已报名")

    # The secretary's roster fills without reloading.
    row = zhang.get_by_test_id(f"roster-{world.zhao_lei.pk}")
    expect(row).to_contain_text(world.zhao_lei.name)
    expect(row).to_contain_text("已报名")
    expect(zhang.get_by_test_id("roster-summary")).to_have_text("已报名 1/5，候补 0，已签到 0")
    expect(zhang.get_by_test_id("callout-count")).to_have_text("1/5 已报名")

    signup = SignUp.objects.get(callout=callout, user=world.zhao_lei)
    assert signup.status == SignUp.Status.CONFIRMED
    assert CalloutSeen.objects.filter(callout=callout, user=world.zhao_lei).exists()

    # A party call-out is not for a plain resident, nor a notice for its organiser.
    expect(wang.get_by_test_id("home-volunteer-link")).to_be_visible()
    assert wang.get_by_test_id("callout-notice-title").count() == 0
    assert zhang.get_by_test_id("callout-notice-title").count() == 0

    # Offline meanwhile: the next call-out waits for zhao_lei's next visit; "later" marks it
    # seen, and the one he answered is not asked again.
    zhao.context.close()
    starts = timezone.now() + timedelta(days=2)
    later = callout_create(
        actor=world.zhang_min,
        community_id=world.meiluo.pk,
        title="给独居老人送年夜饭",
        description="每人送两户。",
        location="社区食堂",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        capacity=4,
        audience="party",
    )
    again = log_in(browser, server, "zhao_lei", "/")
    expect(again.get_by_test_id("callout-notice-title")).to_have_text("给独居老人送年夜饭")
    again.get_by_test_id("callout-notice-later").click()
    expect(again.get_by_test_id("callout-notice")).to_be_hidden()
    assert set(
        CalloutSeen.objects.filter(user=world.zhao_lei).values_list("callout", flat=True)
    ) == {callout.pk, later.pk}
    assert not SignUp.objects.filter(callout=later).exists()


def test_a_volunteer_checks_in_by_the_qr_link_and_the_roster_ticks_live(
    world: World, server: Server, browser: Any
) -> None:
    from playwright.sync_api import expect

    starts = timezone.now() + timedelta(hours=1)  # check-in opens 2 hours before
    callout = callout_create(
        actor=world.zhang_min,
        community_id=world.meiluo.pk,
        title="社区义诊帮手",
        description="帮忙引导排队。",
        location="社区活动室",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        capacity=3,
        audience="party",
    )
    signup_create(user=world.zhao_lei, callout_id=callout.pk)

    zhang = log_in(browser, server, "zhang_min", f"/volunteer/callouts/{callout.pk}")
    row = zhang.get_by_test_id(f"roster-{world.zhao_lei.pk}")
    expect(row).to_contain_text(world.zhao_lei.name)
    tick = zhang.get_by_test_id(f"roster-tick-{world.zhao_lei.pk}")
    expect(tick).not_to_be_checked()
    zhang.get_by_test_id("checkin-qr-show").click()
    qr = zhang.get_by_test_id("checkin-qr")
    expect(qr).to_be_visible()
    zhang.wait_for_function(
        "el => el.complete && el.naturalWidth > 0", arg=qr.element_handle()
    )  # the QR picture loaded
    url = zhang.get_by_test_id("checkin-url").inner_text().strip()
    assert url.startswith(f"{server.url}/volunteer/callouts/{callout.pk}/checkin?code=")

    # zhao_lei "scans" it: the link opens the check-in page, which checks him in.
    zhao = log_in(browser, server, "zhao_lei", url.removeprefix(server.url))
    expect(zhao.get_by_test_id("checkin-done")).to_contain_text("签到成功")
    expect(zhao.get_by_test_id("checkin-callout")).to_have_text("社区义诊帮手")

    expect(tick).to_be_checked()  # live on the organiser's roster
    expect(zhang.get_by_test_id("roster-summary")).to_contain_text("已签到 1")
    expect(zhang.get_by_test_id(f"roster-hours-{world.zhao_lei.pk}")).to_have_value("2")
    signup = SignUp.objects.get(callout=callout, user=world.zhao_lei)
    assert signup.checked_in_at is not None
    assert signup.minutes == 120

    # A forged code is refused in words.
    zhao.goto(f"{server.url}/volunteer/callouts/{callout.pk}/checkin?code=forged")
    expect(zhao.get_by_test_id("checkin-error")).to_have_text(
        "签到码无效，请重新扫描活动现场的二维码"
    )
