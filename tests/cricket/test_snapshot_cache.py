"""The scoreboard's per-innings cache never serves a card that a fresh snapshot would not."""

from pathlib import Path

from cricket import cricsheet, scoreboard
from cricket.match import Match

DATA = Path(__file__).resolve().parents[1] / "data" / "cricsheet"


def test_snapshot_after_each_event_equals_a_snapshot_built_from_scratch():
    # 1370353 has an impact-player substitute in the second innings: the first innings' card
    # (its yet_to_bat) changes although that innings did not.
    setup, events = cricsheet.load(DATA / "1370353.json")
    live = Match(setup)
    for n, event in enumerate(events, start=1):
        live.apply(event)
        fresh = Match.from_events(setup, events[:n])
        assert scoreboard.snapshot(live) == scoreboard.snapshot(fresh), f"after event {n}"
