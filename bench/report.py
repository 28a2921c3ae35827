"""Write bench/RESULTS.md from the runs saved with `python -m bench.fanout --record NAME`.

    python -m bench.report

Each bench/results/NAME.json becomes a section with its command, machine, versions and table;
the issue 6 targets are checked for one-process runs, and the two-process CPU cost is compared
with the one-process figure when both were recorded.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.fanout import RESULTS_DIR, ROWS

OUTPUT = Path(__file__).resolve().parent / "RESULTS.md"
NOTES = Path(__file__).resolve().parent / "NOTES.md"
"""Hand-written findings (what limits the targets not met), included after the tables."""
SOAK = Path(__file__).resolve().parent / "SOAK.md"
"""The soak benchmark's results (python -m bench.soak), linked from a section at the end."""

TARGET_LABELS = {
    "delivered_ratio": "every update delivered to every fan",
    "deliveries_per_s_ratio": "deliveries per second, ratio to the reference",
    "fanout_p99_ratio": "fan-out p99, ratio to the reference",
    "open_seconds": "seconds to open every connection",
    "kib_per_fan": "server KiB per idle fan",
}


def command(options: dict[str, Any]) -> str:
    parts = ["python -m bench.fanout", f"--fans {options['fans']}"]
    parts += [f"--messages {options['messages']}", f"--rate {options['rate']:g}"]
    parts += [f"--size {options['size']}", f"--server {options['server']}"]
    if options["workers"] > 1 or options["layer"] != "memory":
        parts += [f"--workers {options['workers']}", f"--layer {options['layer']}"]
    parts += [f"--ws {options['ws']}"]
    if options.get("repeat", 1) > 1:
        parts.append(f"--repeat {options['repeat']}")
    return " ".join(parts)


def section(name: str, record: dict[str, Any]) -> list[str]:
    opts, crease, reference = record["options"], record["crease"], record["reference"]
    lines = [f"## {name}", "", f"`{command(opts)}` ({record['when']})", ""]
    loads = [run["loadavg"] for runs in record.get("runs", {}).values() for run in runs]
    if loads:
        shown = ", ".join(f"{x:.1f}" for x in loads)
        lines += [f"Load average (1 min) at the end of each run: {shown}.", ""]
    header = "| figure | Crease | reference | Crease / reference |"
    lines += [header, "|---|---:|---:|---:|"]
    for label, key, fmt, _ in ROWS:
        c = fmt.format(crease[key]) if crease and key in crease else "-"
        r = fmt.format(reference[key]) if reference and key in reference else "-"
        ratio = "-"
        if c != "-" and r != "-" and reference and reference[key]:
            ratio = f"{crease[key] / reference[key]:.2f}"
        lines.append(f"| {label} | {c} | {r} | {ratio} |")
    lines.append("")
    if crease and crease.get("closes"):
        lines += [f"Close codes seen by Crease's fans: {crease['closes']}.", ""]
    if crease and "redis_subscribers" in crease:
        lines += [
            f"Redis: `PUBSUB NUMSUB` of the room's channel = **{crease['redis_subscribers']}** "
            f"for {opts['workers']} server process(es) holding {opts['fans']:,} fans; "
            f"`PUBLISH` calls while publishing {opts['messages']} messages: "
            f"{crease['redis_publishes']} (the others are presence reports). Each process "
            "therefore receives each update from Redis once.",
            "",
        ]
    if record.get("targets"):
        issue = "issue 14" if any("label" in v for v in record["targets"].values()) else "issue 6"
        lines += [f"| {issue} target | measured | target | met |", "|---|---:|---|---|"]
        for key, v in record["targets"].items():
            met = "yes" if v["met"] else "**no**"
            label = v.get("label") or TARGET_LABELS.get(key, key)
            lines.append(f"| {label} | {v['value']:.3g} | {v['target']} | {met} |")
        lines.append("")
    return lines


def two_process(records: dict[str, dict[str, Any]]) -> list[str]:
    """Server CPU per delivery with two processes against one (issue 6: at most 1.25 x), for
    runs of the same path, fan count and uvicorn implementation."""

    def key(record: dict[str, Any]) -> tuple[Any, ...]:
        o = record["options"]
        return (o.get("path", "chat"), o["fans"], o["ws"], o["messages"], o["rate"])

    two = {n: r for n, r in records.items() if r["options"]["workers"] == 2 and r["crease"]}
    one = {n: r for n, r in records.items() if r["options"]["workers"] == 1 and r["crease"]}
    rows = []
    for name_b, b in two.items():
        for name_a, a in one.items():
            if key(a) != key(b):
                continue
            x, y = a["crease"]["cpu_us_per_delivery"], b["crease"]["cpu_us_per_delivery"]
            met = "met" if y / x <= 1.25 else "**not met**"
            layer = a["options"]["layer"]
            cost = f"{x:.1f} → {y:.1f}"
            rows.append(f"| {name_a} ({layer}) | {name_b} | {cost} | {y / x:.2f} | {met} |")
    if not rows:
        return []
    lines = ["## Two processes against one", ""]
    lines.append(
        "| one process | two processes | CPU µs per delivery (1 → 2) | ratio | target ≤ 1.25 |"
    )
    lines.append("|---|---|---|---:|---|")
    return [*lines, *rows, ""]


def main() -> None:
    records = {
        path.stem: json.loads(path.read_text()) for path in sorted(RESULTS_DIR.glob("*.json"))
    }
    lines = [
        "# Fan-out benchmark results",
        "",
        "Written by `python -m bench.report` from bench/results/*.json (`make bench` runs a quick",
        "default; the headline commands are below each heading). Crease runs as production does",
        "(`python -m realtime.serve`, DEBUG off, one uvicorn process per core) on the first core;",
        "the load client (bench/wsclient.py, raw asyncio protocols) runs on the second. The",
        "reference is bench/reference.py, a `websockets` `broadcast()` server on the same loop",
        "(uvloop), measured with the same client in the same run. Latencies are from the",
        "client's write of the chat message to a fan's read of it; 'fan-out' is to the last fan.",
        "",
    ]
    if records:
        first = next(iter(records.values()))["machine"]
        versions = ", ".join(f"{k} {v}" for k, v in first["packages"].items())
        lines += [
            f"Machine: {first['cpu']}, {first['cores']} cores, Linux {first['kernel']}, "
            f"Python {first['python']}; {versions}.",
            "",
        ]
    for name, record in records.items():
        lines += section(name, record)
    lines += two_process(records)
    if NOTES.exists():
        lines += [NOTES.read_text().rstrip(), ""]
    if SOAK.exists():
        lines += [
            "## Soak",
            "",
            "The soak benchmark (`make soak`: 10,000 fans on a live match, 500 of them in its chat",
            "room at 50 messages per second, for 10 minutes; memory and delivery checked",
            "throughout) is recorded in [bench/SOAK.md](SOAK.md).",
            "",
        ]
    OUTPUT.write_text("\n".join(lines))
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
