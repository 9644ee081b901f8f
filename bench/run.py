"""Run the benchmarks: set up, serve each target, drive it with the load generator, report.

    python bench/run.py --short                  what `make bench` runs (< 5 minutes)
    python bench/run.py                          the full version (groups up to 5,000)
    python bench/run.py --only fanout            just the fan-out sweep (before/after a change)
    python bench/run.py --only fanout --targets daphne --sizes 1000 --profile
    python bench/run.py --only history --history-rows 10000000
    python bench/run.py --only cases             the case figures (seeds 40,000 cases once)

Targets: the real app on two daphne processes (``daphne``) and on two uvicorn processes
(``uvicorn``), and the two references in bench/refs/: a minimal Channels broadcast app on
daphne (``channels-ref``) and a plain asyncio ``websockets`` broadcast server
(``websockets-ref``), both on the same Redis pub/sub topology. Scenarios: idle, broadcast,
storm, fanout (per target, by bench/loadgen.py), sendpath, history and cases (in-process, by
bench/sendpath.py, bench/history.py and bench/cases.py). Writes
bench/results/run-<time>.{json,md} and bench/results/latest.{json,md}.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402
from bench.report import headline, render  # noqa: E402

TARGETS = ["daphne", "uvicorn", "channels-ref", "websockets-ref"]
SCENARIOS = [
    "idle", "broadcast", "storm", "fanout", "slowreader", "sendpath", "history", "cases"
]  # fmt: skip
DEFAULT_SHORT = ["idle", "broadcast", "storm", "fanout", "sendpath", "history", "cases"]
POOLED = ["idle", "broadcast", "storm"]


def log(text: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def settings_for(args: argparse.Namespace) -> dict[str, Any]:
    if args.short:
        base = {"n": 200, "app_sizes": [100, 1000], "ref_sizes": [1000], "duration": 2.0,
                "singles": 2, "sends": 20, "history_queries": 200, "case_requests": 50}  # fmt: skip
    else:
        base = {"n": 2000, "app_sizes": [100, 1000, 5000], "ref_sizes": [100, 1000, 5000],
                "duration": 4.0, "singles": 5, "sends": 100, "history_queries": 1000,
                "case_requests": 200}  # fmt: skip
    if args.n:
        base["n"] = args.n
    if args.sizes:
        base["app_sizes"] = base["ref_sizes"] = [int(s) for s in args.sizes.split(",")]
    if args.duration:
        base["duration"] = args.duration
    return base


def fingerprint() -> dict[str, Any]:
    """Which server code was measured (a digest of its sources; no VCS needed)."""
    digest = hashlib.sha256()
    files = sorted(
        p
        for d in ("realtime", "chat", "config", "presence", "communities")
        for p in (common.ROOT / d).rglob("*.py")
        if "migrations" not in p.parts
    )
    for path in files:
        digest.update(str(path.relative_to(common.ROOT)).encode() + path.read_bytes())
    return {
        "server_sources_sha256": digest.hexdigest()[:16],
        "per_process_hub": any((common.ROOT / d / "hub.py").exists() for d in ("realtime", "chat")),
    }


def run_json(
    command: list[str], out: Path, timeout: float, env: dict[str, str] | None = None
) -> Any:
    """Run a bench script that writes JSON to ``out``; its stderr goes to ours."""
    out.unlink(missing_ok=True)
    try:
        subprocess.run(
            [*command, "--out", str(out)], cwd=common.ROOT, env=env, timeout=timeout, check=True
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        log(f"failed: {' '.join(command[:3])}: {exc}")
        return {"failed": str(exc)}
    return json.loads(out.read_text())


def summarise_profile(raw: Path, top: int = 25) -> dict[str, Any]:
    """Self time per function and inclusive time per function, from collapsed stacks."""
    leaf: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        frames = [f.split(" (")[0] + " (" + f.split(" (")[-1].split(":")[0].split("/")[-1] + ")"
                  for f in stack.split(";") if f]  # fmt: skip
        if frames:
            leaf[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count
    share = lambda c: round(100 * c / total, 1) if total else 0.0  # noqa: E731
    return {
        "samples": total,
        "self": [[f, share(c)] for f, c in leaf.most_common(top)],
        "inclusive": [[f, share(c)] for f, c in inclusive.most_common(top * 2)],
    }


def run_target(name: str, cfg: dict[str, Any], args: argparse.Namespace, only: set[str]) -> Any:
    t = common.target(name)
    if args.persistent_db and t.mode == "app":
        t.env["DJANGO_SETTINGS_MODULE"] = "bench.settings_persistent_db"
    log(f"{name}: starting {len(t.ports)} servers")
    common.start(t)
    result: dict[str, Any] = {"mode": t.mode, "pids": t.pids}
    try:
        time.sleep(1.0)  # let the servers finish starting (watchdogs, imports)

        def servers(script: str) -> list[str]:
            command = [sys.executable, str(common.BENCH / script)]
            for url in t.urls:
                command += ["--url", url]
            for pid in t.pids:  # they change when the servers are restarted
                command += ["--pid", str(pid)]
            return command

        options = ["--mode", t.mode, "--duration", str(cfg["duration"]),
                   "--singles", str(cfg["singles"])]  # fmt: skip
        pooled = [s for s in POOLED if s in only and not (s == "storm" and t.mode == "ref")]
        if pooled:
            log(f"{name}: {','.join(pooled)} with {cfg['n']} sockets")
            out = common.RESULTS / f"lg-{name}-pool.json"
            command = [*servers("loadgen.py"), *options, ",".join(pooled), "--n", str(cfg["n"])]
            got = run_json(command, out, 600)
            result.update(got)
        if pooled and only & {"fanout", "slowreader"}:
            # A storm can leave a backlog of abandoned handshakes: measure on fresh servers.
            result["log_pool"] = log_summary(t)
            common.stop(t)
            common.start(t)
            time.sleep(1.0)
        if "fanout" in only:
            sizes = cfg["app_sizes"] if t.mode == "app" else cfg["ref_sizes"]
            log(f"{name}: fanout to groups of {sizes}")
            command = [
                *servers("loadgen.py"),
                *options,
                "fanout",
                "--sizes",
                ",".join(map(str, sizes)),
            ]
            if args.profile:
                command += ["--profile-pid", str(t.pids[0]), "--profile-label", name]
            out = common.RESULTS / f"lg-{name}-fanout.json"
            got = run_json(command, out, 900)
            result["fanout"] = got.get("fanout", got)
            for key in ("errors", "closes", "other_frames"):
                result[f"fanout_{key}"] = got.get(key)
            if args.profile:
                result["profile"] = {
                    size: summarise_profile(path)
                    for size in sizes
                    if (path := common.RESULTS / f"profile-{name}-{size}.txt").exists()
                }
        if "slowreader" in only and t.mode == "app":
            log(f"{name}: slow reader")
            result["slowreader"] = run_json(
                servers("slowreader.py"), common.RESULTS / f"sr-{name}.json", 180
            )
        result["server_rss_kib_end"] = common.rss_total(t.pids)
        result["log"] = log_summary(t)
    finally:
        common.stop(t)
    return result


def log_summary(t: common.Target, top: int = 6) -> dict[str, Any]:
    """What the servers complained about: tracebacks and the most frequent error lines."""
    tracebacks = 0
    lines: Counter[str] = Counter()
    for port in t.ports:
        path = common.LOGS / f"{t.name}-{port}.log"
        if not path.exists():
            continue
        with path.open(errors="replace") as log_file:
            for line in log_file:
                if line.startswith("Traceback"):
                    tracebacks += 1
                elif "Error" in line or "WARNING" in line or "ERROR" in line:
                    text = line.strip()
                    if " WARNING " in text or " ERROR " in text:
                        text = text.split(" ", 2)[-1]  # drop the time stamp
                    lines[text[:160]] += 1
    return {"tracebacks": tracebacks, "top": lines.most_common(top)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--short", action="store_true", help="the < 5 minute version")
    parser.add_argument(
        "--only",
        help=f"scenarios, comma separated (default: all but slowreader with --short; {SCENARIOS})",
    )
    parser.add_argument("--targets", default=",".join(TARGETS))
    parser.add_argument("--n", type=int, help="sockets for idle/broadcast/storm")
    parser.add_argument("--sizes", help="fan-out group sizes (seeded: 10,100,1000,5000)")
    parser.add_argument("--duration", type=float, help="seconds per sweep step")
    parser.add_argument("--history-rows", type=int, default=1_000_000)
    parser.add_argument("--profile", action="store_true", help="py-spy on a server in fan-out")
    parser.add_argument(
        "--persistent-db", action="store_true",
        help="diagnosis: serve the app with CONN_MAX_AGE=600 (bench/settings_persistent_db.py)",
    )  # fmt: skip
    parser.add_argument("--label", default="", help="a word for the result file names")
    parser.add_argument("--render", metavar="JSON", help="only print the report of a result file")
    args = parser.parse_args()
    if args.render:
        print(render(json.loads(Path(args.render).read_text())))
        return
    only = set((args.only or ",".join(DEFAULT_SHORT if args.short else SCENARIOS)).split(","))
    unknown = only - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios {unknown}; choose from {SCENARIOS}")
    cfg = settings_for(args)
    started = time.monotonic()
    common.RESULTS.mkdir(parents=True, exist_ok=True)
    nofile = common.raise_nofile()
    date = subprocess.run(["date"], capture_output=True, text=True).stdout.strip()
    results: dict[str, Any] = {
        "meta": {
            "date": date,
            "command": "python bench/run.py " + " ".join(sys.argv[1:]),
            "machine": common.machine(),
            "loadavg_start": Path("/proc/loadavg").read_text().split()[:3],
            "nofile": nofile,
            "config": cfg,
            "code": fingerprint(),
            "persistent_db": args.persistent_db,
        },
        "targets": {},
    }
    for old in common.LOGS.glob("*.log"):  # server logs of earlier runs
        old.unlink()
    log(f"seeding {common.BENCH_DB}")
    subprocess.run([sys.executable, str(common.BENCH / "seed.py")], cwd=common.ROOT, check=True,
                   env=common.django_env())  # fmt: skip
    if only & {"idle", "broadcast", "storm", "fanout", "slowreader"}:
        for name in args.targets.split(","):
            results["targets"][name] = run_target(name, cfg, args, only)
            log(f"{name}: {json.dumps(headline(results['targets'][name]), ensure_ascii=False)}")
    if "sendpath" in only:
        log("send path")
        results["sendpath"] = run_json(
            [sys.executable, str(common.BENCH / "sendpath.py"), "--sends", str(cfg["sends"])],
            common.RESULTS / "sendpath.json", 300, common.django_env(),
        )  # fmt: skip
    if "history" in only:
        log(f"history ({args.history_rows:,} messages)")
        results["history"] = run_json(
            [sys.executable, str(common.BENCH / "history.py"), "--rows", str(args.history_rows),
             "--queries", str(cfg["history_queries"])],
            common.RESULTS / "history.json", 3600, common.django_env(),
        )  # fmt: skip
    if "cases" in only:
        log("case figures (40,000 cases, 550 communities)")
        results["cases"] = run_json(
            [sys.executable, str(common.BENCH / "cases.py"), "--requests",
             str(cfg["case_requests"])],
            common.RESULTS / "cases.json", 1800, common.django_env(),
        )  # fmt: skip
    results["meta"]["elapsed_s"] = round(time.monotonic() - started)
    results["meta"]["loadavg_end"] = Path("/proc/loadavg").read_text().split()[:3]
    stamp = time.strftime("%Y%m%d-%H%M%S") + (f"-{args.label}" if args.label else "")
    text = render(results)
    for stem in (f"run-{stamp}", "latest"):
        (common.RESULTS / f"{stem}.json").write_text(
            json.dumps(results, indent=1, ensure_ascii=False)
        )
        (common.RESULTS / f"{stem}.md").write_text(text)
    print(text)
    log(f"done in {results['meta']['elapsed_s']} s: {common.RESULTS / f'run-{stamp}.md'}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
