"""In Chromium at a phone's size: every main page in large text (125 % and 150 %) has no line
of text running out of its box or clipped, no box reaching past its parent and no controls on
top of one another; touch targets are at least 44 px; axe-core (injected from the npm package)
finds no serious or critical violation, in the standard display and in elder mode's large
text with high contrast. The layout check runs in the page (layout_check.js) and is first
shown to catch a page broken on purpose. The Chinese font comes from the bundle: this machine
has none of its own."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import pytest
from django.conf import settings

from communities.volunteering.models import Callout, CalloutSeen
from tests.e2e.demo import open_page, person, quiet, seed_demo, settle
from tests.servers import Server

pytestmark = pytest.mark.browser

CHECK = Path(__file__).with_name("layout_check.js").read_text(encoding="utf-8")
AXE = Path(settings.BASE_DIR) / "frontend" / "node_modules" / "axe-core" / "axe.min.js"

BROKEN = Path(__file__).with_name("broken_page.html").read_text(encoding="utf-8")

FIXED = (
    BROKEN.replace('style="white-space:nowrap">a line', ">a line")
    .replace('style="height:20px;overflow:hidden"', "")
    .replace('style="height:20px"', "")
    .replace("left:50px;top:10px", "left:110px;top:0")
    .replace("width:300px", "width:100px")
    .replace(";width:30px", "")
    .replace("width:20px;height:20px", "width:44px;height:44px")
)


# Evaluated rather than added as <script> tags: the Content-Security-Policy refuses inline
# script, and these checks must see the pages exactly as served.
def problems(page: Any) -> list[str]:
    page.evaluate(CHECK)
    return list(page.evaluate("window.__layout.layoutProblems()"))


def small_targets(page: Any) -> list[str]:
    page.evaluate(CHECK)
    return list(page.evaluate("window.__layout.smallTargets(44)"))


def serious_violations(page: Any) -> list[str]:
    page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
            .filter((v) => v.impact === 'serious' || v.impact === 'critical')
            .map((v) => `${v.id} (${v.impact}): ` +
                        v.nodes.map((n) => n.target.join(' ')).join(', '))"""
    )
    return list(found)


def test_the_layout_check_catches_a_broken_page_and_passes_a_mended_one(browser: Any) -> None:
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.set_content(BROKEN)
    found = problems(page)
    kinds = sorted({line.split(":")[0] for line in found})
    assert kinds == ["clipped", "outside", "overflow", "overlap"], found
    assert any("a line far too long" in line for line in found)
    assert any("the second one clipped" in line for line in found)
    assert any("in a box too short" in line for line in found)
    assert any('"Settings" cut to 30px' in line for line in found)  # a label cut to a letter or two
    assert not any("preview of a long message" in line for line in found)  # on purpose
    assert not any("scrolls" in line for line in found)
    assert small_targets(page) == ['button "x" 20×20px']
    page.set_content(FIXED)
    assert problems(page) == []
    assert small_targets(page) == []
    page.close()


# Each check runs over the pages in two halves, one test each: the halves go to both test
# workers, and neither runs into the per-test time limit as pages are added.
HALVES = [0, 1]
T = TypeVar("T")


def half(items: list[T], part: int) -> list[T]:
    return items[part::2]


@pytest.mark.parametrize("part", HALVES)
@pytest.mark.parametrize(("size", "root_px"), [(125, "20px"), (150, "24px")])
def test_every_main_page_in_large_text_has_nothing_overflowing(
    transactional_db: None, server: Server, browser: Any, size: int, root_px: str, part: int
) -> None:
    demo = seed_demo()
    CalloutSeen.objects.bulk_create(
        CalloutSeen(user=person("li_wei"), callout=c) for c in Callout.objects.all()
    )
    from playwright.sync_api import expect

    page = open_page(browser, server, "li_wei", text_size=size)
    # The urgent notice first, in full and at this size, within the screen.
    settle(page, server, "/review")
    expect(page.get_by_test_id("urgent-title")).to_have_text("台风“海葵”防御紧急通知")
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == root_px
    assert problems(page) == []
    page.get_by_test_id("urgent-acknowledge").click()
    expect(page.get_by_test_id("urgent-dialog")).to_be_hidden()

    found: dict[str, list[str]] = {}
    for path in half(demo.pages(), part):
        settle(page, server, path)
        assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == root_px
        if lines := problems(page):
            found[path] = lines
    visitor = open_page(browser, server, None, text_size=size)
    for path in half(demo.visitor_pages(), part):
        settle(visitor, server, path)
        if lines := problems(visitor):
            found[path] = lines
    assert found == {}


@pytest.mark.parametrize("part", HALVES)
def test_axe_finds_nothing_serious_and_touch_targets_are_44_px(
    transactional_db: None, server: Server, browser: Any, part: int
) -> None:
    demo = seed_demo()
    quiet("li_wei")
    page = open_page(browser, server, "li_wei")
    violations: dict[str, list[str]] = {}
    small: dict[str, list[str]] = {}
    for path in half(demo.pages(), part):
        settle(page, server, path)
        if found := serious_violations(page):
            violations[path] = found
        if found := small_targets(page):
            small[path] = found
    visitor = open_page(browser, server, None)
    for path in half(demo.visitor_pages(), part):
        settle(visitor, server, path)
        if found := serious_violations(visitor):
            violations[path] = found
        if found := small_targets(visitor):
            small[path] = found
    assert violations == {}
    assert small == {}


@pytest.mark.parametrize("part", HALVES)
def test_axe_finds_nothing_serious_in_large_text_with_high_contrast(
    transactional_db: None, server: Server, browser: Any, part: int
) -> None:
    demo = seed_demo()
    quiet("li_wei")
    page = open_page(browser, server, "li_wei", text_size=150, high_contrast=True)
    visitor = open_page(browser, server, None, text_size=150, high_contrast=True)
    violations: dict[str, list[str]] = {}
    tabs = [*((page, p) for p in demo.pages()), (visitor, "/login")]
    for tab, path in half(tabs, part):
        settle(tab, server, path)
        assert tab.evaluate("document.documentElement.classList.contains('high-contrast')")
        if found := serious_violations(tab):
            violations[path] = found
    assert violations == {}


def test_chinese_renders_from_the_bundled_font(
    transactional_db: None, server: Server, browser: Any
) -> None:
    """This machine has no Chinese font of its own: the page must bring Noto Sans SC."""
    page = open_page(browser, server, None)
    settle(page, server, "/login")
    loaded = page.evaluate(
        """() => [...document.fonts]
            .filter((f) => f.family.includes('Noto Sans SC') && f.status === 'loaded').length"""
    )
    assert loaded > 0
    assert page.evaluate("document.fonts.check('16px \"Noto Sans SC Variable\"', '手机号或用户名')")
    # Every Chinese glyph on the page comes from it: none is drawn as an empty box.
    family = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Noto Sans SC Variable" in family
