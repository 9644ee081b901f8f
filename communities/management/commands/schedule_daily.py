"""Queue the next run of every daily task that is not queued yet (idempotent: ``make run``
and the compose file's migrate step run it at every start)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from communities import daily


class Command(BaseCommand):
    help = "Queue the next run of each daily task (the digest, the upload prunes), once."

    def handle(self, *args: Any, **options: Any) -> None:
        for path, queued in daily.schedule_all().items():
            waiting = DBTaskResult.objects.filter(task_path=path, status="READY")
            when = waiting.values_list("run_after", flat=True).first()
            at = timezone.localtime(when).isoformat(timespec="minutes") if when else "?"
            self.stdout.write(f"{path}: {'queued' if queued else 'already queued'}, runs {at}")
