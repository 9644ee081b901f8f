"""The demo district in the browser tests: seeded into the test database, and its people
logged in on a phone-sized page, with the text size a device chose before the first paint."""

from __future__ import annotations

from dataclasses import dataclass
from io import StringIO
from typing import Any

from django.core.management import call_command
from django.utils import timezone

from chat.models import Conversation
from communities.boards.models import Board, Post, UrgentAck
from communities.cases.models import Case
from communities.models import Place, User
from communities.volunteering.models import Callout, CalloutSeen
from tests.servers import Server

DEMO_PASSWORD = "shequtong"
PHONE = {"width": 360, "height": 740}


@dataclass
class Demo:
    typhoon: int  # the urgent notice
    guide: int  # a service guide with steps
    notices: int  # the notices board of 美罗家园第一居委会
    estate_chat: int  # 美罗家园二期's group, where li_wei lives
    callout: int  # the residents' call-out
    join_code: str
    case: int  # a case of 美罗家园第一居委会 that li_wei's committee handles

    def pages(self) -> list[str]:
        """The main pages of a committee member (li_wei), who sees them all."""
        return [
            "/",
            "/applications",
            "/review",
            "/console",
            "/boards",
            f"/boards/posts/{self.typhoon}",
            f"/boards/posts/{self.guide}",
            f"/boards/{self.notices}/new",
            "/boards/review",
            "/chat",
            f"/chat/{self.estate_chat}",
            "/chat/topics",
            "/chat/neighbours",
            "/letters",
            "/letters/new",
            "/volunteer",
            f"/volunteer/callouts/{self.callout}",
            "/volunteer/new",
            "/volunteer/me",
            "/party",
            "/cases",
            "/cases/new",
            f"/cases/{self.case}",
            "/settings/notifications",
        ]

    def visitor_pages(self) -> list[str]:
        return ["/login", "/password-reset", f"/join/{self.join_code}"]


def seed_demo() -> Demo:
    call_command("seed_demo", "--quiet", stdout=StringIO())
    meiluo = Place.objects.get(name="美罗家园第一居委会")
    estate = Place.objects.get(name="美罗家园二期")
    return Demo(
        typhoon=Post.objects.get(urgent=True, board__place=meiluo).pk,
        guide=Post.objects.get(title="如何办理上海市居住证").pk,
        notices=Board.objects.get(place=meiluo, kind="notices").pk,
        estate_chat=Conversation.objects.get(kind="estate", place=estate).pk,
        callout=Callout.objects.get(audience="residents", ends_at__gt=timezone.now()).pk,
        join_code=str(Place.objects.get(name="美罗家园一期").join_code),
        case=Case.objects.filter(community=meiluo, tier="community").earliest("pk").pk,
    )


def person(username: str) -> User:
    return User.objects.get(username=username)


def open_page(
    browser: Any,
    server: Server,
    username: str | None,
    *,
    text_size: int = 100,
    high_contrast: bool = False,
    timezone_id: str = "Asia/Shanghai",
) -> Any:
    """A new phone (browser context) whose device remembers ``text_size``; logged in as
    ``username`` through the login form when given."""
    # No service worker: these tests watch the page's own requests (and block some).
    context = browser.new_context(
        locale="zh-CN", viewport=PHONE, timezone_id=timezone_id, service_workers="block"
    )
    remembered = f'{{"textSize": {text_size}, "highContrast": {str(high_contrast).lower()}}}'
    # Runs before every page's own scripts: only a device that never chose gets the choice.
    context.add_init_script(
        "if (!localStorage.getItem('shequtong.display'))"
        f" localStorage.setItem('shequtong.display', '{remembered}')"
    )
    page = context.new_page()
    if username:
        log_in(page, server, username)
    return page


def log_in(page: Any, server: Server, login: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{server.url}/login")
    page.get_by_test_id("login-username").fill(login)
    page.get_by_test_id("login-password").fill(password)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(lambda url: "/login" not in url)


def settle(page: Any, server: Server, path: str) -> None:
    """Open ``path`` and wait until its requests are answered and its fonts are in: a page
    is measured only as it will stay."""
    page.goto(f"{server.url}{path}")
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready.then(() => true)")


def quiet(username: str) -> None:
    """No pop-up in the way of ``username``: every urgent notice acknowledged, every call-out
    seen (the tests of the pop-ups themselves leave them be)."""
    user = person(username)
    for post in Post.objects.filter(urgent=True):
        UrgentAck.objects.get_or_create(user=user, post=post)
    for callout in Callout.objects.all():
        CalloutSeen.objects.get_or_create(user=user, callout=callout)
