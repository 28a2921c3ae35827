"""Reconnect storm: N fans of a live match drained with 1012 from one process, all back with
their state on another (issue 14: 10,000 fans within 15 s).

    python -m bench.storm                  # make bench-storm: 10,000 fans
    python -m bench.storm --fans 2000 --jitter 1.0

Two Crease processes (A and B) share one SQLite database and the Redis layer. Every fan opens
on A and takes its snapshot; a few balls are scored; then A gets SIGTERM, as a deploy does, and
drains its fans with 1012 in batches (realtime.drain). Each fan, on its 1012, reconnects to B
with `?since=<its last seq>` after a random pause up to `--jitter` seconds (the browser client
waits 0.25-1 s; 0 is the worst case) and counts as back once B has brought it to the match's
seq. One more ball is scored while the storm runs: every fan must hold it too. The figure is
the time from SIGTERM to the last fan back at the final seq.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from bench import servers
from bench.fanout import DEMO_MATCH, ScorePublisher, run_loop
from bench.wsclient import RawSocket, open_socket

SERVICE_RESTART = 1012
TARGET_SECONDS = 15.0


class StormFan(RawSocket):
    """A fan that tracks the match's seq from every frame and reconnects on 1012."""

    def __init__(
        self, storm: Storm, request: bytes, opened: asyncio.Future[bool],
        who: int | None = None, since: int = -1,
    ) -> None:  # fmt: skip
        super().__init__(request, opened)
        self.storm = storm
        self.who = who  # set for a fan back on B: frames may come in the 101's own read
        self.seq = since
        self.snapshots = 0
        self.gap = False

    def on_text(self, buf: bytes, start: int, end: int, now: float) -> None:
        message = json.loads(buf[start:end])
        seq = message.get("seq")
        kind = message.get("type")
        if kind not in {"snapshot", "update"} or not isinstance(seq, int):
            return  # presence, pongs
        if kind == "snapshot":
            self.snapshots += 1
        elif self.seq >= 0 and seq > self.seq + 1:
            self.gap = True  # an update the fan cannot apply: a real client would resync
        if seq > self.seq:
            self.storm.note_seq(self, seq)

    def on_open(self) -> None:
        if self.who is not None:
            self.storm.back.add(self.who)
            self.storm.note_seq(self, self.seq)

    def on_close_frame(self, code: int) -> None:
        self.storm.closed(self, code)


class Storm:
    def __init__(self, port_b: int, path: str) -> None:
        self.port_b = port_b
        self.path = path
        self.fans: list[StormFan] = []
        self.target_seq = 0
        self.back: set[int] = set()
        self.drained = 0
        self.other_closes: dict[int, int] = {}
        self.reconnect_failed = 0
        self.jitter = 0.0
        self.last_back = 0.0
        self.at_target: set[int] = set()
        self.fan_ids: dict[StormFan, int] = {}

    def note_seq(self, fan: StormFan, seq: int) -> None:
        fan.seq = seq
        who = fan.who
        back = who is not None and who in self.back and who not in self.at_target
        if back and seq >= self.target_seq:
            self.at_target.add(who)  # type: ignore[arg-type]
            self.last_back = time.perf_counter()

    def closed(self, fan: StormFan, code: int) -> None:
        fan.abort()
        if code != SERVICE_RESTART:
            self.other_closes[code] = self.other_closes.get(code, 0) + 1
            return
        self.drained += 1
        who = self.fan_ids[fan]
        asyncio.get_running_loop().create_task(self.reconnect(who, fan.seq))

    async def reconnect(self, who: int, since: int) -> None:
        if self.jitter:
            await asyncio.sleep(random.uniform(0, self.jitter))
        path = f"{self.path}?since={since}" if since >= 0 else self.path
        for _attempt in range(5):
            fan = await open_socket(
                lambda r, o: StormFan(self, r, o, who, since), self.port_b, path
            )
            if fan is not None:
                self.fan_ids[fan] = who
                self.fans[who] = fan
                return
            await asyncio.sleep(0.5)
        self.reconnect_failed += 1


