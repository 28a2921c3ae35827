"""The live-score messages of docs/protocol.md: one TypedDict and one builder each.

Built from a match row and its scorebook, rendered to JSON once (when the log entry is written)
and sent as stored to every fan.
"""

from __future__ import annotations

from typing import Any, Literal, TypedDict

from cricket import codec, scoreboard
from cricket.commentary import Line
from cricket.events import Event
from scores.models import Match
from scores.scorebook import Scorebook, Tag

COMMENTARY_SHOWN = 50
"""Commentary entries in a snapshot (newest first)."""
OVERVIEW_KEYS = (
    "teams",
    "awaiting",
    "bowlers",
    "batters_available",
    "next_innings",
    "follow_on_available",
    "status",
    "result",
    "winner",
    "events",
)
"""The scoreboard's top-level keys an `update` carries besides the changed innings."""

Status = Literal["scheduled", "live", "innings_break", "finished"]
Scoreboard = dict[str, Any]
"""cricket.scoreboard.snapshot(): the engine's JSON-safe view of the whole match."""


class MatchInfo(TypedDict):
    id: int
    title: str
    status: str
    teams: list[str]
    format: str


class CommentaryEntry(TypedDict):
    seq: int
    innings: int | None
    over: str | None
    label: str | None
    kind: str
    description: str
    text: str | None
    summary: str | None  # the over summary, on an over's last ball


class Snapshot(TypedDict):
    type: Literal["snapshot"]
    seq: int
    match: MatchInfo
    summary: str
    scoreboard: Scoreboard
    commentary: list[CommentaryEntry]


class Update(TypedDict):
    type: Literal["update"]
    seq: int
    match_id: int
    action: Literal["append"]
    event: dict[str, Any]
    innings: int
    scoreboard_innings: dict[str, Any]
    live: dict[str, Any]
    overview: dict[str, Any]
    commentary: CommentaryEntry
    status: str
    summary: str


class MatchItem(TypedDict):
    id: int
    title: str
    status: str
    summary: str
    teams: list[str]
    format: str
    seq: int
    watching: int | None


class MatchesList(TypedDict):
    type: Literal["matches"]
    matches: list[MatchItem]


class MatchListed(TypedDict):
    type: Literal["match"]
    match_id: int
    status: str
    match: MatchItem | None


class Ack(TypedDict):
    type: Literal["ack"]
    id: str | int | None
    seq: int


class Pong(TypedDict, total=False):
    type: Literal["pong"]
    seq: int


def match_status(board: Scoreboard) -> Status:
    """The match row's status for an engine snapshot."""
    if board["awaiting"] == "match_over":
        return "finished"
    if board["awaiting"] == "innings_start":
        return "innings_break" if board["innings"] else "scheduled"
    return "live"


def commentary_entry(line: Line, tag: Tag) -> CommentaryEntry:
    return {
        "seq": tag.seq,
        "innings": line.innings,
        "over": line.over,
        "label": line.label,
        "kind": line.kind,
        "description": line.description,
        "text": tag.text,
        "summary": line.summary,
    }


def match_info(match: Match, *, status: str) -> MatchInfo:
    return {
        "id": match.id,
        "title": match.title,
        "status": status,
        "teams": match.teams,
        "format": match.format,
    }


def snapshot_message(match: Match, book: Scorebook) -> Snapshot:
    """Everything a fan page shows, at `book.seq`."""
    board = scoreboard.snapshot(book.engine)
    return {
        "type": "snapshot",
        "seq": book.seq,
        "match": match_info(match, status=match_status(board)),
        "summary": scoreboard.summary(book.engine),
        "scoreboard": board,
        "commentary": [
            commentary_entry(line, tag) for line, tag in reversed(book.entries(COMMENTARY_SHOWN))
        ],
    }


def update_message(
    match: Match, book: Scorebook, *, event: Event, before: Scoreboard
) -> Update | Snapshot:
    """The `update` for `event`, just appended (`before`: the scoreboard before it); a
    `snapshot` when the event changed more than one innings (e.g. penalty runs to the side not
    batting), so that one message is always enough."""
    board = scoreboard.snapshot(book.engine)
    old = before["innings"]
    changed = [i for i, inn in enumerate(board["innings"]) if i >= len(old) or old[i] != inn] or [
        len(board["innings"]) - 1
    ]
    if len(changed) > 1 or changed[0] < 0:
        return snapshot_message(match, book)
    index = changed[0]
    line, tag = book.entries(1)[0]
    return {
        "type": "update",
        "seq": book.seq,
        "match_id": match.id,
        "action": "append",
        "event": codec.event_to_dict(event),
        "innings": index,
        "scoreboard_innings": board["innings"][index],
        "live": board["current"],
        "overview": {key: board[key] for key in OVERVIEW_KEYS},
        "commentary": commentary_entry(line, tag),
        "status": match_status(board),
        "summary": scoreboard.summary(book.engine),
    }


def match_item(match: Match, *, watching: int | None = None) -> MatchItem:
    """One match as a list shows it (the items of `matches`, and `match`'s `match`)."""
    return {
        "id": match.id,
        "title": match.title,
        "status": match.status,
        "summary": match.summary,
        "teams": match.teams,
        "format": match.format,
        "seq": match.seq,
        "watching": watching,
    }


def matches_message(items: list[MatchItem]) -> MatchesList:
    return {"type": "matches", "matches": items}


def match_listed_message(match_id: int, status: str, item: MatchItem | None) -> MatchListed:
    """A match changed status (`item` None) or appeared on the list (`item` given)."""
    return {"type": "match", "match_id": match_id, "status": status, "match": item}


def ack_message(command_id: str | int | None, seq: int) -> Ack:
    return {"type": "ack", "id": command_id, "seq": seq}


def pong_message(seq: int | None) -> Pong:
    """The heartbeat's answer; with the followed match's stored seq when asked for it."""
    return {"type": "pong"} if seq is None else {"type": "pong", "seq": seq}
