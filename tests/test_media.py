"""Uploaded files at /media/: only stored kinds, never outside MEDIA_ROOT, never sniffed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from communities.boards.images import process
from tests.boards.test_images import picture, upload


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    (root / "boards").mkdir(parents=True)
    settings.MEDIA_ROOT = root
    return root


def test_pictures_are_served_with_their_type_and_no_sniffing(media: Path) -> None:
    stored = process(upload(picture((20, 10))))
    (media / "boards" / "a1.webp").write_bytes(stored.full.read())
    response = Client().get("/media/boards/a1.webp")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert not response.get("Content-Disposition", "").startswith("attachment")
    assert b"".join(response.streaming_content)[:4] == b"RIFF"  # type: ignore[attr-defined]
    assert Client().head("/media/boards/a1.webp").status_code == 200
    assert Client().post("/media/boards/a1.webp").status_code == 405


def test_pdfs_are_downloads(media: Path) -> None:
    (media / "boards" / "guide.pdf").write_bytes(b"%PDF-1.7\n%%EOF\n")
    response = Client().get("/media/boards/guide.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == "attachment"  # as nginx sends it
    assert response["X-Content-Type-Options"] == "nosniff"


def test_nothing_else_is_served(media: Path, tmp_path: Path) -> None:
    (media / "boards" / "page.html").write_text("<script>alert(1)</script>")
    (media / "boards" / "page.svg").write_text("<svg onload=alert(1)/>")
    (media / ".secret.png").write_bytes(b"x")
    (tmp_path / "outside.png").write_bytes(b"x")
    for path in (
        "/media/boards/page.html",
        "/media/boards/page.svg",
        "/media/.secret.png",
        "/media/../outside.png",
        "/media/boards/../../outside.png",
        "/media/boards/%2e%2e/%2e%2e/outside.png",
        "/media/boards/..%5c..%5coutside.png",
        "/media/boards/",
        "/media/boards/missing.webp",
    ):
        assert Client().get(path).status_code == 404, path
