"""Churn under faults, the long form: 200 clients reconnect in a loop while 20 senders
post across eight groups on two daphne processes; meanwhile Redis is restarted, one server
process is SIGKILLed and started again, and PostgreSQL is restarted.

    python bench/churn.py [--receivers 200 --senders 20 --groups 8 --seconds 90]

It brings its own PostgreSQL cluster and Redis (on free ports, removed at the end), so it
disturbs nothing else on the machine; tests/faults/test_churn.py is the short form CI runs.
Prints the report (JSON, also in bench/results/churn.json) and exits 1 when anything was
lost, written twice, refused without a retryable error, or a server died unasked.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402
from tests.faults.churn import Plan, Report, run  # noqa: E402
from tests.faults.rig import rig  # noqa: E402


def problems(report: Report) -> list[str]:
    found = []
    checks = {
        "a fault was not applied": len(report.faults) != 3,
        "a sender did not get through after a fault": any(
            f.recovered is None for f in report.faults
        ),
        "receivers did not all catch up": report.catch_up is None,
        "gaps": report.gaps > 0,
        "duplicates": report.duplicates > 0,
        "messages nobody acknowledged": report.extra > 0,
        "refused sends": bool(report.refused),
        "rows written twice": report.db_double_writes > 0,
        "rows != acknowledged client ids": report.db_rows != report.sent,
        "a server died": bool(report.dead_servers),
    }
    for what, failed in checks.items():
        if failed:
            found.append(what)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--receivers", type=int, default=200)
    parser.add_argument("--senders", type=int, default=20)
    parser.add_argument("--groups", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=90)
    parser.add_argument("--outage", type=float, default=3.0, help="seconds each part stays down")
    parser.add_argument("--catch-up-within", type=float, default=60)
    parser.add_argument(
        "--lifetime", default="0.3,2.5", help="min,max seconds each receiver's connection lives"
    )
    args = parser.parse_args()
    common.raise_nofile()
    shortest, longest = args.lifetime.split(",")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    plan = Plan(
        receivers=args.receivers,
        senders=args.senders,
        groups=args.groups,
        seconds=args.seconds,
        outage=args.outage,
        catch_up_within=args.catch_up_within,
        lifetime=(float(shortest), float(longest)),
    )
    began = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load_before = os.getloadavg()
    # The servers' and Redis's logs stay, for what the report cannot say.
    directory = common.LOGS / time.strftime("churn-%Y%m%d-%H%M%S", time.gmtime())
    directory.mkdir(parents=True)
    with rig(
        directory, groups=plan.groups, members=plan.members_per_group(),
        LOG_LEVEL="WARNING",
    ) as setup:  # fmt: skip
        report = asyncio.run(run(setup, plan))
    out = {
        "started": began,
        "loadavg_before": load_before,
        "loadavg_after": os.getloadavg(),
        "cores": os.cpu_count(),
        "logs": str(directory),
        **report.as_dict(),
        "problems": problems(report),
    }
    common.RESULTS.mkdir(parents=True, exist_ok=True)
    (common.RESULTS / "churn.json").write_text(json.dumps(out, indent=1, ensure_ascii=False))
    print(json.dumps(out, indent=1, ensure_ascii=False))
    sys.exit(1 if out["problems"] else 0)


if __name__ == "__main__":
    main()
