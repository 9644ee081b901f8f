from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests.servers import Server, daphne

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(autouse=True)
def _sync_orm_beside_playwright(monkeypatch: pytest.MonkeyPatch) -> None:
    """Playwright's sync API keeps an event loop in this thread; the ORM calls made
    by these tests (and the database teardown) are still plain synchronous calls."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def sms_file(tmp_path: Path) -> Path:
    return tmp_path / "sms.jsonl"


@pytest.fixture
def server(transactional_db: None, tmp_path: Path, sms_file: Path) -> Iterator[Server]:
    if not (Path(settings.FRONTEND_DIST) / "index.html").is_file():
        pytest.fail("the front end is not built: run `make frontend` (make test does)")
    with daphne(
        tmp_path, SMS_BACKEND="communities.sms.FileBackend", SMS_FILE_PATH=str(sms_file)
    ) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium per test module: Playwright's loop must not outlive the module, or
    every later test in this worker would appear to run inside an event loop."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make chromium` installs Debian's chromium")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def last_sms_code(sms_file: Path) -> str:
    line = sms_file.read_text(encoding="utf-8").strip().splitlines()[-1]
    text = json.loads(line)["text"]
    return "".join(ch for ch in text if ch.isdigit())[:6]
