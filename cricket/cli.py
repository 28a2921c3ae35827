"""Command line: ``python -m cricket scorecard FILE... [--json]``.

One process scores any number of Cricsheet files: with ``--json`` each file gives one line,
``{"file", "innings": [...], "result"}`` or ``{"file", "error"}``; the exit status is 0 only
when every file scored. Standard library only, no threads: it runs unchanged in Pyodide.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from typing import Any, TextIO

from cricket import cricsheet
from cricket.errors import IllegalEvent
from cricket.match import Match
from cricket.result import outcome
from cricket.scoreboard import score_text
from cricket.state import Innings, overs_text


def _batting(inn: Innings) -> list[dict[str, Any]]:
    return [
        {
            "name": c.name,
            "runs": c.runs,
            "balls": c.balls,
            "how_out": c.how_out or "not out",
        }
        for c in inn.batters.values()
        if c.status != "absent"  # never came in: not on Cricsheet's card either
    ]


def _bowling(inn: Innings, bpo: int) -> list[dict[str, Any]]:
    return [
        {
            "name": b.name,
            "overs": overs_text(b.balls // bpo, b.balls % bpo),
            "maidens": b.maidens,
            "runs": b.runs,
            "wickets": b.wickets,
        }
        for b in inn.bowlers.values()
        if b.balls or b.runs or b.wides or b.noballs or b.wickets
    ]


def scorecard(match: Match) -> dict[str, Any]:
    """Totals, batting and bowling cards of every innings, and the result (the JSON lines)."""
    state = match.state
    bpo = state.setup.rules.balls_per_over
    res = outcome(state)
    return {
        "innings": [
            {
                "team": inn.batting,
                "runs": inn.runs,
                "wickets": inn.wickets,
                "overs": inn.overs_display,
                "declared": inn.declared,
                "super_over": inn.super_over,
                "batting": _batting(inn),
                "bowling": _bowling(inn, bpo),
            }
            for inn in state.innings
        ],
        "result": res.text if res else "in progress",
    }


def _first_line(exc: Exception) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0]


def score_files(files: Iterable[str], *, as_json: bool, out: TextIO, err: TextIO) -> int:
    """Score each file in turn; returns how many could not be scored."""
    failed = 0
    for name in files:
        try:
            match = cricsheet.load_match(name)
        except IllegalEvent as exc:
            failed += 1
            if as_json:
                print(json.dumps({"file": name, "error": _first_line(exc)}), file=out)
            else:
                print(f"{name}: error: {_first_line(exc)}", file=err)
            continue
        if as_json:
            print(json.dumps({"file": name, **scorecard(match)}), file=out)
            continue
        res = outcome(match.state)
        for inn in match.state.innings:
            print(score_text(inn), file=out)
        print(res.text if res else "in progress", file=out)
    return failed


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m cricket", description="Crease cricket engine")
    sub = parser.add_subparsers(dest="command", required=True)
    card = sub.add_parser(
        "scorecard",
        help="print innings totals, cards and the result of Cricsheet files",
        description="Score Cricsheet JSON files. Exit status 0 when every file scored.",
    )
    card.add_argument("files", nargs="+", metavar="FILE")
    card.add_argument(
        "--json", action="store_true", help="one JSON object per file and line, with both cards"
    )
    args = parser.parse_args(argv)
    failed = score_files(args.files, as_json=args.json, out=sys.stdout, err=sys.stderr)
    return 1 if failed else 0
