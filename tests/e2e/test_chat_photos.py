"""In Chromium: a resident sends a photo in the estate group — picked in the composer,
uploaded with a progress bar — and the other member's open page shows it; a tap opens it
full size. Someone from another community cannot fetch it."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from PIL import Image

from chat.models import Attachment, Message
from chat.services import estate_conversations_ensure
from tests.conftest import World, make_member
from tests.e2e.test_chat import log_in
from tests.servers import Server, daphne

pytestmark = pytest.mark.browser


@pytest.fixture
def photo_server(transactional_db: None, tmp_path: Path) -> Iterator[Server]:
    """A real daphne keeping chat's files in this test's own private root."""
    if not (Path(settings.FRONTEND_DIST) / "index.html").is_file():
        pytest.fail("the front end is not built: run `make frontend` (make test does)")
    with daphne(tmp_path, PRIVATE_MEDIA_ROOT=str(tmp_path / "private")) as running:
        yield running


def test_a_photo_sent_in_the_estate_group_appears_on_the_other_members_page(
    world: World, photo_server: Server, browser: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    make_member(world.zhao_lei, world.meiluo_1)
    estate = estate_conversations_ensure(estate_ids=[world.meiluo_1.pk])[world.meiluo_1.pk]
    picture = tmp_path / "楼道堆物.jpg"
    out = io.BytesIO()
    Image.new("RGB", (1200, 900), (200, 60, 40)).save(out, "JPEG", quality=95)
    picture.write_bytes(out.getvalue())

    wang = log_in(browser, photo_server, "wang_fang", f"/chat/{estate}")
    zhao = log_in(browser, photo_server, "zhao_lei", f"/chat/{estate}")
    for page in (wang, zhao):
        expect(page.get_by_test_id("composer-input")).to_be_visible()
    expect(wang.get_by_test_id("connection-state")).to_be_hidden()

    wang.get_by_test_id("composer-file-input").set_input_files(str(picture))
    expect(wang.get_by_test_id("composer-file-done")).to_be_visible()
    expect(wang.get_by_test_id("upload-progress")).to_have_count(0)
    wang.screenshot(path=str(tmp_path / "composer.png"))
    wang.get_by_test_id("composer-input").fill("3号楼楼道里堆的旧家具，谁家的？")
    wang.get_by_test_id("composer-send").click()

    expect(zhao.get_by_text("3号楼楼道里堆的旧家具，谁家的？")).to_be_visible()
    attachment = Attachment.objects.get()
    message = Message.objects.get()
    assert attachment.message_id == message.pk
    thumb = zhao.get_by_test_id(f"attachment-photo-{attachment.pk}").locator("img")
    expect(thumb).to_be_visible()
    # The thumbnail really came through the checking view (a broken image has no width).
    zhao.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle()
    )
    assert thumb.evaluate("img => img.naturalWidth") == 400
    zhao.screenshot(path=str(tmp_path / "received.png"))

    zhao.get_by_test_id(f"attachment-photo-{attachment.pk}").click()
    full = zhao.locator(".van-image-preview img").first
    expect(full).to_be_visible()
    zhao.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=full.element_handle())
    assert full.evaluate("img => img.naturalWidth") == 1200
    zhao.screenshot(path=str(tmp_path / "preview.png"))

    chen = log_in(browser, photo_server, "chen_jie", "/chat")
    expect(chen.get_by_test_id("chat-list")).to_be_visible()
    refused = chen.request.get(f"{photo_server.url}/api/chat/attachments/{attachment.pk}")
    assert refused.status == 404
