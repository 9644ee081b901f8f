"""Mainland resident ID numbers (GB 11643-1999): checked, never stored whole."""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import date

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import Invalid

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")


def check_id_card(raw: str, *, field: str = "id_card") -> str:
    """Return the 18-character number upper-cased, or raise Invalid."""
    number = raw.strip().upper()
    message = _("Enter a valid 18-digit resident ID number.")
    if not _SHAPE.match(number):
        raise Invalid(message, errors={field: message})
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise Invalid(message, errors={field: message}) from None
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], _WEIGHTS, strict=True))
    if _CHECK[total % 11] != number[17]:
        raise Invalid(message, errors={field: message})
    return number


def id_card_digest(number: str) -> str:
    """A keyed digest: spots one card used twice without keeping the number."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"id-card:{number}".encode(), hashlib.sha256).hexdigest()
