"""PDF attachments: recognised by content, size-limited, safely named."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from communities.boards.attachments import check_pdf, safe_name
from communities.errors import Invalid

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are checked in English (the services speak the active language)."""
    with translation.override("en"):
        yield


def upload(data: bytes, name: str = "指南.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def refused(data: bytes, name: str = "指南.pdf") -> str:
    with pytest.raises(Invalid) as caught:
        check_pdf(upload(data, name))
    assert caught.value.code == "invalid"
    assert caught.value.errors == {"file": caught.value.message}
    return caught.value.message


def test_a_pdf_passes_and_keeps_its_name_and_position() -> None:
    file = upload(PDF, "社区办事指南（2026版）.pdf")
    check_pdf(file)
    assert file.name == "社区办事指南（2026版）.pdf"
    assert file.read() == PDF  # left at the start for storing


def test_anything_else_is_refused_whatever_its_name() -> None:
    assert "Only PDF" in refused(b"<html><script>alert(1)</script></html>", "guide.pdf")
    assert "Only PDF" in refused(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)
    assert "Only PDF" in refused(b" %PDF-1.7 with something before it")
    assert "empty" in refused(b"")


def test_files_over_the_limit_are_refused(settings: Any) -> None:
    assert "10.0\xa0MB" in refused(PDF + b"\x00" * (10 * 1024 * 1024))
    settings.BOARD_ATTACHMENT_MAX_BYTES = len(PDF)
    check_pdf(upload(PDF))
    assert "too large" in refused(PDF + b" ")


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd", "passwd.pdf"),
        ("C:\\Users\\wang\\报告 2026.PDF", "报告 2026.pdf"),
        ("a\x00b\r\n\u202egpj.pdf", "a b gpj.pdf"),
        ('"; filename=evil.html', "filename=evil.html.pdf"),
        ("<script>.pdf", "script.pdf"),
        ("", "document.pdf"),
        ("...", "document.pdf"),
        ("名" * 300 + ".pdf", "名" * 96 + ".pdf"),
    ],
)
def test_names_are_made_safe(given: str, kept: str) -> None:
    assert safe_name(given) == kept
    file = upload(PDF, "x.pdf")
    file.name = given or "x"
    check_pdf(file)
    assert file.name == safe_name(file.name)
