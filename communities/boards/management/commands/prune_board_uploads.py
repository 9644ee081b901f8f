"""Delete board uploads that were never put on a post (run daily, e.g. from cron)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from communities.boards.services import uploads_prune


class Command(BaseCommand):
    help = "Delete pictures and PDFs uploaded to the boards but never put on a post."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--hours", type=int, default=24, help="only uploads older than this (default 24)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        removed = uploads_prune(older_than=timedelta(hours=options["hours"]))
        self.stdout.write(f"{removed} unused uploads deleted.")
