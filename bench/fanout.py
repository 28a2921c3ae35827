"""Fan-out benchmark: N fans, M updates at a fixed rate, Crease against a `websockets` reference.

    python -m bench.fanout                                 # the quick default (make bench)
    python -m bench.fanout --fans 10000 --record one-memory     # the headline figures
    python -m bench.fanout --fans 10000 --workers 2 --layer redis --server crease --record two-redis

Each server runs on the first core, this process (the load client) on the second. For each
server the run opens the fans in batches, waits until they are idle, publishes `--messages`
chat messages at `--rate` per second from a logged-in user through the real chat socket, and
waits (bounded by `--timeout`) until every fan has every message. Everything talks to
127.0.0.1 only and every server is stopped at the end. `--record NAME` saves the figures as
bench/results/NAME.json; `python -m bench.report` turns those into bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import math
import os
import platform
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from bench import servers
from bench.wsclient import Fan, Tally, http_post, open_fan

RESULTS_DIR = Path(__file__).resolve().parent / "results"
ROOM = "bench"
ENVELOPE = len(
    json.dumps(
        {"type": "chat.message", "id": 10, "room": ROOM, "username": "pub00", "message": "",
         "ts": "2025-01-01T00:00:00.000Z"},
        separators=(",", ":"),
    )
)  # fmt: skip
PUBLISH_EVERY = 2.0
"""Seconds between two posts of one publisher: chat allows 5 posts per user in 10 s, so the
bench posts as several users (a busy chat has many) instead of raising the limit."""


def publisher_names(opts: Options) -> list[str]:
    count = max(1, min(opts.messages, math.ceil(opts.rate * PUBLISH_EVERY)))
    return [f"pub{i:02d}" for i in range(count)]


# Issue 14 targets, each as (metric, comparison, bound); ratios are Crease / the reference
# measured in the same run.
TARGETS = {
    "delivered_ratio": ("==", 1.0),
    "deliveries_per_s_ratio": (">=", 0.9),
    "cpu_per_delivery_ratio": ("<=", 1.3),
    "open_seconds_ratio": ("<=", 2.0),
    "kib_per_fan": ("<=", 20.0),
    "bytes_per_ball": ("<=", 600.0),
}
TARGET_LABELS = {
    "delivered_ratio": "every update delivered to every fan",
    "deliveries_per_s_ratio": "deliveries per second / reference",
    "cpu_per_delivery_ratio": "server CPU per delivery / reference",
    "open_seconds_ratio": "open time (every fan has its first state) / reference",
    "kib_per_fan": "server KiB per idle fan",
    "bytes_per_ball": "bytes per ball to each fan, whole real T20 (scores path)",
}


@dataclass
class Options:
    fans: int
    messages: int
    rate: float
    size: int
    server: str
    workers: int
    layer: str
    ws: str
    batch: int
    repeat: int
    timeout: float
    redis_url: str
    record: str | None
    json: str | None = None
    path: str = "chat"


def percentile(values: list[float], q: float) -> float:
    """Linear-interpolation percentile (q in 0..100); NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def message_text(k: int, size: int) -> str:
    """Chat text whose broadcast frame is `size` bytes (at least the marker)."""
    head = f"bench:{k}:"
    return head + "x" * max(0, size - ENVELOPE - len(head))


Publish = Callable[[int], Awaitable[bool]]
DEMO_MATCH = "scores/demo/1370353.json"
"""A real match (IPL final 2023, data by Cricsheet) whose balls the scores path posts."""


class ScorePublisher:
    """The scorer service's path: each update is one event POSTed to the HTTP API, in order."""

    def __init__(self, port: int, match_id: int, token: str, events: list[dict[str, Any]]) -> None:
        self.port = port
        self.path = f"/api/matches/{match_id}/events"
        self.token = token
        self.events = events
        self.seq = 0
        self.first = 0

    def first_ball(self) -> int:
        """Index of the first delivery: the setup events before it are posted before fans come."""
        self.first = next(i for i, e in enumerate(self.events) if e.get("kind") == "delivery")
        return self.first

    async def _post(self, index: int, commentary: str) -> bool:
        body = {"expect_seq": self.seq, "command": self.events[index], "commentary": commentary}
        status, _ = await http_post(self.port, self.path, json.dumps(body).encode(), self.token)
        if status == 201:
            self.seq += 1
        return status == 201

    async def score_until(self, index: int) -> None:
        for i in range(index):
            if not await self._post(i, ""):
                raise RuntimeError(f"the scores API refused setup event {i}")

    async def score_to_end(self) -> int:
        """Post the rest of the match (after the run, no fans left); return events refused."""
        refused = 0
        while self.seq < len(self.events):
            before = self.seq
            if not await self._post(self.seq, ""):
                refused += 1
                break
            assert self.seq == before + 1
        return refused

    async def post(self, k: int) -> bool:
        """Update k of the run: the next event, with the marker fans look for as commentary."""
        return await self._post(self.first + k, f"bench:{k}: scored by the benchmark")


