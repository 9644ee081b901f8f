"""In Chromium: two neighbours chat live in their estate group, then one knocks on the
other's door and the other sees it without reloading."""

from __future__ import annotations

import re
from typing import Any

import pytest

from chat.models import Conversation
from chat.services import estate_conversations_ensure
from tests.conftest import PASSWORD, World, make_member
from tests.servers import Server

pytestmark = pytest.mark.browser


def log_in(browser: Any, server: Server, username: str, next_page: str) -> Any:
    page = browser.new_context(locale="zh-CN").new_page()
    page.goto(f"{server.url}/login?next={next_page}")
    page.get_by_test_id("login-username").fill(username)
    page.get_by_test_id("login-password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    return page


def test_two_neighbours_chat_live_and_knock(world: World, server: Server, browser: Any) -> None:
    from playwright.sync_api import expect

    make_member(world.zhao_lei, world.meiluo_1)
    estate = estate_conversations_ensure(estate_ids=[world.meiluo_1.pk])[world.meiluo_1.pk]

    wang = log_in(browser, server, "wang_fang", f"/chat/{estate}")
    zhao = log_in(browser, server, "zhao_lei", f"/chat/{estate}")
    expect(wang.get_by_test_id("composer-input")).to_be_visible()
    expect(zhao.get_by_test_id("composer-input")).to_be_visible()
    expect(wang.get_by_test_id("connection-state")).to_be_hidden()

    wang.get_by_test_id("composer-input").fill("谁家的猫在3号楼下？<script>alert(1)</script>")
    wang.get_by_test_id("composer-send").click()
    expect(zhao.get_by_text("谁家的猫在3号楼下？<script>alert(1)</script>")).to_be_visible()

    zhao.get_by_test_id("composer-input").fill("是我家的，马上下来")
    zhao.get_by_test_id("composer-send").click()
    expect(wang.get_by_text("是我家的，马上下来")).to_be_visible()

    # zhao_lei goes to the conversation list; wang_fang knocks on his door.
    zhao.goto(f"{server.url}/chat")
    expect(zhao.get_by_test_id("chat-list")).to_be_visible()
    wang.goto(f"{server.url}/chat/neighbours")
    wang.get_by_test_id(f"knock-{world.zhao_lei.pk}").click()
    expect(wang.get_by_test_id("composer-input")).to_be_visible()
    direct = Conversation.objects.get(kind="direct")
    wang.get_by_test_id("composer-input").fill("敲敲门：猫粮放你门口了")
    wang.get_by_test_id("composer-send").click()

    item = zhao.get_by_test_id(f"conversation-{direct.pk}")
    expect(item).to_be_visible()  # appeared in his open list without reloading
    expect(zhao.get_by_test_id(f"unread-{direct.pk}")).to_have_text(re.compile("1"))
    item.click()
    expect(zhao.get_by_text("敲敲门：猫粮放你门口了")).to_be_visible()


def test_the_page_shows_reconnecting_and_catches_up_after_a_server_restart(
    world: World, server: Server, browser: Any, tmp_path: Any
) -> None:
    from playwright.sync_api import expect

    from chat.services import message_post
    from tests.servers import daphne

    make_member(world.zhao_lei, world.meiluo_1)
    estate = estate_conversations_ensure(estate_ids=[world.meiluo_1.pk])[world.meiluo_1.pk]
    zhao = log_in(browser, server, "zhao_lei", f"/chat/{estate}")
    expect(zhao.get_by_test_id("composer-input")).to_be_visible()
    expect(zhao.get_by_test_id("connection-state")).to_be_hidden()

    # No HTTP request in flight: daphne cannot finish a synchronous request whose thread
    # waits on the event loop it is stopping (it would hang at exit, not restart).
    zhao.wait_for_load_state("networkidle")
    port = int(server.url.rsplit(":", 1)[1])
    server.process.terminate()
    server.process.wait(10)
    expect(zhao.get_by_test_id("connection-state")).to_be_visible()
    message_post(
        author=world.wang_fang,
        conversation_id=estate,
        body="服务器重启时发的消息",
        client_id="while-down",
    )
    with daphne(tmp_path, port=port):
        expect(zhao.get_by_test_id("connection-state")).to_be_hidden(timeout=40_000)
        expect(zhao.get_by_text("服务器重启时发的消息")).to_be_visible()
