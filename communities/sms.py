"""Pluggable SMS sending, in the manner of Django's e-mail backends.

``SMS_BACKEND`` names a class with ``send(phone, text)``. The default writes the
message to the log (the console in development); a gateway is a setting away.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("shequtong.sms")


@dataclass(frozen=True)
class Sms:
    phone: str
    text: str


class ConsoleBackend:
    """Writes each message to the log instead of sending it."""

    def send(self, phone: str, text: str) -> None:
        logger.warning("SMS to %s: %s", phone, text)


# Messages sent through LocmemBackend, for tests (like django.core.mail.outbox).
outbox: list[Sms] = []


class LocmemBackend:
    """Keeps messages in ``communities.sms.outbox``."""

    def send(self, phone: str, text: str) -> None:
        outbox.append(Sms(phone=phone, text=text))


class FileBackend:
    """Appends each message as a JSON line to ``SMS_FILE_PATH`` (for a second process to read)."""

    def send(self, phone: str, text: str) -> None:
        path = Path(settings.SMS_FILE_PATH)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({"phone": phone, "text": text}, ensure_ascii=False) + "\n")


def send_sms(phone: str, text: str) -> None:
    backend = import_string(settings.SMS_BACKEND)()
    backend.send(phone, text)
