"""The benchmark report: the headline figures of each target and the Markdown that
bench/run.py writes to bench/results/ (and prints again with ``--render``)."""

from __future__ import annotations

import json
import statistics
from typing import Any

P99_TARGET_MS = 300.0


def group(result: dict[str, Any], size: int) -> dict[str, Any] | None:
    fanout = result.get("fanout") or {}
    for g in fanout.get("groups", []):
        if g["group"] == size:
            return dict(g)
    return None


def headline(result: dict[str, Any]) -> dict[str, Any]:
    h: dict[str, Any] = {}
    g = group(result, 1000)
    if g:
        good = [
            s for s in g["sweep"] if not s["saturated"] and (s["p99_ms"] or 1e9) <= P99_TARGET_MS
        ]
        steps = [s for s in g["sweep"] if s["server_us_per_delivery"]]
        costs = [s["server_us_per_delivery"] for s in steps if not s["saturated"]] or [
            s["server_us_per_delivery"] for s in steps
        ]
        h["us_per_delivery_1000"] = round(statistics.median(costs), 1) if costs else None
        best = max(good, key=lambda s: s["deliveries_per_s"] or 0) if good else None
        h["sustained_1000"] = best["deliveries_per_s"] if best else None
        h["sustained_1000_p99_ms"] = best["p99_ms"] if best else None
        h["peak_1000"] = max((s["deliveries_per_s"] or 0 for s in g["sweep"]), default=None)
        h["last_of_1000_ms"] = (
            statistics.median(g["last_member_ms"]) if g["last_member_ms"] else None
        )
    for size in (100, 5000):
        g = group(result, size)
        if g and g["last_member_ms"]:
            h[f"last_of_{size}_ms"] = statistics.median(g["last_member_ms"])
            good = [s for s in g["sweep"] if not s["saturated"]]
            h[f"sustained_{size}"] = max((s["deliveries_per_s"] or 0 for s in good), default=None)
    idle = result.get("idle") or {}
    if idle.get("connect"):
        h["kib_per_socket"] = idle["server_kib_per_socket"]
        h["redis_bytes_per_socket"] = idle["redis_bytes_per_socket"]
        h["connects_per_s"] = idle["connect"]["connects_per_s"]
        h["server_ms_per_connect"] = idle["server_cpu_ms_per_connect"]
        h["idle_sockets"] = idle["connect"]["connected"]
    broadcast = result.get("broadcast") or {}
    if "last_delivery_ms" in broadcast:
        h["broadcast_sockets"] = broadcast["sockets"]
        h["broadcast_last_ms"] = broadcast["last_delivery_ms"]
        h["broadcast_lost"] = broadcast["lost"]
    storm = result.get("storm") or {}
    if "all_resumed_s" in storm:
        h["storm_sockets"] = storm["sockets"]
        h["storm_resumed"] = storm["resumed"]
        h["storm_caught_up_s"] = storm["all_caught_up_s"]
        h["storm_redis_clients"] = f"{storm['redis_clients_before']}→{storm['redis_clients_max']}"
    return h


def fmt(value: Any, digits: int = 0) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def ratio(a: Any, b: Any) -> str:
    if not a or not b:
        return "–"
    return f"{a / b:.2f}×"


