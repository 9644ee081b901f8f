"""Queue the next daily digest for the task worker unless one is queued (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from notifications import digest, tasks


class Command(BaseCommand):
    help = "Queue the next daily digest (once)."

    def handle(self, *args: Any, **options: Any) -> None:
        queued = tasks.digest_schedule()
        when = digest.next_run().isoformat(timespec="minutes")
        self.stdout.write(f"daily digest {'queued for' if queued else 'already queued for'} {when}")
