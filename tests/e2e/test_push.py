"""In Chromium: the installable app and its service worker — a push shows its notification,
tapping it opens the right page, a "clear" push closes it, and the app opens offline with
the last-seen conversations. (The push service side is tested against a loopback push
service in tests/notifications/; headless Chromium cannot subscribe without Google's, so
the push reaches the real service worker through DevTools' deliverPushMessage.)"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chat.models import Conversation
from chat.services import knock, message_post
from notifications import vapid
from tests.conftest import PASSWORD, World
from tests.servers import Server, daphne

pytestmark = pytest.mark.browser


@pytest.fixture
def push_server(transactional_db: None, tmp_path: Path) -> Iterator[Server]:
    key = tmp_path / "vapid.pem"
    vapid.generate(key)
    with daphne(tmp_path, VAPID_KEY_FILE=str(key), VAPID_PRIVATE_KEY="") as running:
        yield running


def logged_in(browser: Any, server: Server, username: str, next_page: str) -> tuple[Any, Any]:
    context = browser.new_context(locale="zh-CN")
    context.grant_permissions(["notifications"], origin=server.url)
    page = context.new_page()
    page.goto(f"{server.url}/login?next={next_page}")
    page.get_by_test_id("login-username").fill(username)
    page.get_by_test_id("login-password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    return context, page


def worker_registration(page: Any, server: Server) -> tuple[Any, str]:
    """The service worker's registration id, through DevTools (and the session to use)."""
    cdp = page.context.new_cdp_session(page)
    found: list[str] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: found.extend(
            r["registrationId"]
            for r in event["registrations"]
            if r["scopeURL"] == f"{server.url}/" and not r.get("isDeleted")
        ),
    )
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + 10
    while not found and time.monotonic() < deadline:
        page.wait_for_timeout(50)  # DevTools events arrive while Playwright waits
    assert found, "the service worker did not register"
    return cdp, found[0]


def shown(page: Any) -> list[dict[str, Any]]:
    return list(
        page.evaluate(
            """async () => (await (await navigator.serviceWorker.ready).getNotifications())
                 .map((n) => ({ title: n.title, body: n.body, tag: n.tag, url: n.data.url }))"""
        )
    )


def shown_when(page: Any, test: Any, within: float = 10) -> list[dict[str, Any]]:
    """The notifications shown, once ``test`` holds of them (the worker shows and closes
    them on its own time)."""
    deadline = time.monotonic() + within
    while True:
        now = shown(page)
        if test(now) or time.monotonic() > deadline:
            return now
        page.wait_for_timeout(50)


def test_a_push_shows_its_notification_opens_its_page_and_is_cleared(
    world: World, push_server: Server, browser: Any
) -> None:
    from playwright.sync_api import expect

    conversation = knock(user=world.li_wei, target_id=world.wang_fang.pk)
    message, _created = message_post(
        author=world.li_wei, conversation_id=conversation.pk, body="明天来居委会", client_id="e2e"
    )
    context, page = logged_in(browser, push_server, "wang_fang", "/")
    expect(page.get_by_test_id("home-notifications-link")).to_be_visible()
    page.evaluate("async () => { await navigator.serviceWorker.ready }")
    page.reload()  # now the service worker controls the page
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    cdp, registration = worker_registration(page, push_server)

    push = {
        "kind": "direct",
        "title": "李伟敲了您的门",
        "body": "明天来居委会",
        "url": f"/chat/{conversation.pk}?message={message.pk}",
        "tag": f"conv-{conversation.pk}",
    }
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": push_server.url, "registrationId": registration, "data": json.dumps(push)},
    )
    assert shown_when(page, bool) == [
        {"title": "李伟敲了您的门", "body": "明天来居委会", "tag": push["tag"], "url": push["url"]}
    ]

    # Tapped (the worker's own notificationclick handler, run in the worker): it opens the
    # conversation at the message, in the open window.
    worker = context.service_workers[0]
    worker.evaluate(
        """async (tag) => {
             const [notification] = await self.registration.getNotifications({ tag })
             await openPageOf(notification)
           }""",
        push["tag"],
    )
    page.wait_for_url(f"**/chat/{conversation.pk}?message={message.pk}")
    expect(page.get_by_text("明天来居委会")).to_be_visible()
    assert shown_when(page, lambda now: not now) == []

    # A second push, then read on another device: the "clear" push closes it.
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": push_server.url, "registrationId": registration, "data": json.dumps(push)},
    )
    assert len(shown_when(page, bool)) == 1
    clear = {"kind": "clear", "tag": push["tag"]}
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": push_server.url, "registrationId": registration, "data": json.dumps(clear)},
    )
    assert shown_when(page, lambda now: not now) == []
    context.close()


def test_the_app_installs_and_opens_offline_with_the_last_seen_conversations(
    world: World, push_server: Server, browser: Any
) -> None:
    from playwright.sync_api import expect

    group = Conversation.objects.get(kind=Conversation.Kind.ESTATE, place=world.meiluo_1)
    context, page = logged_in(browser, push_server, "wang_fang", "/chat")
    expect(page.get_by_test_id(f"conversation-{group.pk}")).to_be_visible()

    manifest_url = page.evaluate("() => document.querySelector('link[rel=manifest]').href")
    manifest = page.evaluate("async (url) => (await fetch(url)).json()", manifest_url)
    assert (manifest["display"], manifest["start_url"]) == ("standalone", "/")
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    for icon in manifest["icons"]:
        assert page.request.get(f"{push_server.url}{icon['src']}").ok

    page.evaluate("async () => { await navigator.serviceWorker.ready }")
    page.reload()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    expect(page.get_by_test_id(f"conversation-{group.pk}")).to_be_visible()

    context.set_offline(True)
    page.reload()
    expect(page.get_by_test_id("chat-stale")).to_be_visible()
    expect(page.get_by_test_id(f"conversation-{group.pk}")).to_be_visible()
    context.close()
