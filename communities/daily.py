"""Work done once a day on the task worker (``manage.py db_worker``): the digest, pruning
uploads never sent.

An app declares a task with ``@daily(at=hour)``; each run queues the next one (whether it
succeeded or failed), and ``manage.py schedule_daily`` — run by ``make run`` and by the
compose file's migrate step — queues the first of each that is not queued yet, so starting
again never doubles a job. Hours are in the place's time zone (``TIME_ZONE``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone
from django_tasks import task
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

Hour = int | Callable[[], int]  # a callable reads a setting when the run is queued
NIGHT = 3  # housekeeping o'clock: when the fewest people are about

# Each daily task and its hour, by the task's path (filled as the apps' tasks modules load).
DAILY: dict[str, tuple[Task[[], Any], Hour]] = {}


def next_run(hour: int, now: datetime | None = None) -> datetime:
    """The next ``hour`` o'clock in the place's time zone."""
    local = timezone.localtime(now or timezone.now())
    run = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    return run if run > local else run + timedelta(days=1)


def hour_of(job: Task[[], Any]) -> int:
    hour = DAILY[job.module_path][1]
    return hour() if callable(hour) else hour


def schedule(job: Task[[], Any]) -> bool:
    """Queue the next run of ``job`` unless one is waiting already; whether it queued."""
    waiting = DBTaskResult.objects.filter(task_path=job.module_path, status="READY").exists()
    if waiting:
        return False
    job.using(run_after=next_run(hour_of(job))).enqueue()
    return True


def schedule_all() -> dict[str, bool]:
    """``schedule`` every daily task: by path, whether it was queued now."""
    return {path: schedule(job) for path, (job, _hour) in sorted(DAILY.items())}


def daily(*, at: Hour) -> Callable[[Callable[[], Any]], Task[[], Any]]:
    """Make ``func`` a task run every day at ``at`` o'clock."""

    def wrap(func: Callable[[], Any]) -> Task[[], Any]:
        @functools.wraps(func)
        def run() -> Any:
            try:
                return func()
            finally:
                schedule(job)  # tomorrow's, even after a failure

        job: Task[[], Any] = task()(run)
        DAILY[job.module_path] = (job, at)
        return job

    return wrap
