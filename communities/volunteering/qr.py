"""The check-in QR code of a call-out: a signed link a volunteer's phone opens."""

from __future__ import annotations

import io

import segno
from django.conf import settings
from django.core import signing

from .models import Callout

SALT = "volunteering.checkin"


def checkin_code(callout: Callout) -> str:
    """A token naming the call-out, signed with the site's key: it cannot be made up, and
    the code of one call-out does not check anyone in to another."""
    return signing.dumps({"callout": callout.pk}, salt=SALT, compress=True)


def code_names(code: str, callout: Callout) -> bool:
    """Whether ``code`` is this call-out's check-in code."""
    try:
        payload = signing.loads(code, salt=SALT)
    except signing.BadSignature:
        return False
    return isinstance(payload, dict) and payload.get("callout") == callout.pk


def checkin_url(callout: Callout) -> str:
    code = checkin_code(callout)
    return f"{settings.SITE_URL}/volunteer/callouts/{callout.pk}/checkin?code={code}"


def checkin_qr(callout: Callout, *, kind: str) -> bytes:
    """The QR code as PNG or SVG bytes (``kind`` is "png" or "svg")."""
    qr = segno.make(checkin_url(callout), error="m")
    out = io.BytesIO()
    if kind == "svg":
        qr.save(out, kind="svg", scale=8, border=2, xmldecl=False, title=callout.title)
    else:
        qr.save(out, kind="png", scale=10, border=2)
    return out.getvalue()
