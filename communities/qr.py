"""QR codes: the join QR code of an estate (its join link), and ``qr_image`` for any link
(volunteering's check-in code uses it too)."""

from __future__ import annotations

import io

import segno
from django.conf import settings

from .models import Place


def join_url(estate: Place) -> str:
    return f"{settings.SITE_URL}/join/{estate.join_code}"


def qr_image(url: str, *, kind: str, title: str) -> bytes:
    """A QR code of ``url`` as PNG or SVG bytes (``kind`` is "png" or "svg"; ``title``
    names the SVG)."""
    qr = segno.make(url, error="m")
    out = io.BytesIO()
    if kind == "svg":
        qr.save(out, kind="svg", scale=8, border=2, xmldecl=False, title=title)
    else:
        qr.save(out, kind="png", scale=10, border=2)
    return out.getvalue()


def join_qr(estate: Place, *, kind: str) -> bytes:
    """The QR code as PNG or SVG bytes (``kind`` is "png" or "svg")."""
    return qr_image(join_url(estate), kind=kind, title=estate.name)
