"""The fan messages of docs/protocol.md ("Live scores"), built from a match row and its engine."""

from __future__ import annotations

from typing import Any

from cricket import scoreboard
from scores.engine import Engine, Entry
from scores.models import Match

SNAPSHOT_KEYS_IN_UPDATE = (
    "teams",
    "awaiting",
    "bowlers",
    "batters_available",
    "next_innings",
    "follow_on_available",
    "status",
    "result",
    "winner",
)


def format_name(setup: dict[str, Any]) -> str:
    """A short name for the playing conditions: T20, ODI, The Hundred, Test or "N overs"."""
    rules = setup.get("rules") or {}
    overs, bpo = rules.get("overs"), rules.get("balls_per_over", 6)
    if overs is None:
        return "Test" if rules.get("innings_per_side") == 2 else "unlimited overs"
    if bpo == 5 and overs == 20:
        return "The Hundred"
    return {20: "T20", 50: "ODI"}.get(overs, f"{overs} overs")


def status_of(board: dict[str, Any]) -> str:
    """The match row's status for an engine snapshot."""
    if board["awaiting"] == "match_over":
        return Match.Status.FINISHED
    if board["awaiting"] == "innings_start":
        return Match.Status.INNINGS_BREAK if board["innings"] else Match.Status.SCHEDULED
    return Match.Status.LIVE


def match_info(match: Match, *, status: str | None = None) -> dict[str, Any]:
    return {
        "id": match.id,
        "title": match.title,
        "status": status or match.status,
        "teams": match.teams,
        "format": match.format,
    }


def snapshot_payload(match: Match, engine: Engine, *, status: str | None = None) -> dict[str, Any]:
    """The `snapshot` message: everything a fan page shows, at `engine.seq`."""
    board = scoreboard.snapshot(engine.match)
    status = status or status_of(board)
    return {
        "type": "snapshot",
        "seq": engine.seq,
        "match": match_info(match, status=status),
        "summary": scoreboard.summary(engine.match),
        "scoreboard": board,
        "commentary": engine.commentary(),
    }


def update_payload(
    match: Match,
    engine: Engine,
    *,
    before: dict[str, Any],
    event: dict[str, Any],
    entry: Entry,
) -> dict[str, Any]:
    """The `update` message for an appended event; a `snapshot` when the event changed more
    than one innings (e.g. penalty runs to the side not batting), so one message is enough."""
    board = scoreboard.snapshot(engine.match)
    status = status_of(board)
    old = before["innings"]
    changed = [i for i, inn in enumerate(board["innings"]) if i >= len(old) or old[i] != inn] or [
        len(board["innings"]) - 1
    ]
    if len(changed) > 1 or changed[0] < 0:
        return snapshot_payload(match, engine, status=status)
    index = changed[0]
    return {
        "type": "update",
        "seq": engine.seq,
        "match_id": match.id,
        "action": "append",
        "event": event,
        "innings": index,
        "scoreboard_innings": board["innings"][index],
        "live": board["current"],
        "overview": {key: board[key] for key in SNAPSHOT_KEYS_IN_UPDATE},
        "commentary": entry.to_dict(),
        "status": status,
        "summary": scoreboard.summary(engine.match),
    }
