"""Soak benchmark (issue 7): a live match and its chat room under load for minutes, not seconds.

    python -m bench.soak                               # full size (make soak): 10,000 fans, 10 min
    python -m bench.soak --fans 200 --minutes 0.5         # smoke run
    python -m bench.soak --layer redis                    # through Redis instead of in process

One Crease server process (uvicorn via realtime.serve, `--ws websockets-sansio`,
DB_CONN_MAX_AGE=60, per-IP limits off, a fresh migrated SQLite database) on the first core; this
process, the load client, on the second. A real match is imported from a Cricsheet file with a
scorer token; `--fans` fans connect, most to the match page socket (ws/matches/<id>/), a share
(`--chat-share`, at least the posters) to the match's chat room (ws/chat/match-<id>/). Then, for
`--minutes`, the scorer POSTs the file's next ball through the HTTP API every `--ball-every`
seconds, and logged-in users post `--chat-rate` chat messages per second over their chat
sockets (chat allows 5 posts per user in 10 s, so the posting is spread over enough users, and
the posters are chat fans too: they count what they receive). Every fan counts what it gets:
match updates by seq (gaps, duplicates), chat messages by id (missing, duplicates). The server's
RSS and CPU are sampled every 10 s. Everything talks to 127.0.0.1 only; the server is stopped at
the end whatever happens (errors, Ctrl-C). `--record NAME` saves bench/results/soak/NAME.json.

Why only a share of the fans are in the chat room: each chat member receives every message, so
the room costs chat-rate x members deliveries per second (about 12 us of server CPU each, and
as much again in this one client). The default share, 5% (500 of 10,000 fans), is 25,000 chat
deliveries a second and leaves the server's core at about 75%; 1,000 members at 50 messages/s
is over one core's capacity (bench/SOAK.md).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import re
import resource
import sys
import time
import urllib.request
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench import servers
from bench.fanout import ScorePublisher, machine, run_loop
from bench.wsclient import RawSocket, open_socket

RESULTS_DIR = Path(__file__).resolve().parent / "results" / "soak"
MATCH_FILE = "tests/data/cricsheet/1144530.json"
"""An ODI with 635 deliveries: enough balls for 10 minutes at one every 2.5 s."""
SAMPLE_EVERY = 10.0
POST_EVERY = 3.0
"""Seconds between two chat posts of one user (the limit is 5 in 10 s)."""


@dataclass
class Options:
    fans: int
    minutes: float
    chat_rate: float
    chat_share: float
    ball_every: float
    layer: str
    ws: str
    batch: int
    settle: float
    file: str
    redis_url: str
    record: str | None


@dataclass
class Stats:
    """What the fans saw, per kind ("match", "chat")."""

    ready: dict[str, int] = field(default_factory=lambda: {"match": 0, "chat": 0})
    received: dict[str, int] = field(default_factory=lambda: {"match": 0, "chat": 0})
    duplicates: dict[str, int] = field(default_factory=lambda: {"match": 0, "chat": 0})
    gaps: int = 0
    errors: int = 0
    lost: dict[str, int] = field(default_factory=lambda: {"match": 0, "chat": 0})
    closes: dict[int, int] = field(default_factory=dict)
    chat_ids: bytearray = field(default_factory=bytearray)
    max_seq: int = 0


def _int_after(buf: bytes, key: bytes, start: int, end: int) -> int | None:
    at = buf.find(key, start, min(end, start + 96))
    if at < 0:
        return None
    at += len(key)
    stop = at
    while stop < end and 48 <= buf[stop] <= 57:
        stop += 1
    return int(buf[at:stop]) if stop > at else None


class SoakFan(RawSocket):
    """One fan: the handshake, then match updates checked by seq or chat messages by id."""

    def __init__(
        self, stats: Stats, kind: str, request: bytes, opened: asyncio.Future[bool]
    ) -> None:
        super().__init__(request, opened)
        self.stats = stats
        self.kind = kind
        self.ready = False
        self.seq = -1  # match: last seq seen
        self.received = 0
        self.seen = bytearray()  # chat: byte i set once message id i arrived

    def on_lost(self) -> None:
        self.stats.lost[self.kind] += 1

    def on_close_frame(self, code: int) -> None:
        self.stats.closes[code] = self.stats.closes.get(code, 0) + 1

    def on_text(self, buf: bytes, start: int, end: int, now: float) -> None:
        stats = self.stats
        if self.kind == "match":
            if buf.startswith(b'{"type":"presence"', start):
                return
            seq = _int_after(buf, b'"seq":', start, end)
            if seq is None:
                if buf.startswith(b'{"type":"error"', start):
                    stats.errors += 1
                return
            if not self.ready:  # the first frame with a seq is the snapshot
                self.ready = True
                stats.ready["match"] += 1
                self.seq = seq
                return
            if seq <= self.seq:
                stats.duplicates["match"] += 1
                return
            stats.gaps += seq - self.seq - 1
            self.seq = seq
            self.received += 1
            stats.received["match"] += 1
            stats.max_seq = max(stats.max_seq, seq)
        elif buf.startswith(b'{"type":"chat.message"', start):
            ident = _int_after(buf, b'"id":', start, end)
            if ident is None:
                return
            seen = self.seen
            if ident >= len(seen):
                seen.extend(bytes(ident - len(seen) + 4096))
            if seen[ident]:
                stats.duplicates["chat"] += 1
                return
            seen[ident] = 1
            self.received += 1
            stats.received["chat"] += 1
            ids = stats.chat_ids
            if ident >= len(ids):
                ids.extend(bytes(ident - len(ids) + 4096))
            ids[ident] = 1
        elif not self.ready and buf.startswith(b'{"type":"chat.history"', start):
            self.ready = True
            stats.ready["chat"] += 1
        elif buf.startswith(b'{"type":"error"', start):
            stats.errors += 1


async def open_fan(
    stats: Stats, kind: str, port: int, path: str, cookie: str | None = None
) -> SoakFan | None:
    return await open_socket(
        lambda request, opened: SoakFan(stats, kind, request, opened), port, path, cookie=cookie
    )


def slow_closes(port: int) -> float | None:
    """crease_slow_client_closes_total from the server's /metrics (None if unreadable)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
            text = response.read().decode()
    except OSError:
        return None
    found = re.search(r"^crease_slow_client_closes_total(?:\{[^}]*\})? (\S+)$", text, re.M)
    return float(found.group(1)) if found else 0.0


