"""Command line: ``python -m cricket scorecard FILE.json [--json]``."""

from __future__ import annotations

import argparse
import json
import sys

from cricket import cricsheet
from cricket.errors import IllegalEvent
from cricket.match import Match
from cricket.result import outcome
from cricket.scoreboard import score_text


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m cricket", description="Crease cricket engine")
    sub = parser.add_subparsers(dest="command", required=True)
    card = sub.add_parser(
        "scorecard", help="print innings totals and the result of a Cricsheet file"
    )
    card.add_argument("file")
    card.add_argument("--json", action="store_true", help="machine-readable output")
    args = parser.parse_args(argv)
    try:
        setup, events = cricsheet.load(args.file)
        match = Match.from_events(setup, events)
    except IllegalEvent as exc:
        print(f"error: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 1
    state = match.state
    res = outcome(state)
    result = res.text if res else "in progress"
    if args.json:
        payload = {
            "innings": [
                {
                    "team": inn.batting,
                    "runs": inn.runs,
                    "wickets": inn.wickets,
                    "overs": inn.overs_display,
                    "declared": inn.declared,
                    "super_over": inn.super_over,
                }
                for inn in state.innings
            ],
            "result": result,
        }
        print(json.dumps(payload))
    else:
        for inn in state.innings:
            print(score_text(inn))
        print(result)
    return 0
