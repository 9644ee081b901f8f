"""Write this server's VAPID key pair (Web Push) to VAPID_KEY_FILE unless it is there, and
print the public key. ``make run`` calls it; production sets VAPID_PRIVATE_KEY instead."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from notifications import vapid


class Command(BaseCommand):
    help = "Create the VAPID keys for Web Push (once) and print the public key."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.VAPID_PRIVATE_KEY:
            self.stdout.write("VAPID_PRIVATE_KEY is set; no key file needed.")
        elif vapid.generate(vapid.key_file()):
            self.stdout.write(f"wrote {vapid.key_file()}")
        self.stdout.write(f"VAPID public key: {vapid.public_key()}")