class RedisWatch:
    """What Redis saw: subscribers of the room's channel and PUBLISH calls (issue 6 check)."""

    def __init__(self, url: str, prefix: str, group: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url)
        self.channel = f"{prefix}__group__{group}"

    def publishes(self) -> int:
        stats = self.client.info("commandstats").get("cmdstat_publish", {})
        return int(stats.get("calls", 0))

    def subscribers(self) -> int:
        return int(dict(self.client.pubsub_numsub(self.channel)).get(self.channel.encode(), 0))


async def drive(
    opts: Options,
    procs: list[servers.Server],
    *,
    fan_path: str,
    publish_paths: list[str],
    cookies: list[str | None],
    presence: bool,
    redis: RedisWatch | None,
    publish: Publish | None = None,
    ready_marker: bytes | None = None,
    seq_base: int | None = None,
) -> dict[str, Any]:
    """Open the fans, publish, wait for delivery; return the measured figures.

    The connections on `publish_paths` are opened first: they post chat messages (unless
    `publish` is given, e.g. the scorer's HTTP API) and the first one watches presence.
    """
    import resource

    result: dict[str, Any] = {"fans": opts.fans}
    tally = Tally(opts.messages, seq_base=seq_base)
    own = Tally(opts.messages, seq_base=seq_base)  # the publisher's own view (presence, its echo)
    publishers: list[Fan] = []
    for path, cookie in zip(publish_paths, cookies, strict=True):
        publisher = await open_fan(own, procs[0].port, path, cookie=cookie)
        if publisher is None:
            raise RuntimeError(f"a publisher could not connect:\n{procs[0].log_tail()}")
        publishers.append(publisher)
    publishers[0].watch_presence = presence
    await asyncio.sleep(1.0)
    cpu0 = sum(p.cpu() for p in procs)
    rss0 = [p.rss() for p in procs]

    fans: list[Fan] = []
    failed = 0
    started = time.perf_counter()
    for first in range(0, opts.fans, opts.batch):
        count = min(opts.batch, opts.fans - first)
        opened = await asyncio.gather(
            *(
                open_fan(
                    tally, procs[(first + i) % len(procs)].port, fan_path, ready_marker=ready_marker
                )
                for i in range(count)
            )
        )
        fans.extend(f for f in opened if f is not None)
        failed += sum(1 for f in opened if f is None)
    result["handshake_seconds"] = time.perf_counter() - started
    # A fan is open once it has its first state (chat history, match snapshot), not at `101`:
    # a server can accept faster than it serves, and updates sent before then are not live.
    deadline = time.perf_counter() + 120
    while tally.ready < len(fans) and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    result["open_seconds"] = time.perf_counter() - started
    result["ready"] = tally.ready
    result["opened"] = len(fans)
    result["failed"] = failed
    result["open_per_s"] = len(fans) / result["open_seconds"]
    result["open_cpu_s"] = sum(p.cpu() for p in procs) - cpu0
    result["open_cpu_us"] = result["open_cpu_s"] / max(1, len(fans)) * 1e6
    print(
        f"  opened {len(fans)} fans ({failed} failed): handshakes done in "
        f"{result['handshake_seconds']:.1f} s, {tally.ready} with their first state in "
        f"{result['open_seconds']:.1f} s",
        flush=True,
    )

    if presence:  # every fan is in the group once the presence count has reached them all
        waited = time.perf_counter()
        deadline = waited + 30
        while own.presence_count < len(fans) + len(publishers) and time.perf_counter() < deadline:
            await asyncio.sleep(0.1)
        result["presence_count"] = own.presence_count
        result["presence_wait_s"] = time.perf_counter() - waited
    await asyncio.sleep(2.0)
    rss1 = [p.rss() for p in procs]
    result["rss_before_mib"] = sum(rss0) / 2**20
    result["rss_idle_mib"] = sum(rss1) / 2**20
    result["kib_per_fan"] = (sum(rss1) - sum(rss0)) / 1024 / max(1, len(fans))

    publishes0 = redis.publishes() if redis else 0
    cpu2 = sum(p.cpu() for p in procs)
    client2 = resource.getrusage(resource.RUSAGE_SELF)
    expected = len(fans) * opts.messages
    begin = time.perf_counter()
    for k in range(opts.messages):
        await asyncio.sleep(max(0.0, begin + k / opts.rate - time.perf_counter()))
        if publish is None:
            text = json.dumps({"type": "chat.message", "message": message_text(k, opts.size)})
            tally.published[k] = time.perf_counter()
            publishers[k % len(publishers)].send_text(text)
        else:
            tally.published[k] = time.perf_counter()
            if not await publish(k):
                result["publish_errors"] = result.get("publish_errors", 0) + 1
    deadline = time.perf_counter() + opts.timeout
    while tally.delivered() < expected and time.perf_counter() < deadline:
        await asyncio.sleep(0.02)
    finished = time.perf_counter()
    cpu3 = sum(p.cpu() for p in procs)
    client3 = resource.getrusage(resource.RUSAGE_SELF)
    if redis:
        await asyncio.sleep(0.2)
        result["redis_publishes"] = redis.publishes() - publishes0
        result["redis_subscribers"] = redis.subscribers()

    delivered = tally.delivered()
    last = max((t for t in tally.last if t), default=finished)
    span = max(1e-9, last - tally.published[0])
    fanout = [tally.last[k] - tally.published[k] for k in range(opts.messages) if tally.counts[k]]
    each = [t - tally.published[k] for k in range(opts.messages) for t in tally.arrivals[k]]
    server_cpu = cpu3 - cpu2
    client_cpu = (client3.ru_utime + client3.ru_stime) - (client2.ru_utime + client2.ru_stime)
    result.update(
        {
            "expected": expected,
            "delivered": delivered,
            "delivered_ratio": delivered / expected if expected else math.nan,
            "complete_messages": sum(1 for c in tally.counts if c == len(fans)),
            "fanout_p50_ms": percentile(fanout, 50) * 1000,
            "fanout_p99_ms": percentile(fanout, 99) * 1000,
            "fanout_max_ms": max(fanout, default=math.nan) * 1000,
            "delivery_p50_ms": percentile(each, 50) * 1000,
            "delivery_p99_ms": percentile(each, 99) * 1000,
            "deliveries_per_s": delivered / span,
            "server_cpu_s": server_cpu,
            "server_cpu_util": server_cpu / max(1e-9, finished - begin),
            "cpu_us_per_delivery": server_cpu / max(1, delivered) * 1e6,
            "client_cpu_util": client_cpu / max(1e-9, finished - begin),
            "frame_bytes": tally.frame_bytes,
            "closes": tally.closes,
            "lost": tally.lost,
        }
    )
    full = (1 << opts.messages) - 1
    incomplete = [fan for fan in fans if fan.seen != full]
    result["incomplete_fans"] = len(incomplete)
    result["missing_by_message"] = {
        k: n
        for k in range(opts.messages)
        if (n := sum(1 for f in incomplete if not f.seen >> k & 1))
    }
    result["incomplete_fans_closed"] = sum(1 for fan in incomplete if fan.closed)
    if incomplete:
        print(
            f"  {len(incomplete)} fans missed messages: {result['missing_by_message']}", flush=True
        )
    for fan in fans:
        fan.abort()
    for publisher in publishers:
        publisher.abort()
    result["publisher_errors"] = own.closes
    await asyncio.sleep(0.5)
    return result


