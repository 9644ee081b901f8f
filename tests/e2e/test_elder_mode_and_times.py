"""In Chromium: elder mode's text size and contrast are chosen in the top bar, shown before the
first paint from the device, and follow the person to another device; every time reads the
same in a browser set to UTC as in one set to Asia/Shanghai, in the place's time zone, and a
time typed into a form means that time there."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from communities.models import Place
from communities.volunteering.models import Callout
from communities.volunteering.services.callouts import callout_create
from tests.e2e.demo import log_in, open_page, person, quiet, seed_demo, settle
from tests.servers import Server

pytestmark = pytest.mark.browser

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEEKDAYS = "一二三四五六日"


def root_font_size(page: Any) -> str:
    return str(page.evaluate("getComputedStyle(document.documentElement).fontSize"))


def test_large_text_is_chosen_shown_before_the_app_runs_and_follows_the_account(
    transactional_db: None, server: Server, browser: Any
) -> None:
    from playwright.sync_api import expect

    seed_demo()
    quiet("wang_fang")
    phone = open_page(browser, server, "wang_fang")
    settle(phone, server, "/applications")
    assert root_font_size(phone) == "16px"
    phone.get_by_test_id("display-open").click()
    phone.locator("label", has=phone.get_by_test_id("display-size-150")).click()
    phone.get_by_test_id("display-contrast").check()
    expect(phone.get_by_test_id("display-contrast")).to_be_checked()
    phone.get_by_test_id("display-done").click()
    expect(phone.get_by_test_id("display-sheet")).to_be_hidden()
    assert root_font_size(phone) == "24px"
    assert phone.evaluate("document.documentElement.classList.contains('high-contrast')")
    wang = person("wang_fang")
    assert (wang.text_size, wang.high_contrast) == (150, True)  # kept on the account

    # Before the first paint: with the app's script blocked, the page is already large.
    phone.context.clear_cookies()
    phone.route("**/static/assets/index-*.js", lambda route: route.abort())
    phone.goto(f"{server.url}/login")
    assert root_font_size(phone) == "24px"
    assert phone.evaluate("document.documentElement.classList.contains('high-contrast')")

    # Another device that never chose: the account's choice comes with the login.
    tablet = open_page(browser, server, None)
    settle(tablet, server, "/login")
    assert root_font_size(tablet) == "16px"
    log_in(tablet, server, "wang_fang")
    expect(tablet.locator("html")).to_have_attribute("data-text-size", "150")
    assert root_font_size(tablet) == "24px"


def _next_saturday_nine() -> datetime:
    today = timezone.localdate()
    saturday = today + timedelta(days=(5 - today.weekday() - 1) % 7 + 1)
    return datetime(saturday.year, saturday.month, saturday.day, 9, tzinfo=SHANGHAI)


def test_a_call_out_reads_the_same_in_utc_and_in_shanghai(
    transactional_db: None, server: Server, browser: Any
) -> None:
    from playwright.sync_api import expect

    seed_demo()
    starts = _next_saturday_nine()
    callout = callout_create(
        actor=person("zhang_min"),
        community_id=Place.objects.get(name="美罗家园第一居委会").pk,
        title="周六上午清理地下车库",
        description="一起把车库清干净。",
        location="美罗家园二期地下车库",
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        capacity=8,
        audience="residents",
    )
    quiet("li_wei")
    year = "" if starts.year == timezone.localdate().year else f"{starts.year}年"
    expected = f"{year}{starts.month}月{starts.day}日（周六）09:00–12:00"
    seen = {}
    for zone in ("UTC", "Asia/Shanghai"):
        page = open_page(browser, server, "li_wei", timezone_id=zone)
        assert page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone") == zone
        settle(page, server, f"/volunteer/callouts/{callout.pk}")
        when = page.get_by_test_id("callout-when")
        expect(when).to_have_text(expected)
        seen[zone] = when.inner_text()
        page.context.close()
    assert seen["UTC"] == seen["Asia/Shanghai"]


def test_a_time_typed_in_a_browser_set_to_utc_means_that_time_in_shanghai(
    transactional_db: None, server: Server, browser: Any
) -> None:
    from playwright.sync_api import expect

    seed_demo()
    quiet("zhang_min")
    page = open_page(browser, server, "zhang_min", timezone_id="UTC")
    settle(page, server, "/volunteer/new")
    day = (timezone.localdate() + timedelta(days=10)).isoformat()
    page.get_by_test_id("callout-title-input").fill("周末敬老院探访")
    page.get_by_test_id("callout-description-input").fill("陪老人聊天。")
    page.get_by_test_id("callout-location-input").fill("罗店敬老院")
    page.get_by_test_id("callout-starts-input").fill(f"{day}T09:00")
    page.get_by_test_id("callout-ends-input").fill(f"{day}T11:30")
    page.get_by_test_id("callout-submit").click()
    expect(page.get_by_test_id("callout-title")).to_have_text("周末敬老院探访")
    callout = Callout.objects.get(title="周末敬老院探访")
    local = callout.starts_at.astimezone(SHANGHAI)
    assert (local.date().isoformat(), local.hour, local.minute) == (day, 9, 0)
    assert callout.ends_at - callout.starts_at == timedelta(hours=2, minutes=30)
    weekday = WEEKDAYS[local.weekday()]
    expect(page.get_by_test_id("callout-when")).to_contain_text(f"（周{weekday}）09:00–11:30")
