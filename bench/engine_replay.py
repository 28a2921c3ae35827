"""Replay a full Test match ball by ball with a scoreboard snapshot after every ball.

Run: ``python -m bench.engine_replay`` (prints the cost per ball in microseconds).
"""

from __future__ import annotations

import time
from pathlib import Path

from cricket import cricsheet
from cricket.events import Delivery
from cricket.match import Match
from cricket.scoreboard import snapshot

FILE = Path(__file__).resolve().parent.parent / "tests" / "data" / "cricsheet" / "1322356.json"


def run(rounds: int = 5) -> float:
    """Best-of-``rounds`` cost per ball in microseconds, including a snapshot per ball."""
    setup, events = cricsheet.load(FILE)
    balls = sum(isinstance(e, Delivery) for e in events)
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        match = Match(setup)
        for event in events:
            match.apply(event)
            if isinstance(event, Delivery):
                snapshot(match)
        best = min(best, time.perf_counter() - start)
    per_ball = best / balls * 1e6
    print(
        f"{FILE.name}: {len(events)} events, {balls} balls, "
        f"{per_ball:.1f} µs per ball (apply + snapshot)"
    )
    return per_ball


if __name__ == "__main__":
    run()