def run_crease(opts: Options, core: int | None) -> dict[str, Any]:
    servers.WORKDIR.mkdir(parents=True, exist_ok=True)
    database = servers.WORKDIR / f"bench-{uuid.uuid4().hex[:8]}.sqlite3"
    prefix = f"bench{uuid.uuid4().hex[:8]}"
    redis_url = opts.redis_url if opts.layer == "redis" else None
    env = servers.crease_env(f"sqlite:///{database}", redis_url, prefix)
    procs: list[servers.Server] = []
    try:
        servers.prepare_database(env)
        if opts.path == "scores":
            match_id, token, events = servers.scores_setup(env, DEMO_MATCH)
        else:
            names = publisher_names(opts)
            keys = servers.chat_setup(env, room=ROOM, usernames=names)
        for _ in range(opts.workers):
            procs.append(servers.start_crease(env, core, opts.ws))
        if opts.path == "scores":
            group = f"match.{match_id}"
            watch = RedisWatch(opts.redis_url, prefix, group) if redis_url else None
            publish = ScorePublisher(procs[0].port, match_id, token, events)
            first = publish.first_ball()
            if first + opts.messages > len(events):
                raise SystemExit(f"the demo match has only {len(events) - first} events to post")
            run_loop(publish.score_until(first))
            path = f"/ws/matches/{match_id}/"
            result = run_loop(
                drive(opts, procs, fan_path=path, publish_paths=[path], cookies=[None],
                      presence=True, redis=watch, publish=publish.post,
                      ready_marker=b'"type":"snapshot"', seq_base=first + 1)
            )  # fmt: skip
            result.update(match_bytes(env, publish, match_id))
        else:
            watch = RedisWatch(opts.redis_url, prefix, f"chat.{ROOM}") if redis_url else None
            path = f"/ws/chat/{ROOM}/"
            result = run_loop(
                drive(opts, procs, fan_path=path, publish_paths=[path] * len(names),
                      cookies=[f"sessionid={key}" for key in keys], presence=True, redis=watch,
                      ready_marker=b'"type":"chat.history"')
            )  # fmt: skip
    finally:
        for proc in procs:
            proc.stop()
        database.unlink(missing_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
    return result


def match_bytes(env: dict[str, str], publish: ScorePublisher, match_id: int) -> dict[str, Any]:
    """Score the rest of the real match, then read what its frames carry: every fan frame the
    log stored (what each fan receives) over the balls bowled, in bytes of UTF-8 payload."""
    refused = asyncio.run(publish.score_to_end())
    code = (
        "import json; from scores.models import LogEntry; "
        f"rows = list(LogEntry.objects.filter(match_id={match_id})"
        ".values_list('frame', 'payload')); "
        "print(json.dumps([len(f.encode()) for f, _ in rows] + [0], separators=(',', ':'))); "
        "print(sum(1 for _, p in rows if isinstance(p, dict) and p.get('kind') == 'delivery'))"
    )
    lines = servers.manage("shell", "-c", code, env=env).strip().splitlines()
    sizes = json.loads(lines[-2])[:-1]
    balls = int(lines[-1])
    return {
        "match_events": len(sizes),
        "match_balls": balls,
        "match_bytes": sum(sizes),
        "bytes_per_ball": sum(sizes) / max(1, balls),
        "match_refused": refused,
    }


def run_reference(opts: Options, core: int | None) -> dict[str, Any]:
    proc = servers.start_reference(core)
    try:
        return run_loop(
            drive(opts, [proc], fan_path="/fan",
                  publish_paths=[f"/publish/{name}" for name in publisher_names(opts)],
                  cookies=[None] * len(publisher_names(opts)), presence=False, redis=None)
        )  # fmt: skip
    finally:
        proc.stop()


def run_loop(coro: Any) -> dict[str, Any]:
    import uvloop

    return uvloop.run(coro)  # type: ignore[no-any-return]


def machine() -> dict[str, Any]:
    model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    packages = ["django", "channels", "channels-redis", "uvicorn", "websockets", "uvloop", "redis"]
    versions = {}
    for name in packages:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "-"
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "packages": versions,
    }


