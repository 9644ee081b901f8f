"""A logging filter that masks phone numbers in every record, whoever logs them."""

from __future__ import annotations

import logging
import re

# A mainland mobile number, with or without +86 and the spaces or dashes people write, and
# any other number in E.164 form: the middle digits go, the first three and last four stay
# (as communities.phone.mask_phone shows them).
_PHONE = re.compile(
    r"(?<![\d+])(?:(?:\+|00)?86[ -]?)?(1[3-9]\d)[ -]?\d{4}[ -]?(\d{4})(?!\d)"
    r"|(?<![\d+])\+(?!86)\d{1,3}(\d{3})\d{2,7}(\d{4})(?!\d)"
)


def mask_phones(text: str) -> str:
    return _PHONE.sub(lambda m: f"{m[1] or m[3]}****{m[2] or m[4]}", text)


class MaskPhones(logging.Filter):
    """Rewrites a record's message with every phone number masked (the SMS console
    backend, django-axes' lock-out warnings and any error message that quotes one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_phones(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
