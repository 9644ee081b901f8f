"""The check-in QR code of a call-out: a signed link a volunteer's phone opens."""

from __future__ import annotations

from django.conf import settings
from django.core import signing

from communities.qr import qr_image

from .models import Callout

SALT = "volunteering.checkin"


def checkin_code(callout: Callout) -> str:
    """The call-out's id signed with the site's key: it cannot be made up, the code of one
    call-out does not check anyone in to another, and it stays the same, so a printed QR
    code keeps working (when it works is decided by the check-in window)."""
    return signing.Signer(salt=SALT).sign(str(callout.pk))


def code_names(code: str, callout: Callout) -> bool:
    """Whether ``code`` is this call-out's check-in code."""
    try:
        return signing.Signer(salt=SALT).unsign(code) == str(callout.pk)
    except signing.BadSignature:
        return False


def checkin_url(callout: Callout) -> str:
    code = checkin_code(callout)
    return f"{settings.SITE_URL}/volunteer/callouts/{callout.pk}/checkin?code={code}"


def checkin_qr(callout: Callout, *, kind: str) -> bytes:
    """The QR code as PNG or SVG bytes (``kind`` is "png" or "svg")."""
    return qr_image(checkin_url(callout), kind=kind, title=callout.title)