def render(results: dict[str, Any]) -> str:
    meta = results["meta"]
    m = meta["machine"]
    lines = [
        f"# Shequtong benchmark — {meta['date']}",
        "",
        f"Machine: {m['nproc']} cores, {m['cpu']}, {m['memory_gib']} GiB; Linux {m['kernel']}; "
        f"Python {m['python']}. Load average at start: {meta['loadavg_start']}, at end: "
        f"{meta.get('loadavg_end', '–')}. Command: `{meta['command']}` ({meta['elapsed_s']} s). "
        f"Server sources sha256 {meta['code']['server_sources_sha256']}, per-process hub: "
        f"{'yes' if meta['code']['per_process_hub'] else 'no'}.",
        "",
        "Two server processes per target, Redis pub/sub between them, the load generator pinned "
        "to one core; 'server µs/delivery' is the CPU (user+system, both processes, from "
        "/proc) spent per delivered frame, which holds on a noisy machine; 'cores' columns say "
        "which side saturated ('other' is everything else on the machine: PostgreSQL, other "
        "work).",
        "",
        "## Headline",
        "",
        "| target | server µs/delivery, 1,000-group | deliveries/s sustained, 1,000-group "
        "(p99 ≤ 300 ms, no loss) | peak deliveries/s | 1 message → last of 100 / 1,000 / 5,000 "
        "(ms) | KiB per idle socket | Redis key B per socket | connects/s "
        "| broadcast → last socket | reconnect storm: resumed & caught up |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    heads = {name: headline(r) for name, r in results["targets"].items()}
    for name, h in heads.items():
        storm = (
            f"{fmt(h.get('storm_resumed'))}/{fmt(h.get('storm_sockets'))} in "
            f"{fmt(h.get('storm_caught_up_s'), 1)} s (Redis clients {h.get('storm_redis_clients')})"
            if "storm_sockets" in h
            else "–"
        )
        lasts = " / ".join(fmt(h.get(f"last_of_{s}_ms"), 0) for s in (100, 1000, 5000))
        broadcast = (
            f"{fmt(h.get('broadcast_last_ms'), 0)} ms ({fmt(h.get('broadcast_sockets'))} sockets)"
            if "broadcast_last_ms" in h
            else "–"
        )
        sustained = fmt(h.get("sustained_1000"))
        if h.get("sustained_1000_p99_ms") is not None:
            sustained += f" (p99 {fmt(h['sustained_1000_p99_ms'], 0)} ms)"
        lines.append(
            f"| {name} | {fmt(h.get('us_per_delivery_1000'), 1)} | {sustained} | "
            f"{fmt(h.get('peak_1000'))} | {lasts} | {fmt(h.get('kib_per_socket'), 1)} | "
            f"{fmt(h.get('redis_bytes_per_socket'))} | {fmt(h.get('connects_per_s'), 0)} | "
            f"{broadcast} | {storm} |"
        )
    refs = [n for n in heads if n.endswith("-ref")]
    apps = [n for n in heads if not n.endswith("-ref")]
    if refs and apps:
        lines += [
            "",
            "## Ratios to the references (app ÷ reference)",
            "",
            "| app | reference | CPU per delivery | sustained deliveries/s | 1 message → last of "
            "1,000 | KiB per idle socket | connects/s |",
            "|---|---|---|---|---|---|---|",
        ]
        for app in apps:
            for ref in refs:
                a, b = heads[app], heads[ref]
                lines.append(
                    f"| {app} | {ref} "
                    f"| {ratio(a.get('us_per_delivery_1000'), b.get('us_per_delivery_1000'))} "
                    f"| {ratio(a.get('sustained_1000'), b.get('sustained_1000'))} "
                    f"| {ratio(a.get('last_of_1000_ms'), b.get('last_of_1000_ms'))} "
                    f"| {ratio(a.get('kib_per_socket'), b.get('kib_per_socket'))} "
                    f"| {ratio(a.get('connects_per_s'), b.get('connects_per_s'))} |"
                )
    lines += [
        "",
        "## Fan-out sweep",
        "",
        "Each row: one member posts at a fixed rate for the step's duration (the app: the `send` "
        "op, so persistence and the ack are included), every member online; offered = "
        "messages/s × members. The sweep stops after the first saturated step (loss, p99 > 1 s "
        "or < 80 % of the offered rate delivered).",
        "",
        "| target | group | step | offered/s | delivered/s | p50 ms | p99 ms | max ms | lost "
        "| server µs/delivery | server cores | loadgen cores | Redis cores | other cores |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in results["targets"].items():
        for g in (r.get("fanout") or {}).get("groups", []):
            rows = [("single", {**s, "server_us_per_delivery": None}) for s in g["singles"]] + [
                (f"{s['offered_per_s']:,}/s{' (sat.)' if s['saturated'] else ''}", s)
                for s in g["sweep"]
            ]
            for label, s in rows:
                cpu = s["cpu"]
                lines.append(
                    f"| {name} | {g['group']:,} | {label} | {fmt(s.get('offered_per_s'))} | "
                    f"{fmt(s['deliveries_per_s'])} | {fmt(s['p50_ms'], 1)} | "
                    f"{fmt(s['p99_ms'], 1)} | "
                    f"{fmt(s['max_ms'], 1)} | {fmt(s['lost'])} | "
                    f"{fmt(s['server_us_per_delivery'], 1)} | {fmt(cpu['server_cores'], 2)} | "
                    f"{fmt(cpu['loadgen_cores'], 2)} | {fmt(cpu['redis_cores'], 2)} | "
                    f"{fmt(cpu.get('other_cores'), 2)} |"
                )
    lines += ["", "## Idle, broadcast and reconnect storm", ""]
    lines += [
        "| target | sockets | connects/s | connect p50 / p99 ms | server ms CPU per connect | "
        "server KiB per socket | Redis key B / pub-sub channels per socket | Redis clients "
        "| broadcast: groups, last ms, "
        "lost | storm: resumed, all caught up s, p50 / p99 s, Redis clients before→max |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in results["targets"].items():
        idle, b, s = r.get("idle") or {}, r.get("broadcast") or {}, r.get("storm") or {}
        c = idle.get("connect") or {}
        rb, ra = idle.get("redis_before") or {}, idle.get("redis_after") or {}
        lines.append(
            f"| {name} | {fmt(c.get('connected'))} | {fmt(c.get('connects_per_s'), 0)} | "
            f"{fmt(c.get('connect_ms_p50'), 0)} / {fmt(c.get('connect_ms_p99'), 0)} | "
            f"{fmt(idle.get('server_cpu_ms_per_connect'), 1)} | "
            f"{fmt(idle.get('server_kib_per_socket'), 1)} | "
            f"{fmt(idle.get('redis_bytes_per_socket'))} / "
            f"{fmt(idle.get('redis_pubsub_channels_per_socket'), 2)} | "
            f"{fmt(rb.get('connected_clients'))}→{fmt(ra.get('connected_clients'))} | "
            + (
                f"{b['groups']}, {fmt(b['last_delivery_ms'], 0)}, {b['lost']} | "
                if "last_delivery_ms" in b
                else "– | "
            )
            + (
                f"{s['resumed']}/{s['sockets']}, {fmt(s['all_caught_up_s'], 1)}, "
                f"{fmt(s['resumed_p50_s'], 1)} / {fmt(s['resumed_p99_s'], 1)}, "
                f"{s['redis_clients_before']}→{s['redis_clients_max']} |"
                if "sockets" in s
                else "– |"
            )
        )
    slow = {n: r["slowreader"] for n, r in results["targets"].items() if r.get("slowreader")}
    slow = {n: r for n, r in slow.items() if "others" in r}
    if slow:
        lines += [
            "",
            "## Slow reader",
            "",
            "One member of a group stops reading (4 KiB receive buffer) while bench/publish.py "
            "records a burst of events in one transaction (they leave on commit, one "
            "`feeds.publish` each); the others should not notice, and the slow one should be "
            "shed with 4408 once CHAT_OUTBOUND_LIMIT frames wait for it.",
            "",
            "| target | burst | publishing took s | others: last delivery after the last "
            "publish, ms | lost "
            "| server RSS growth peak / 2 s later (MiB) "
            "| slow reader: frames received, close code |",
            "|---|---|---|---|---|---|---|",
        ]
        for name, r in slow.items():
            o = r["others"]
            lines.append(
                f"| {name} | {r['frames']:,} × ~{r['frame_bytes_about']:,} B to {r['group']} "
                f"members | {r.get('publish_ms', 0) / 1000:.1f} | "
                f"{fmt(r.get('others_lag_after_last_publish_ms'), 0)} | {o['lost']} | "
                f"{r['server_rss_growth_kib_peak'] / 1024:.1f} / "
                f"{r['server_rss_growth_kib_2s_after'] / 1024:.1f} | "
                f"{r['slow_reader_received']:,}, {r['slow_reader_close_code'] or 'none'} |"
            )
    sp = results.get("sendpath")
    if sp and "groups" in sp:
        lines += [
            "",
            "## Send path (`chat.services.message_post`, in-process, incl. commit and publish)",
            "",
            "| group | queries | p50 ms | p95 ms | of which: queries p50 ms | COMMIT p50 ms "
            "| publish p50 ms | p50 / p95 ms with a new connection per call (as the server does) |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for g in sp["groups"]:
            lines.append(
                f"| {g['group']:,} | {', '.join(map(str, g['queries']))} | {g['p50_ms']} | "
                f"{g['p95_ms']} | {g['queries_ms_p50']} | {g.get('commit_ms_p50', '–')} | "
                f"{g['publish_ms_p50']} | "
                f"{g['p50_ms_new_conn']} / {g['p95_ms_new_conn']} |"
            )
    hi = results.get("history")
    if hi and "p50_ms" in hi:
        lines += [
            "",
            "## History page (`chat.selectors.history`, 50 messages, PostgreSQL)",
            "",
            f"{hi['rows_in_history_conversations']:,} messages in {hi['conversations']} "
            f"conversations ({hi['messages_per_conversation']:,} each; chat_message holds "
            f"{hi['table_rows_estimate']:,} rows), {hi['queries']} pages: p50 {hi['p50_ms']} ms, "
            f"p99 {hi['p99_ms']} ms, max {hi['max_ms']} ms (newest page p50/p99 "
            f"{hi['newest_page_p50_ms']}/{hi['newest_page_p99_ms']} ms; an older page "
            f"{hi['older_page_p50_ms']}/{hi['older_page_p99_ms']} ms); of which SQL (the "
            f"round trip of the one query: plan, execute, transfer) p50 {hi['sql_p50_ms']} ms, p99 "
            f"{hi['sql_p99_ms']} ms: the rest is building the model instances. Loaded this run: "
            f"{hi['loaded']:,} rows in {hi['load_s']} s.",
        ]
    ca = results.get("cases")
    if ca and "requests" in ca:
        lines += [
            "",
            "## Case figures (`/api/cases/figures…`, a district supervisor, PostgreSQL)",
            "",
            f"{ca['cases']:,} cases in {ca['communities']} communities under {ca['streets']} "
            f"streets ({ca['figure_rows']:,} days of figures); target p95 ≤ "
            f"{ca['target_p95_ms']} ms. Seeded this run: "
            f"{'no' if ca['seed_s'] is None else str(ca['seed_s']) + ' s'}.",
            "",
            "| request | requests | p50 ms | p95 ms | max ms | queries | bytes |",
            "|---|---|---|---|---|---|---|",
        ]
        for name, r in ca["requests"].items():
            lines.append(
                f"| {name} | {r['requests']} | {r['p50_ms']} | {r['p95_ms']} | {r['max_ms']} | "
                f"{r['queries']} | {r['bytes']:,} |"
            )
    for name, r in results["targets"].items():
        for size, prof in (r.get("profile") or {}).items():
            lines += ["", f"## Profile: {name}, the sender's server process, sweep of the "
                      f"{int(size):,}-group", "", f"{prof['samples']:,} samples (py-spy, 250 Hz). "
                      "Self time, then inclusive time of the busiest frames:", ""]  # fmt: skip
            lines += [f"- {share} % {frame}" for frame, share in prof["self"][:15]]
            lines += [""] + [f"- {share} % {frame}" for frame, share in prof["inclusive"][:25]]
    logs = {
        n: [r[k] for k in ("log_pool", "log") if r.get(k)] for n, r in results["targets"].items()
    }
    if any(entry["tracebacks"] for entries in logs.values() for entry in entries):
        lines += ["", "## What the servers logged", ""]
        for name, entries in logs.items():
            for entry in entries:
                if entry["tracebacks"] or entry["top"]:
                    top = "; ".join(f"{count:,}× `{text}`" for text, count in entry["top"][:4])
                    lines.append(f"- {name}: {entry['tracebacks']:,} tracebacks; {top}")
    errors = {n: r.get("errors") or r.get("fanout_errors") for n, r in results["targets"].items()}
    if any(errors.values()):
        lines += [
            "",
            "Errors seen by the load generator: " + json.dumps(errors, ensure_ascii=False),
        ]
    return "\n".join(lines) + "\n"
