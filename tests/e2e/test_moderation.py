"""In Chromium: two residents report a message in their estate group and the committee sees
one report counted twice; a committee member hides the message and the residents' open
conversation loses it without reloading, while the moderator's shows it marked; a mute
reaches the resident's open page at once."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chat.models import Message
from chat.services import estate_conversations_ensure, message_post
from communities.moderation.models import Report
from tests.conftest import World, make_member
from tests.e2e.test_chat import log_in
from tests.servers import Server

pytestmark = pytest.mark.browser

AD = "低价装修，加微信 abc123"


def reports_seen_by(page: Any, server: Server, community_id: int) -> list[dict[str, Any]]:
    """The committee's open reports, asked for with the page's own session (as the console does)."""
    response = page.request.get(f"{server.url}/api/moderation/communities/{community_id}/reports")
    assert response.status == 200, response.text()
    reports: list[dict[str, Any]] = json.loads(response.text())
    return reports


def report_message(page: Any, message_id: int, reason: str, note: str = "") -> None:
    """Report a message from its action menu; afterwards it shows as reported."""
    from playwright.sync_api import expect

    page.get_by_test_id(f"message-menu-{message_id}").click()
    expect(page.get_by_test_id(f"message-hide-{message_id}")).to_have_count(0)  # no moderator
    page.get_by_test_id(f"message-report-{message_id}").click()
    page.get_by_test_id(f"report-reason-{reason}").check()
    if note:
        page.get_by_test_id("report-note").fill(note)
    page.get_by_test_id("report-submit").click()
    expect(page.get_by_test_id("report-submit")).to_be_hidden()
    page.get_by_test_id(f"message-menu-{message_id}").click()
    expect(page.get_by_test_id(f"message-reported-{message_id}")).to_have_text("已举报")
    page.get_by_test_id(f"message-menu-{message_id}").click()  # close the menu


def test_a_reported_message_is_hidden_live_for_the_resident(
    world: World, server: Server, browser: Any
) -> None:
    from playwright.sync_api import expect

    make_member(world.zhao_lei, world.meiluo_1)
    make_member(world.zhou_qiang, world.meiluo_1)
    estate = estate_conversations_ensure(estate_ids=[world.meiluo_1.pk])[world.meiluo_1.pk]
    ladder, _ = message_post(
        author=world.zhao_lei, conversation_id=estate, body="谁有梯子借用一下？", client_id="e2e-1"
    )
    spam, _ = message_post(author=world.zhao_lei, conversation_id=estate, body=AD, client_id="e-2")

    wang = log_in(browser, server, "wang_fang", f"/chat/{estate}")
    zhou = log_in(browser, server, "zhou_qiang", f"/chat/{estate}")
    li = log_in(browser, server, "li_wei", f"/chat/{estate}")
    for page in (wang, zhou, li):
        expect(page.get_by_test_id(f"message-body-{spam.pk}")).to_have_text(AD)
        expect(page.get_by_test_id("connection-state")).to_be_hidden()
    # Moderating is for the committee: the resident gets no group tools.
    expect(wang.get_by_test_id("group-tools-toggle")).to_have_count(0)
    expect(li.get_by_test_id("group-tools-toggle")).to_be_visible()

    # wang_fang reports the advert.
    report_message(wang, spam.pk, "spam", note="小区群里发广告")
    [first] = reports_seen_by(li, server, world.meiluo.pk)
    assert (first["target_kind"], first["target_id"], first["count"]) == ("message", spam.pk, 1)
    assert first["reasons"] == {"spam": 1}

    # A second neighbour's report is counted on the same report, not added as another.
    report_message(zhou, spam.pk, "abuse")
    [seen] = reports_seen_by(li, server, world.meiluo.pk)
    assert (seen["id"], seen["count"]) == (first["id"], 2)
    assert seen["reasons"] == {"spam": 1, "abuse": 1}
    assert Report.objects.filter(target_id=spam.pk).count() == 1

    # li_wei hides it, giving a reason.
    li.get_by_test_id(f"message-menu-{spam.pk}").click()
    li.get_by_test_id(f"message-hide-{spam.pk}").click()
    li.get_by_test_id("reason-input").fill("商业广告")
    li.get_by_test_id("reason-confirm").click()
    expect(li.get_by_test_id(f"message-moderated-{spam.pk}")).to_have_text("已被管理员隐藏")

    # The residents' open conversation loses it without reloading; the rest stays.
    expect(wang.get_by_test_id(f"message-{spam.pk}")).to_have_count(0)
    expect(zhou.get_by_test_id(f"message-{spam.pk}")).to_have_count(0)
    expect(wang.get_by_test_id(f"message-body-{ladder.pk}")).to_have_text("谁有梯子借用一下？")
    report = Report.objects.get(target_id=spam.pk)
    assert report.status == Report.Status.ACTIONED
    # And it stays gone after a reload (history leaves it out for members).
    wang.reload()
    expect(wang.get_by_test_id(f"message-body-{ladder.pk}")).to_be_visible()
    expect(wang.get_by_test_id(f"message-{spam.pk}")).to_have_count(0)

    # wang_fang writes; li_wei mutes her from that message for a day, and her open page
    # gets the banner with the reason at once, the composer closed.
    wang.get_by_test_id("composer-input").fill("广告终于没了")
    wang.get_by_test_id("composer-send").click()
    expect(li.get_by_text("广告终于没了")).to_be_visible()
    written = Message.objects.get(body="广告终于没了")
    li.get_by_test_id(f"message-menu-{written.pk}").click()
    li.get_by_test_id(f"message-mute-{written.pk}").click()
    li.get_by_test_id("mute-duration").select_option(str(24 * 60))
    li.get_by_test_id("mute-reason").fill("连续刷屏")
    li.get_by_test_id("mute-confirm").click()
    banner = wang.get_by_test_id("restriction-banner")
    expect(banner).to_contain_text("你已被禁言至")
    expect(banner).to_contain_text("原因：连续刷屏")
    expect(wang.get_by_test_id("composer-input")).to_be_disabled()
    expect(zhou.get_by_test_id("restriction-banner")).to_have_count(0)
