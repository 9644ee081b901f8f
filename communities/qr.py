"""The join QR code of an estate: encodes its join link."""

from __future__ import annotations

import io

import segno
from django.conf import settings

from .models import Place


def join_url(estate: Place) -> str:
    return f"{settings.SITE_URL}/join/{estate.join_code}"


def join_qr(estate: Place, *, kind: str) -> bytes:
    """The QR code as PNG or SVG bytes (``kind`` is "png" or "svg")."""
    qr = segno.make(join_url(estate), error="m")
    out = io.BytesIO()
    if kind == "svg":
        qr.save(out, kind="svg", scale=8, border=2, xmldecl=False, title=estate.name)
    else:
        qr.save(out, kind="png", scale=10, border=2)
    return out.getvalue()