async def storm(opts: argparse.Namespace, a: servers.Server, b: servers.Server,
                publish: ScorePublisher, match_id: int) -> dict[str, Any]:  # fmt: skip
    path = f"/ws/matches/{match_id}/"
    st = Storm(b.port, path)
    st.jitter = opts.jitter
    started = time.perf_counter()
    for first in range(0, opts.fans, opts.batch):
        count = min(opts.batch, opts.fans - first)
        opened = await asyncio.gather(
            *(open_socket(lambda r, o: StormFan(st, r, o), a.port, path) for _ in range(count))
        )
        for fan in opened:
            if fan is None:
                raise RuntimeError(f"a fan could not open on A:\n{a.log_tail()}")
            st.fan_ids[fan] = len(st.fans)
            st.fans.append(fan)
    deadline = time.perf_counter() + 120
    while any(f.seq < 0 for f in st.fans) and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    opened_s = time.perf_counter() - started
    print(f"  {len(st.fans)} fans on A with their snapshot in {opened_s:.1f} s", flush=True)
    for k in range(opts.balls):
        await publish.post(k)
    await asyncio.sleep(1.0)
    st.target_seq = publish.seq + 1  # the ball scored during the storm, below
    cpu_b0 = b.cpu()

    t0 = time.perf_counter()
    a.process.send_signal(15)  # SIGTERM: realtime.serve drains with 1012, then exits
    await asyncio.sleep(0.5)
    await publish_to(publish, b.port, opts.balls)  # one more ball, while the fans move
    deadline = t0 + opts.timeout
    while len(st.at_target) < len(st.fans) and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    done = time.perf_counter()
    seconds = (st.last_back or done) - t0
    fans = st.fans
    result = {
        "fans": len(fans),
        "open_seconds_on_a": opened_s,
        "drained_with_1012": st.drained,
        "back_on_b": len(st.back),
        "back_at_final_seq": len(st.at_target),
        "storm_seconds": seconds,
        "b_cpu_s": b.cpu() - cpu_b0,
        "b_cpu_us_per_fan": (b.cpu() - cpu_b0) / max(1, len(st.back)) * 1e6,
        "resynced_from_snapshot": sum(1 for f in fans if f.snapshots > 0 and f in st.fan_ids
                                      and st.fan_ids[f] in st.back),
        "gaps": sum(1 for f in fans if f.gap),
        "other_closes": st.other_closes,
        "reconnect_failed": st.reconnect_failed,
        "final_seq": st.target_seq,
        "jitter_s": opts.jitter,
        "met": len(st.at_target) == len(fans) and seconds <= TARGET_SECONDS,
    }  # fmt: skip
    for fan in fans:
        fan.abort()
    return result


async def publish_to(publish: ScorePublisher, port: int, k: int) -> None:
    """Score ball k through B (A is shutting down)."""
    publish.port = port
    if not await publish.post(k):
        raise RuntimeError("B refused the ball scored during the storm")


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fans", type=int, default=10000)
    parser.add_argument("--balls", type=int, default=3, help="balls scored before the drain")
    parser.add_argument("--jitter", type=float, default=0.0, help="max seconds before reconnect")
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--json", help="also write the figures to this file")
    opts = parser.parse_args(argv)
    limit = servers.raise_file_limit()
    if limit < opts.fans + 200:  # a fan closes its old socket before it opens the new one
        sys.exit(f"the file limit is {limit}; the storm needs about {opts.fans + 200}")
    available = servers.cores()
    server_core = available[0] if len(available) > 1 else None
    if len(available) > 1:
        import os

        os.sched_setaffinity(0, {available[1]})
    servers.WORKDIR.mkdir(parents=True, exist_ok=True)
    database = servers.WORKDIR / f"storm-{uuid.uuid4().hex[:8]}.sqlite3"
    prefix = f"storm{uuid.uuid4().hex[:8]}"
    env = servers.crease_env(f"sqlite:///{database}", opts.redis_url, prefix)
    procs: list[servers.Server] = []
    try:
        servers.prepare_database(env)
        match_id, token, events = servers.scores_setup(env, DEMO_MATCH)
        a = servers.start_crease(env, server_core, "websockets-sansio")
        b = servers.start_crease(env, server_core, "websockets-sansio")
        procs += [a, b]
        publish = ScorePublisher(a.port, match_id, token, events)
        run_loop(publish.score_until(publish.first_ball()))
        print(f"storm: {opts.fans} fans on A, drained with 1012 onto B (jitter {opts.jitter} s)")
        result = run_loop(storm(opts, a, b, publish, match_id))
    finally:
        for proc in procs:
            proc.stop()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
    for key, value in result.items():
        print(f"  {key}: {value:.2f}" if isinstance(value, float) else f"  {key}: {value}")
    verdict = "met" if result["met"] else "NOT met"
    print(
        f"target: every fan back with its state within {TARGET_SECONDS:g} s: "
        f"{result['back_at_final_seq']:,} of {result['fans']:,} in "
        f"{result['storm_seconds']:.1f} s: {verdict}"
    )
    if opts.json:
        Path(opts.json).write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    main()