def slope_per_minute(samples: list[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, value) pairs, per minute; NaN under two samples."""
    if len(samples) < 2:
        return math.nan
    xs, ys = [s[0] for s in samples], [s[1] for s in samples]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    var = sum((x - mx) ** 2 for x in xs)
    if not var:
        return math.nan
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var * 60


def client_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def soak(
    opts: Options, server: servers.Server, match_id: int, scorer: ScorePublisher, keys: list[str]
) -> dict[str, Any]:
    stats = Stats()
    result: dict[str, Any] = {"load_start": os.getloadavg()}
    chat_count = max(len(keys), round(opts.fans * opts.chat_share))
    match_count = opts.fans - chat_count
    if match_count < 1:
        raise SystemExit(f"{opts.fans} fans are too few for {len(keys)} chat posters")
    chat_path, match_path = f"/ws/chat/match-{match_id}/", f"/ws/matches/{match_id}/"
    samples: list[dict[str, float]] = []
    t0 = time.perf_counter()

    def sample() -> dict[str, float]:
        row = {"t": time.perf_counter() - t0, "rss_kib": server.rss() / 1024,
               "cpu_s": server.cpu(), "client_cpu_s": client_cpu()}  # fmt: skip
        samples.append(row)
        return row

    async def sampler() -> None:
        while True:
            sample()
            await asyncio.sleep(SAMPLE_EVERY)

    sampling = asyncio.create_task(sampler())
    fans: list[SoakFan] = []
    failed = 0
    # Posters (logged in) first, then the rest of the chat fans, then the match fans.
    plan = [("chat", chat_path, f"sessionid={key}") for key in keys]
    plan += [("chat", chat_path, None)] * (chat_count - len(keys))
    plan += [("match", match_path, None)] * match_count
    started = time.perf_counter()
    try:
        for first in range(0, len(plan), opts.batch):
            batch = plan[first : first + opts.batch]
            opened = await asyncio.gather(
                *(open_fan(stats, k, server.port, p, c) for k, p, c in batch)
            )
            fans.extend(f for f in opened if f is not None)
            failed += sum(1 for f in opened if f is None)
        deadline = time.perf_counter() + 180
        while sum(stats.ready.values()) < len(fans) and time.perf_counter() < deadline:
            await asyncio.sleep(0.1)
        result.update(
            {
                "fans_opened": len(fans), "fans_failed": failed,
                "match_fans": sum(1 for f in fans if f.kind == "match"),
                "chat_fans": sum(1 for f in fans if f.kind == "chat"),
                "ready": dict(stats.ready), "open_seconds": time.perf_counter() - started,
            }
        )  # fmt: skip
        print(
            f"  opened {len(fans)} fans ({failed} failed; {result['match_fans']} match, "
            f"{result['chat_fans']} chat), {sum(stats.ready.values())} with their first state "
            f"in {result['open_seconds']:.1f} s",
            flush=True,
        )
        posters = fans[: len(keys)]
        await asyncio.sleep(5.0)
        result["slow_closes_before"] = await asyncio.to_thread(slow_closes, server.port)
        steady = sample()
        begin = time.perf_counter()
        duration = opts.minutes * 60
        balls = {"posted": 0, "refused": 0}
        chat_sent = 0
        available = len(scorer.events) - scorer.first

        async def bowl() -> None:
            k = 0
            while k < available and time.perf_counter() - begin < duration:
                await asyncio.sleep(max(0.0, begin + k * opts.ball_every - time.perf_counter()))
                if time.perf_counter() - begin >= duration:
                    break
                ok = await scorer.post(k)
                balls["posted" if ok else "refused"] += 1
                k += 1

        bowling = asyncio.create_task(bowl())
        k = 0
        next_report = begin + 60
        while (at := begin + k / opts.chat_rate) - begin < duration:
            await asyncio.sleep(max(0.0, at - time.perf_counter()))
            posters[k % len(posters)].send_text(
                json.dumps({"type": "chat.message", "message": f"soak message {k}"})
            )
            chat_sent += 1
            k += 1
            if time.perf_counter() >= next_report:
                next_report += 60
                row = samples[-1]
                print(
                    f"  {row['t'] - steady['t']:.0f} s: RSS {row['rss_kib'] / 1024:.1f} MiB, "
                    f"balls {balls['posted']}, chat sent {chat_sent}, delivered match "
                    f"{stats.received['match']:,} chat {stats.received['chat']:,}, lost "
                    f"{sum(stats.lost.values())}, load {os.getloadavg()[0]:.1f}",
                    flush=True,
                )
        await bowling
        published_end = time.perf_counter()
        end_row = sample()
        # Let the last frames arrive: every open fan at the last seq and holding every id.
        deadline = time.perf_counter() + opts.settle
        while time.perf_counter() < deadline:
            chat_published = sum(stats.chat_ids)
            done_match = all(f.seq == stats.max_seq or f.closed for f in fans if f.kind == "match")
            done_chat = all(
                f.received == chat_published or f.closed for f in fans if f.kind == "chat"
            )
            if done_match and done_chat and chat_published >= chat_sent - stats.errors:
                break
            await asyncio.sleep(0.2)
        result["settle_seconds"] = time.perf_counter() - published_end
        result["slow_closes_after"] = await asyncio.to_thread(slow_closes, server.port)
    finally:
        sampling.cancel()
        for fan in fans:
            fan.abort()

    chat_published = sum(stats.chat_ids)
    match_fans = [f for f in fans if f.kind == "match"]
    chat_fans = [f for f in fans if f.kind == "chat"]
    steady_rows = [r for r in samples if steady["t"] <= r["t"] <= end_row["t"]]
    rss = [(r["t"], r["rss_kib"]) for r in steady_rows]
    half = [p for p in rss if p[0] >= steady["t"] + (end_row["t"] - steady["t"]) / 2]
    seconds = end_row["t"] - steady["t"]
    result.update(
        {
            "minutes": seconds / 60,
            "balls_posted": balls["posted"],
            "balls_refused": balls["refused"],
            "chat_sent": chat_sent,
            "chat_published": chat_published,
            "chat_errors": stats.errors,
            "match_expected": len(match_fans) * balls["posted"],
            "match_delivered": stats.received["match"],
            "match_gaps": stats.gaps,
            "match_duplicates": stats.duplicates["match"],
            "match_fans_behind": sum(1 for f in match_fans if f.seq != stats.max_seq),
            "chat_expected": len(chat_fans) * chat_published,
            "chat_delivered": stats.received["chat"],
            "chat_duplicates": stats.duplicates["chat"],
            "chat_fans_missing": sum(1 for f in chat_fans if f.received != chat_published),
            "lost": dict(stats.lost),
            "closes": dict(stats.closes),
            "rss_start_mib": steady["rss_kib"] / 1024,
            "rss_end_mib": end_row["rss_kib"] / 1024,
            "rss_min_mib": min(p[1] for p in rss) / 1024,
            "rss_max_mib": max(p[1] for p in rss) / 1024,
            "rss_slope_kib_per_min": slope_per_minute(rss),
            "rss_slope_second_half_kib_per_min": slope_per_minute(half),
            "server_cpu_util": (end_row["cpu_s"] - steady["cpu_s"]) / seconds,
            "client_cpu_util": (end_row["client_cpu_s"] - steady["client_cpu_s"]) / seconds,
            "load_end": os.getloadavg(),
            "samples": samples,
            "steady_from_s": steady["t"],
        }
    )
    return result


def _diff(after: float | None, before: float | None) -> str:
    if after is None or before is None:
        return "unreadable"
    return f"{after - before:.0f}"


def rows(r: dict[str, Any]) -> list[tuple[str, str]]:
    """The figures table of a run: (label, value) pairs."""
    lost, slope = r["lost"], r["rss_slope_kib_per_min"]
    return [
        ("fans connected (match page + chat room)",
         f"{r['fans_opened']:,} ({r['match_fans']:,} + {r['chat_fans']:,}); "
         f"{r['fans_failed']} failed"),
        ("time until every fan had its first state (s)", f"{r['open_seconds']:.1f}"),
        ("steady state (minutes)", f"{r['minutes']:.2f}"),
        ("balls posted (refused)", f"{r['balls_posted']} ({r['balls_refused']})"),
        ("chat messages sent / stored and broadcast (error frames)",
         f"{r['chat_sent']:,} / {r['chat_published']:,} ({r['chat_errors']})"),
        ("chat messages stored in the database",
         f"{r['chat_stored']:,}" if "chat_stored" in r else "-"),
        ("match updates delivered / expected",
         f"{r['match_delivered']:,} / {r['match_expected']:,}"),
        ("match gaps / duplicates / fans not at the last seq",
         f"{r['match_gaps']} / {r['match_duplicates']} / {r['match_fans_behind']}"),
        ("chat messages delivered / expected",
         f"{r['chat_delivered']:,} / {r['chat_expected']:,}"),
        ("chat duplicates / fans missing a message",
         f"{r['chat_duplicates']} / {r['chat_fans_missing']}"),
        ("connections lost (match, chat); close codes",
         f"{lost['match']}, {lost['chat']}; {r['closes'] or '-'}"),
        ("slow-client closes (/metrics, during the run)",
         _diff(r.get("slow_closes_after"), r.get("slow_closes_before"))),
        ("server RSS at start of steady state / end (MiB)",
         f"{r['rss_start_mib']:.1f} / {r['rss_end_mib']:.1f}"),
        ("server RSS min / max (MiB)", f"{r['rss_min_mib']:.1f} / {r['rss_max_mib']:.1f}"),
        ("RSS slope, whole run / second half (KiB per minute)",
         f"{slope:+,.0f} / {r['rss_slope_second_half_kib_per_min']:+,.0f}"),
        ("server CPU use (one core = 100%)", f"{r['server_cpu_util']:.0%}"),
        ("client CPU use", f"{r['client_cpu_util']:.0%}"),
        ("load average (1 min) at start / end",
         f"{r['load_start'][0]:.2f} / {r['load_end'][0]:.2f}"),
    ]  # fmt: skip


def table(result: dict[str, Any]) -> str:
    lines = ["| figure | value |", "|---|---:|"]
    lines += [f"| {label} | {value} |" for label, value in rows(result)]
    return "\n".join(lines)


def run(opts: Options) -> dict[str, Any]:
    servers.WORKDIR.mkdir(parents=True, exist_ok=True)
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix="soak-", dir=servers.WORKDIR))
    prefix = f"soak{uuid.uuid4().hex[:8]}"
    redis_url = opts.redis_url if opts.layer == "redis" else None
    env = servers.crease_env(f"sqlite:///{tmp / 'soak.sqlite3'}", redis_url, prefix)
    available = servers.cores()
    server_core = available[0] if len(available) > 1 else None
    if len(available) > 1:
        os.sched_setaffinity(0, {available[1]})
    server: servers.Server | None = None
    try:
        servers.prepare_database(env)
        match_id, token, events = servers.scores_setup(env, opts.file)
        names = [f"fan{i:03d}" for i in range(math.ceil(opts.chat_rate * POST_EVERY))]
        keys = servers.chat_setup(env, room=f"match-{match_id}", usernames=names)
        server = servers.start_crease(env, server_core, opts.ws)
        scorer = ScorePublisher(server.port, match_id, token, events)
        first = scorer.first_ball()
        run_loop(scorer.score_until(first))
        print(
            f"soak: {opts.fans} fans, {opts.minutes:g} min, a ball every {opts.ball_every:g} s, "
            f"{opts.chat_rate:g} chat messages/s from {len(keys)} users; crease: 1 process, "
            f"{opts.layer} layer, uvicorn --ws {opts.ws}, pid {server.pid}, core {server_core}",
            flush=True,
        )
        result = run_loop(soak(opts, server, match_id, scorer, keys))
        server.stop()
        # What the database holds: a message stored but never broadcast shows up here.
        code = "from chat.models import Message; print(Message.objects.count())"
        result["chat_stored"] = int(servers.manage("shell", "-c", code, env=env).split()[-1])
        return result
    finally:
        if server is not None:
            server.stop()
        for path in sorted(tmp.iterdir(), reverse=True):
            path.unlink(missing_ok=True)
        tmp.rmdir()


def parse(argv: list[str] | None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fans", type=int, default=10000)
    parser.add_argument("--minutes", type=float, default=10.0, help="steady-state duration")
    parser.add_argument("--chat-rate", type=float, default=50.0, help="chat messages per second")
    parser.add_argument(
        "--chat-share", type=float, default=0.05,
        help="share of the fans in the chat room (at least the posters); the rest on the match",
    )  # fmt: skip
    parser.add_argument("--ball-every", type=float, default=2.5, help="seconds between balls")
    parser.add_argument("--layer", choices=["memory", "redis"], default="memory")
    parser.add_argument(
        "--ws", choices=["websockets", "websockets-sansio"], default="websockets-sansio"
    )
    parser.add_argument("--batch", type=int, default=500, help="connections opened at once")
    parser.add_argument("--settle", type=float, default=60.0, help="seconds to wait at the end")
    parser.add_argument("--file", default=MATCH_FILE, help="the Cricsheet match to replay")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--record", help="save the figures as bench/results/soak/RECORD.json")
    args = parser.parse_args(argv)
    if not 1 <= args.fans <= 20000 or not 0 < args.minutes <= 60:
        parser.error("--fans must be 1..20000 and --minutes in (0, 60]")
    if not 0 < args.chat_rate <= 500 or not 0 <= args.chat_share <= 1 or args.ball_every < 0.5:
        parser.error("--chat-rate in (0, 500], --chat-share in [0, 1], --ball-every >= 0.5")
    return Options(
        fans=args.fans, minutes=args.minutes, chat_rate=args.chat_rate,
        chat_share=args.chat_share, ball_every=args.ball_every, layer=args.layer, ws=args.ws,
        batch=args.batch, settle=args.settle, file=args.file, redis_url=args.redis_url,
        record=args.record,
    )  # fmt: skip


def main(argv: list[str] | None = None) -> dict[str, Any]:
    opts = parse(argv)
    limit = servers.raise_file_limit()
    if limit < opts.fans + 300:
        sys.exit(f"the file limit is {limit}; {opts.fans} fans need about {opts.fans + 300}")
    result = run(opts)
    print(table(result))
    record = {
        "options": asdict(opts),
        "machine": machine(),
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "result": result,
    }
    if opts.record:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        path = RESULTS_DIR / f"{opts.record}.json"
        path.write_text(json.dumps(record, indent=2, default=str) + "\n")
        print(f"saved {path.relative_to(servers.ROOT)}")
    return record


if __name__ == "__main__":
    main()
