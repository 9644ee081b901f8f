"""Delete chat uploads that were never sent (run daily, e.g. from cron)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from chat.services import attachments_prune


class Command(BaseCommand):
    help = "Delete photos and PDFs uploaded to chat but never sent with a message."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--hours", type=int, default=24, help="only uploads older than this (default 24)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        removed = attachments_prune(older_than=timedelta(hours=options["hours"]))
        self.stdout.write(f"{removed} unsent uploads deleted.")