ROWS = [
    ("connections opened", "opened", "{:,.0f}", None),
    ("handshakes done (s)", "handshake_seconds", "{:.1f}", None),
    ("open time: every fan has its first state (s)", "open_seconds", "{:.1f}", "open_seconds"),
    ("opened per second", "open_per_s", "{:,.0f}", None),
    ("server CPU per connection opened (µs)", "open_cpu_us", "{:,.0f}", None),
    ("delivered / expected", "delivered_ratio", "{:.4f}", "delivered_ratio"),
    ("fan-out p50 (ms, publish to last fan)", "fanout_p50_ms", "{:,.0f}", None),
    ("fan-out p99 (ms)", "fanout_p99_ms", "{:,.0f}", "fanout_p99_ratio"),
    ("fan-out max (ms)", "fanout_max_ms", "{:,.0f}", None),
    ("per-delivery p50 (ms)", "delivery_p50_ms", "{:,.0f}", None),
    ("per-delivery p99 (ms)", "delivery_p99_ms", "{:,.0f}", None),
    ("deliveries per second", "deliveries_per_s", "{:,.0f}", "deliveries_per_s_ratio"),
    ("server CPU while publishing (s)", "server_cpu_s", "{:.2f}", None),
    ("server CPU per delivery (µs)", "cpu_us_per_delivery", "{:.1f}", None),
    ("server memory per idle fan (KiB)", "kib_per_fan", "{:.1f}", "kib_per_fan"),
    ("client CPU use while publishing", "client_cpu_util", "{:.0%}", None),
    ("update frame size (bytes)", "frame_bytes", "{:,.0f}", None),
    ("bytes per ball to each fan, whole match", "bytes_per_ball", "{:,.0f}", None),
]


