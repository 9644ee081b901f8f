"""In Chromium: a problem nearby travels the tiers with each party's page open. A resident
reports it with a photo; the committee sees it arrive, accepts it and escalates it to the
street; the street desk sees it arrive and assigns it to an office; the office sees it arrive
and resolves it; the resident rates it. Each step appears on the other party's open page
without a reload, and the street supervisor's league table counts it."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from PIL import Image

from communities.cases.models import Case, Entry, Photo
from tests.cases.api_world import cases_world
from tests.conftest import World
from tests.e2e.test_chat import log_in
from tests.servers import Server, daphne

pytestmark = pytest.mark.browser


@pytest.fixture
def photo_server(transactional_db: None, tmp_path: Path) -> Iterator[Server]:
    """A real daphne keeping the cases' photos in this test's own private root."""
    if not (Path(settings.FRONTEND_DIST) / "index.html").is_file():
        pytest.fail("the front end is not built: run `make frontend` (make test does)")
    with daphne(tmp_path, PRIVATE_MEDIA_ROOT=str(tmp_path / "private")) as running:
        yield running


def picture(tmp_path: Path) -> Path:
    path = tmp_path / "绿地种菜.jpg"
    out = io.BytesIO()
    Image.new("RGB", (1200, 900), (60, 140, 40)).save(out, "JPEG", quality=90)
    path.write_bytes(out.getvalue())
    return path


def act(page: Any, action: str, text: str = "") -> None:
    """Opens the dialog of one step on the case page, fills its text, confirms it."""
    from playwright.sync_api import expect

    page.get_by_test_id(f"case-action-{action}").click()
    expect(page.get_by_test_id("case-dialog")).to_be_visible()
    if text:
        page.get_by_test_id("case-dialog-text").fill(text)


def confirm(page: Any) -> None:
    from playwright.sync_api import expect

    page.get_by_test_id("case-dialog-confirm").click()
    expect(page.get_by_test_id("case-dialog")).to_be_hidden()


def test_a_problem_goes_up_the_tiers_live_and_the_league_table_counts_it(
    world: World, photo_server: Server, browser: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    cw = cases_world(world)
    server = photo_server
    office = cw.units["office"]

    # Everyone's page is open before the resident reports anything.
    wang = log_in(browser, server, "wang_fang", "/cases/new")
    li = log_in(browser, server, "li_wei", f"/cases/queue?unit=community:{world.meiluo.pk}")
    desk_queue = f"/cases/queue?unit=street:{cw.units['desk'].pk}"
    desk = log_in(browser, server, "desk_officer", desk_queue)
    officer = log_in(browser, server, "office_officer", f"/cases/queue?unit=office:{office.pk}")
    expect(li.get_by_test_id("case-queue-empty")).to_be_visible()
    expect(desk.get_by_test_id("case-queue-empty")).to_be_visible()
    expect(officer.get_by_test_id("case-queue-empty")).to_be_visible()

    # 王芳 reports a problem with a photo (uploaded with its progress bar as she picks it).
    expect(wang.get_by_test_id("raise-category")).to_contain_text("环境绿化")
    wang.get_by_test_id("raise-category").select_option(label="环境绿化")
    wang.get_by_test_id("raise-description").fill("3号楼东侧的绿地被人种了菜")
    wang.get_by_test_id("photo-input").set_input_files(str(picture(tmp_path)))
    expect(wang.get_by_test_id("photo-picked-done")).to_be_visible()
    expect(wang.get_by_test_id("photo-progress")).to_have_count(0)
    wang.get_by_test_id("raise-location").fill("3号楼东侧")
    wang.locator("label", has_text="邻居可以看到").click()
    wang.get_by_test_id("raise-submit").click()
    wang.wait_for_url(re.compile(r"/cases/\d+$"))
    case = Case.objects.get()
    assert (case.reporter, case.public, case.location) == (world.wang_fang, True, "3号楼东侧")
    photo = Photo.objects.get(case=case)
    expect(wang.get_by_test_id(f"case-photo-{photo.pk}")).to_be_visible()
    expect(wang.get_by_test_id("case-status")).to_have_text("待受理")

    # The committee's open queue shows it at once; 李伟 accepts it.
    expect(li.get_by_test_id(f"case-{case.pk}")).to_contain_text("3号楼东侧的绿地被人种了菜")
    li.get_by_test_id(f"case-link-{case.pk}").click()
    act(li, "accept", "收到，马上去看")
    confirm(li)
    expect(li.get_by_test_id("case-status")).to_have_text("已受理")
    expect(wang.get_by_test_id("case-status")).to_have_text("已受理")  # her page, live
    expect(wang.get_by_test_id("case-timeline")).to_contain_text("收到，马上去看")

    # An internal note stays with the units; the escalation goes to the street's desk.
    act(li, "note", "种菜的是5号楼的老张")
    confirm(li)
    expect(li.get_by_test_id("case-entry-internal")).to_be_visible()
    act(li, "escalate", "需要城管执法")
    confirm(li)
    expect(li.get_by_test_id("case-tier")).to_have_text("街镇")
    expect(desk.get_by_test_id(f"case-{case.pk}")).to_contain_text("3号楼东侧的绿地被人种了菜")
    expect(wang.get_by_test_id("case-tier")).to_have_text("街镇")
    expect(wang.get_by_test_id("case-timeline")).not_to_contain_text("老张")

    # The desk assigns it to its 城管科, whose open queue shows it at once.
    desk.get_by_test_id(f"case-link-{case.pk}").click()
    act(desk, "assign", "请城管科处理")
    desk.get_by_test_id("case-dialog-unit").select_option(str(office.pk))
    confirm(desk)
    expect(desk.get_by_test_id("case-tier")).to_have_text("街镇科室")
    expect(officer.get_by_test_id(f"case-{case.pk}")).to_contain_text("3号楼东侧的绿地被人种了菜")
    expect(wang.get_by_test_id("case-tier")).to_have_text("街镇科室")

    # The office resolves it; 王芳 sees it resolved, and the way to rate it, without reloading.
    officer.get_by_test_id(f"case-link-{case.pk}").click()
    act(officer, "resolve", "已铲除菜地，恢复绿化")
    confirm(officer)
    expect(officer.get_by_test_id("case-status")).to_have_text("已解决")
    expect(wang.get_by_test_id("case-status")).to_have_text("已解决")
    expect(wang.get_by_test_id("case-timeline")).to_contain_text("已铲除菜地，恢复绿化")

    # She rates it five stars: closed, on the office's open page too.
    act(wang, "rate", "处理得很快，谢谢")
    wang.get_by_test_id("star-5").click()
    confirm(wang)
    expect(wang.get_by_test_id("case-status")).to_have_text("已办结")
    expect(wang.get_by_test_id("case-rating")).to_be_visible()
    expect(officer.get_by_test_id("case-status")).to_have_text("已办结")

    case.refresh_from_db()
    assert (case.status, case.tier, case.unit, case.rating) == ("closed", "office", office, 5)
    kinds = list(Entry.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds[:1] == ["submitted"]
    for kind in ("accepted", "note", "escalated", "assigned", "resolved", "closed"):
        assert kind in kinds

    # The street supervisor's league table counts it for 美罗家园's committee.
    liu = log_in(browser, server, "liu_yang", "/cases/supervise")
    liu.get_by_role("tab", name="考核排名").click()
    row = liu.get_by_test_id(f"figures-row-{world.meiluo.pk}")
    expect(row).to_be_visible()
    expect(liu.get_by_test_id(f"figure-{world.meiluo.pk}-raised")).to_have_text("1")
    expect(liu.get_by_test_id(f"figure-{world.meiluo.pk}-resolved")).to_have_text("1")
    liu.get_by_test_id(f"figure-{world.meiluo.pk}-resolved").click()
    expect(liu.get_by_test_id(f"drill-case-{case.pk}")).to_be_visible()
