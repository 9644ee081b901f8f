"""Daily work on the task worker: each daily task queued once however often the app starts,
at its hour in the place's time zone, and tomorrow's run queued even after a failure."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from communities import daily

pytestmark = pytest.mark.django_db

DAILY_TASKS = {
    "chat.tasks.prune_uploads": daily.NIGHT,
    "communities.cases.tasks.close_unanswered": daily.NIGHT,
    "communities.boards.tasks.prune_uploads": daily.NIGHT,
    "notifications.tasks.digest_send": settings.DIGEST_HOUR,
}


def waiting() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path, run_after in DBTaskResult.objects.filter(status="READY").values_list(
        "task_path", "run_after"
    ):
        found.setdefault(path, []).append(timezone.localtime(run_after).strftime("%H:%M"))
    return found


def test_schedule_daily_queues_each_daily_task_once() -> None:
    out = io.StringIO()
    call_command("schedule_daily", stdout=out)
    call_command("schedule_daily", stdout=out)  # the next start: nothing doubles
    assert waiting() == {path: [f"{hour:02d}:00"] for path, hour in DAILY_TASKS.items()}
    lines = out.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines] == sorted(DAILY_TASKS) * 2
    assert all(": queued," in line for line in lines[: len(DAILY_TASKS)])
    assert all(": already queued," in line for line in lines[len(DAILY_TASKS) :])


@daily.daily(at=5)
def failing() -> None:
    raise RuntimeError("the SMS gateway is down")


# A daily task of this module's own, registered only while its test runs.
FAILING = daily.DAILY.pop(failing.module_path)


def test_a_daily_task_that_fails_still_queues_tomorrows(
    monkeypatch: pytest.MonkeyPatch, worker: Callable[[], None]
) -> None:
    monkeypatch.setitem(daily.DAILY, failing.module_path, FAILING)
    result = failing.enqueue()
    worker()
    assert DBTaskResult.objects.get(pk=result.id).status == "FAILED"
    assert waiting() == {failing.module_path: ["05:00"]}
    assert daily.schedule(failing) is False


def test_a_setting_names_the_digest_s_hour(settings: object) -> None:
    from notifications import tasks

    settings.DIGEST_HOUR = 21  # type: ignore[attr-defined]
    assert daily.hour_of(tasks.digest_send) == 21
    assert daily.schedule(tasks.digest_send) is True
    assert waiting() == {"notifications.tasks.digest_send": ["21:00"]}