def verdicts(crease: dict[str, Any], reference: dict[str, Any] | None) -> dict[str, Any]:
    """Issue 14 targets, met or not, for a one-process run (ratios need the reference)."""
    figures = {
        "delivered_ratio": crease["delivered_ratio"],
        "kib_per_fan": crease["kib_per_fan"],
    }
    if "bytes_per_ball" in crease:
        figures["bytes_per_ball"] = crease["bytes_per_ball"]
    if reference:
        # A tiny run (the smoke test's) can measure a reference figure of zero: no ratio then.
        for name, key in (
            ("deliveries_per_s_ratio", "deliveries_per_s"),
            ("cpu_per_delivery_ratio", "cpu_us_per_delivery"),
            ("open_seconds_ratio", "open_seconds"),
        ):
            if reference.get(key):
                figures[name] = crease[key] / reference[key]
    out = {}
    for name in TARGETS:
        if name not in figures:
            continue
        value = figures[name]
        op, bound = TARGETS[name]
        met = {"==": value == bound, ">=": value >= bound, "<=": value <= bound}[op]
        out[name] = {
            "label": TARGET_LABELS[name], "value": value, "target": f"{op} {bound:g}",
            "met": bool(met),
        }  # fmt: skip
    return out


def verdict_table(targets: dict[str, Any]) -> str:
    lines = [f"{'issue 14 target':58} {'measured':>10} {'target':>9}  met"]
    for v in targets.values():
        verdict = "yes" if v["met"] else "NO"
        lines.append(f"{v['label']:58} {v['value']:>10.3f} {v['target']:>9}  {verdict}")
    return "\n".join(lines)


def table(crease: dict[str, Any] | None, reference: dict[str, Any] | None) -> str:
    lines = [
        f"{'':46} {'crease':>12} {'reference':>12} {'ratio':>8}",
    ]
    for label, key, fmt, _ in ROWS:
        c = fmt.format(crease[key]) if crease and key in crease else "-"
        r = fmt.format(reference[key]) if reference and key in reference else "-"
        ratio = "-"
        if crease and reference and key in crease and reference.get(key):
            ratio = f"{crease[key] / reference[key]:.2f}"
        lines.append(f"{label:46} {c:>12} {r:>12} {ratio:>8}")
    return "\n".join(lines)


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Each numeric figure's median over the runs (other keys from the first run)."""
    if not runs:
        return None
    merged = dict(runs[0])
    for key, value in runs[0].items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            merged[key] = statistics.median(run[key] for run in runs)
    return merged


def parse(argv: list[str] | None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fans", type=int, default=2000)
    parser.add_argument(
        "--path", choices=["chat", "scores", "both"], default="chat",
        help="chat: messages posted over ws/chat/<room>/; scores: balls POSTed to the scorer API; "
        "both: one then the other",
    )  # fmt: skip
    parser.add_argument("--messages", type=int, default=20)
    parser.add_argument("--rate", type=float, default=10.0, help="messages per second")
    parser.add_argument("--size", type=int, default=200, help="bytes of each broadcast frame")
    parser.add_argument("--server", choices=["crease", "reference", "both"], default="both")
    parser.add_argument("--workers", type=int, default=1, help="Crease server processes")
    parser.add_argument("--layer", choices=["memory", "redis"], default=None)
    parser.add_argument(
        "--ws", choices=["websockets", "websockets-sansio"], default="websockets-sansio"
    )
    parser.add_argument("--batch", type=int, default=500, help="connections opened at once")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for delivery")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each server (medians)")
    parser.add_argument("--record", help="save figures as bench/results/RECORD.json")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    layer = args.layer or ("redis" if args.workers > 1 else "memory")
    if args.workers > 1 and layer == "memory":
        parser.error("several workers need --layer redis (the in-process layer is per process)")
    if not 1 <= args.fans <= 20000 or args.messages < 1 or args.rate <= 0:
        parser.error("--fans must be 1..20000, --messages >= 1, --rate > 0")
    return Options(
        fans=args.fans, messages=args.messages, rate=args.rate, size=args.size,
        server=args.server, workers=args.workers, layer=layer, ws=args.ws, batch=args.batch,
        repeat=max(1, args.repeat), timeout=args.timeout, redis_url=args.redis_url,
        record=args.record, json=args.json, path=args.path,
    )  # fmt: skip


