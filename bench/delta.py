"""Bytes per ball over a whole real T20, and what permessage-deflate would cost on those frames.

    python -m bench.delta [--match tests/data/cricsheet/1370353.json]

Builds every fan frame of the match as the scoring service does (scores.messages, the engine,
no database), then prints the frame sizes (mean, p95, max) beside a snapshot per ball, and for
permessage-deflate as uvicorn negotiates it with browsers (websockets' extension: raw deflate,
12-bit window, memLevel 5) the compressed sizes, the CPU per frame per fan, and the memory a
connection's compressor holds, with and without context takeover. Compression runs once per
connection (the compressor is each connection's), so its CPU counts per delivery, beside a
delivery's ~10-12 us in the fan-out benchmark.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import tracemalloc
import zlib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
T20 = ROOT / "tests" / "data" / "cricsheet" / "1370353.json"
WINDOW_BITS, MEM_LEVEL = 12, 5
"""uvicorn's ServerPerMessageDeflateFactory settings (websockets_impl and websockets_sansio)."""


def match_frames(path: Path) -> tuple[list[str], list[str], int]:
    """The update frame of every event of the match, the snapshot frame after each, and how
    many of the events are balls (deliveries)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from cricket import codec, cricsheet
    from cricket.commands import Command
    from cricket.events import Delivery
    from realtime.frames import encode
    from scores.messages import snapshot_message, update_message
    from scores.models import Match
    from scores.scorebook import Scorebook

    setup, events = cricsheet.load(path)
    match = Match(id=1, title="bench", setup=codec.setup_to_dict(setup))
    book = Scorebook.new(setup)
    updates, snapshots = [], []
    balls = sum(isinstance(event, Delivery) for event in events)
    for seq, event in enumerate(events, 1):
        before = snapshot_message(match, book)
        book.execute(Command("append", event=event), seq, None)
        after = snapshot_message(match, book)
        updates.append(encode(update_message(before=before, after=after)))
        snapshots.append(encode(after))
    return updates, snapshots, balls


def sizes(frames: list[str]) -> dict[str, float]:
    lengths = sorted(len(f.encode()) for f in frames)
    return {
        "mean": statistics.mean(lengths),
        "p95": lengths[int(0.95 * len(lengths))],
        "max": lengths[-1],
    }


def compressor() -> Any:
    return zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -WINDOW_BITS, MEM_LEVEL)


def deflate(frames: list[str], *, takeover: bool, rounds: int = 20) -> dict[str, float]:
    """Compressed sizes and CPU per frame, as one connection's permessage-deflate sends them."""
    data = [f.encode() for f in frames]
    out: list[int] = []
    started = time.process_time()
    for round_ in range(rounds):
        shared = compressor()
        for payload in data:
            c = shared if takeover else compressor()
            sent = c.compress(payload) + c.flush(zlib.Z_SYNC_FLUSH)
            if round_ == 0:
                out.append(len(sent) - 4)  # the 00 00 ff ff tail is not sent
    cpu = (time.process_time() - started) / (rounds * len(data))
    out.sort()
    return {"mean": statistics.mean(out), "p95": out[int(0.95 * len(out))], "cpu_us": cpu * 1e6}


def framing(frames: list[str], rounds: int = 20) -> float:
    """CPU per frame of websockets' own framing of a text frame for one connection (what every
    delivery costs anyway): the reference for the deflate figures, from the same run."""
    from websockets.frames import Frame, Opcode

    data = [f.encode() for f in frames]
    started = time.process_time()
    for _ in range(rounds):
        for payload in data:
            Frame(Opcode.TEXT, payload).serialize(mask=False, extensions=[])
    return (time.process_time() - started) / (rounds * len(data)) * 1e6


def compressor_memory(frames: list[str], count: int = 200) -> float:
    """Bytes a connection's compressor holds between frames (context takeover keeps it)."""
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    kept = []
    for _ in range(count):
        c = compressor()
        c.compress(frames[0].encode())
        c.flush(zlib.Z_SYNC_FLUSH)
        kept.append(c)
    used = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    return used / count


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--match", type=Path, default=T20)
    parser.add_argument("--rounds", type=int, default=20)
    opts = parser.parse_args(argv)
    updates, snapshots, balls = match_frames(opts.match)
    result = {
        "events": len(updates),
        "balls": balls,
        # Every frame a fan gets over the match (a new batter's, a bowler's too) per ball bowled:
        # the "bytes per ball", not the mean frame.
        "bytes_per_ball": sum(len(f.encode()) for f in updates) / balls,
        "updates": sum('"type":"update"' in f[:20] for f in updates),
        "update": sizes(updates),
        "snapshot": sizes(snapshots),
        "deflate_takeover": deflate(updates, takeover=True, rounds=opts.rounds),
        "deflate_no_takeover": deflate(updates, takeover=False, rounds=opts.rounds),
        "deflate_snapshots": deflate(snapshots, takeover=True, rounds=max(1, opts.rounds // 4)),
        "compressor_bytes": compressor_memory(updates),
        "framing_us": framing(updates, rounds=opts.rounds),
    }
    u, s = result["update"], result["snapshot"]
    t, n = result["deflate_takeover"], result["deflate_no_takeover"]
    k = result["compressor_bytes"] / 1024
    ratio = s["mean"] / u["mean"]
    per_ball = result["bytes_per_ball"]
    met = "met" if per_ball <= 600 else "NOT met"
    d = result["deflate_snapshots"]
    lines = [
        f"delta updates over {opts.match.name}: {result['updates']} of {len(updates)} frames"
        f" are updates, for {balls} balls",
        f"  bytes per ball {per_ball:6.0f} B  (every frame of the match / balls;"
        f" target <= 600 B: {met})",
        f"  update frame   mean {u['mean']:6.0f} B  p95 {u['p95']:6.0f} B  max {u['max']:6.0f} B",
        f"  snapshot frame mean {s['mean']:6.0f} B  p95 {s['p95']:6.0f} B  ({ratio:.0f}x)",
        f"  permessage-deflate, context takeover:    mean {t['mean']:4.0f} B"
        f"  p95 {t['p95']:4.0f} B  {t['cpu_us']:5.1f} us CPU per frame per fan,"
        f" {k:.0f} KiB held per fan",
        f"  permessage-deflate, no context takeover: mean {n['mean']:4.0f} B"
        f"  p95 {n['p95']:4.0f} B  {n['cpu_us']:5.1f} us CPU per frame per fan",
        f"  snapshots deflated (takeover): mean {d['mean']:.0f} B, {d['cpu_us']:.1f} us per frame",
        f"  reference, same run: framing one text frame {result['framing_us']:.1f} us"
        f" (deflate adds {t['cpu_us'] / result['framing_us']:.0f}x that per fan)",
    ]
    print("\n".join(lines))
    return result


if __name__ == "__main__":
    main()
