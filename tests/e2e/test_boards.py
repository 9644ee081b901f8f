"""In Chromium: a committee member publishes a notice and a resident's open board shows it
without reloading; an urgent notice interrupts the resident until acknowledged."""

from __future__ import annotations

import re
from typing import Any

import pytest

from communities.boards.models import BoardKind, Post, UrgentAck
from communities.boards.services import boards_ensure
from tests.conftest import World
from tests.e2e.test_chat import log_in
from tests.servers import Server

pytestmark = pytest.mark.browser


def test_a_notice_appears_live_on_a_residents_open_board(
    world: World, server: Server, browser: Any
) -> None:
    from playwright.sync_api import expect

    notices = next(b for b in boards_ensure([world.meiluo]) if b.kind == BoardKind.NOTICES)
    wang = log_in(browser, server, "wang_fang", f"/boards?board={notices.pk}")
    expect(wang.get_by_test_id("board-empty")).to_be_visible()
    # A resident may read notices but not publish them.
    expect(wang.get_by_test_id("board-new-post")).to_have_count(0)

    li = log_in(browser, server, "li_wei", f"/boards?board={notices.pk}")
    li.get_by_test_id("board-new-post").click()
    li.get_by_test_id("compose-title").fill("周六上午停水通知")
    li.get_by_test_id("compose-body").fill("因管道检修，本周六 8:00–12:00 停水，请提前储水。")
    li.get_by_test_id("compose-submit").click()
    expect(li.get_by_test_id("post-title")).to_have_text("周六上午停水通知")

    post = Post.objects.get(title="周六上午停水通知")
    assert post.status == Post.Status.PUBLISHED
    item = wang.get_by_test_id(f"post-{post.pk}")
    expect(item).to_be_visible()  # inserted into the open list, no reload
    expect(item).to_contain_text("周六上午停水通知")
    item.click()
    expect(wang.get_by_test_id("post-body")).to_contain_text("8:00–12:00 停水")

    # Someone outside the community (共康) does not get the board at all.
    chen = log_in(browser, server, "chen_jie", f"/boards?board={notices.pk}")
    expect(chen.get_by_test_id("board-tabs")).to_be_visible()
    expect(chen.get_by_test_id(f"post-{post.pk}")).to_have_count(0)


def test_an_urgent_notice_must_be_acknowledged(world: World, server: Server, browser: Any) -> None:
    from playwright.sync_api import expect

    from communities.boards.services import post_create

    notices = next(b for b in boards_ensure([world.meiluo]) if b.kind == BoardKind.NOTICES)
    wang = log_in(browser, server, "wang_fang", "/")
    expect(wang.get_by_test_id("urgent-dialog")).to_have_count(0)

    post = post_create(
        author=world.li_wei,
        board_id=notices.pk,
        title="燃气泄漏，请勿开火",
        body="<p>3号楼燃气管道泄漏，抢修中。</p>",
        urgent=True,
    )
    dialog = wang.get_by_test_id("urgent-dialog")
    expect(dialog).to_be_visible()  # live, while the page is open
    expect(wang.get_by_test_id("urgent-title")).to_have_text(re.compile("燃气泄漏"))
    wang.get_by_test_id("urgent-acknowledge").click()
    expect(dialog).to_be_hidden()
    assert UrgentAck.objects.filter(post=post, user=world.wang_fang).exists()

    # Offline meanwhile: a second urgent notice waits for the next visit; the acknowledged
    # one is not asked again.
    wang.context.close()
    later = post_create(
        author=world.li_wei,
        board_id=notices.pk,
        title="明日全天停电",
        body="<p>变电站检修。</p>",
        urgent=True,
    )
    again = log_in(browser, server, "wang_fang", "/")
    expect(again.get_by_test_id("urgent-title")).to_have_text(re.compile("明日全天停电"))
    again.get_by_test_id("urgent-acknowledge").click()
    expect(again.get_by_test_id("urgent-dialog")).to_be_hidden()
    assert set(UrgentAck.objects.filter(user=world.wang_fang).values_list("post", flat=True)) == {
        post.pk,
        later.pk,
    }