def main(argv: list[str] | None = None) -> dict[str, Any]:
    opts = parse(argv)
    if opts.path != "both":
        return run_path(opts)
    # `make bench`: both paths, each beside its own reference, then every verdict together.
    records = {}
    for path in ("chat", "scores"):
        record = opts.record and f"{opts.record}-{path}"
        records[path] = run_path(dataclasses.replace(opts, path=path, record=record))
    for path, record in records.items():
        if record.get("targets"):
            print(f"\n{path} path, {opts.fans:,} fans:")
            print(verdict_table(record["targets"]))
    return records


def run_path(opts: Options) -> dict[str, Any]:
    limit = servers.raise_file_limit()
    need = opts.fans + 100
    if limit < need:
        sys.exit(f"the file limit is {limit}; {opts.fans} fans need about {need}")
    available = servers.cores()
    server_core = available[0] if len(available) > 1 else None
    client_core = available[1] if len(available) > 1 else None
    if client_core is not None:
        os.sched_setaffinity(0, {client_core})
    try:
        return _run_path(opts, server_core, client_core)
    finally:
        os.sched_setaffinity(0, set(available))  # the next path (--path both) pins again


def _run_path(opts: Options, server_core: int | None, client_core: int | None) -> dict[str, Any]:
    print(
        f"fan-out ({opts.path}): {opts.fans} fans, {opts.messages} updates at {opts.rate}/s "
        f"({opts.size} B chat frames); "
        f"crease: {opts.workers} process(es), {opts.layer} layer, uvicorn --ws {opts.ws}; "
        f"server core {server_core}, client core {client_core}",
        flush=True,
    )
    runs: dict[str, list[dict[str, Any]]] = {"crease": [], "reference": []}
    for round_ in range(opts.repeat):
        # Alternate the servers, so that load from other processes hits both alike.
        for kind, run in (("crease", run_crease), ("reference", run_reference)):
            if opts.server in {kind, "both"}:
                run_opts = opts
                if kind == "reference" and opts.path == "scores" and runs["crease"]:
                    # The reference relays chat-shaped frames as long as Crease's score updates.
                    run_opts = dataclasses.replace(opts, size=runs["crease"][-1]["frame_bytes"])
                result = run(run_opts, server_core)
                result["loadavg"] = os.getloadavg()[0]
                runs[kind].append(result)
                print(
                    f"{kind} run {round_ + 1}/{opts.repeat}: "
                    f"{result['deliveries_per_s']:,.0f} deliveries/s, "
                    f"{result['cpu_us_per_delivery']:.1f} µs CPU each, "
                    f"open {result['open_seconds']:.1f} s ({result['open_cpu_us']:,.0f} µs CPU "
                    f"each), load {result['loadavg']:.1f}",
                    flush=True,
                )
    crease = median_run(runs["crease"])
    reference = median_run(runs["reference"])
    print(f"medians of {opts.repeat} run(s) each:")
    print(table(crease, reference))
    record: dict[str, Any] = {
        "options": vars(opts),
        "machine": machine(),
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "crease": crease,
        "reference": reference,
        "runs": runs,
    }
    if crease:
        if crease.get("closes"):
            print(f"close codes seen by fans: {crease['closes']}")
        if "redis_subscribers" in crease:
            print(
                f"redis: {crease['redis_subscribers']} subscriber(s) of the room's channel for "
                f"{opts.workers} process(es); {crease['redis_publishes']} PUBLISH calls while "
                f"publishing {opts.messages} messages (the rest are presence reports)"
            )
        if opts.workers == 1:
            record["targets"] = verdicts(crease, reference)
            print(verdict_table(record["targets"]))
    if opts.record:
        RESULTS_DIR.mkdir(exist_ok=True)
        path = RESULTS_DIR / f"{opts.record}.json"
        path.write_text(json.dumps(record, indent=2, default=str) + "\n")
        print(f"saved {path.relative_to(servers.ROOT)}")
    if opts.json:
        Path(opts.json).write_text(json.dumps(record, indent=2, default=str) + "\n")
    return record


if __name__ == "__main__":
    main()
