"""The live-score messages of docs/protocol.md: one TypedDict and one builder each.

Built from a match row and its scorebook, rendered to JSON once (when the log entry is written)
and sent as stored to every fan.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

from cricket.scorebook import (
    CommentaryEntry,
    Status,
    board_parts,
    board_status,
)
from cricket.setup import MatchSetup
from realtime import delta
from realtime.frames import encode
from scores.models import Match
from scores.scorebook import Scorebook

NOT_IN_DOCUMENT = ("type", "seq")
"""A snapshot's keys that an update's edit leaves out: the document is the rest (every key a
snapshot gains later included, the summary line too); an update carries `seq` itself.

An update carries nothing else the edit can say: its match's id, status, summary and event count
are in the document, and repeating them cost a fan ~150 bytes a ball (issue 14). The match
list, which keeps no document, gets its own `score` line (`score_message`)."""

Scoreboard = dict[str, Any]
"""cricket.scoreboard.snapshot(): the engine's JSON-safe view of the whole match."""


class MatchInfo(TypedDict):
    id: int
    title: str
    status: str
    teams: list[str]
    format: str
    competition: str | None
    stage: str | None
    venue: str | None
    start_date: str | None
    """ISO date (YYYY-MM-DD) of the first day."""
    end_date: str | None
    """ISO date of the last day of a match of more than one day, else None."""
    toss: str | None
    """e.g. "CSK won the toss and chose to field"."""
    player_of_match: str | None
    umpires: str | None
    captains: dict[str, str]
    """Team name -> its captain's name, for the teams that have one set."""
    keepers: dict[str, str]
    """Team name -> its wicket-keeper's name, for the teams that have one set."""


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
    base: int
    sum: int
    edit: delta.Edit


class Score(TypedDict):
    type: Literal["score"]
    match_id: int
    seq: int
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
    competition: str | None
    stage: str | None
    venue: str | None
    start_date: str | None


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
    duplicate: NotRequired[bool]  # a retry of a stored command: its original seq, nothing stored


class Pong(TypedDict, total=False):
    type: Literal["pong"]
    seq: int


def match_status(board: Scoreboard) -> Status:
    """The match row's status for an engine snapshot."""
    return board_status(board)


def match_info(match: Match, *, status: str, setup: MatchSetup | None = None) -> MatchInfo:
    """The match's identity and context (`setup`: its engine setup, for the toss)."""
    home, away = match.teams
    toss = setup.toss_text() if setup is not None else None
    return {
        "id": match.id,
        "title": match.title,
        "status": status,
        "teams": match.teams,
        "format": match.format,
        "competition": match.competition or None,
        "stage": match.stage or None,
        "venue": match.venue or None,
        "start_date": match.start_date.isoformat() if match.start_date else None,
        "end_date": match.end_date.isoformat() if match.end_date else None,
        "toss": toss,
        "player_of_match": match.player_of_match or None,
        "umpires": match.umpires or None,
        "captains": _by_team(home, match.home_captain, away, match.away_captain),
        "keepers": _by_team(home, match.home_keeper, away, match.away_keeper),
    }


def _by_team(home: str, home_name: str, away: str, away_name: str) -> dict[str, str]:
    return {team: name for team, name in ((home, home_name), (away, away_name)) if name}


def snapshot_message(match: Match, book: Scorebook) -> Snapshot:
    """Everything a fan page shows, at `book.seq` (the scorer's browser builds the same from
    the same log: cricket/preview.py)."""
    parts = board_parts(book)
    return {
        "type": "snapshot",
        "seq": book.seq,
        "match": match_info(match, status=match_status(parts["scoreboard"]), setup=book.setup),
        **parts,
    }


def document(message: Snapshot) -> dict[str, Any]:
    """The part of a snapshot that updates edit (docs/protocol.md, "Delta updates")."""
    return {key: value for key, value in message.items() if key not in NOT_IN_DOCUMENT}


def update_message(*, before: Snapshot, after: Snapshot) -> Update | Snapshot:
    """What fans get for one log entry (`before`, `after`: the snapshots either side of it): an
    `update` that edits the snapshot's document into the new one, or the new `snapshot` itself
    when that is no bigger or the document cannot be edited exactly (docs/protocol.md)."""
    try:
        old, new = delta.canonical(document(before)), delta.canonical(document(after))
    except delta.NotCanonical:
        return after
    update: Update = {
        "type": "update",
        "seq": after["seq"],
        "base": before["seq"],
        "sum": delta.checksum(new),
        "edit": delta.diff(old, new),
    }
    if len(encode(update)) >= len(encode(after)):
        return after
    return update


def score_message(match_id: int, seq: int, *, status: str, summary: str) -> Score:
    """A match's summary line after a log entry, for the match list (which folds no updates)."""
    return {"type": "score", "match_id": match_id, "seq": seq, "status": status, "summary": summary}


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
        "competition": match.competition or None,
        "stage": match.stage or None,
        "venue": match.venue or None,
        "start_date": match.start_date.isoformat() if match.start_date else None,
    }


def matches_message(items: list[MatchItem]) -> MatchesList:
    return {"type": "matches", "matches": items}


def match_listed_message(match_id: int, status: str, item: MatchItem | None) -> MatchListed:
    """A match changed status (`item` None) or appeared on the list (`item` given)."""
    return {"type": "match", "match_id": match_id, "status": status, "match": item}


def ack_message(command_id: str | int | None, seq: int, *, duplicate: bool = False) -> Ack:
    ack: Ack = {"type": "ack", "id": command_id, "seq": seq}
    if duplicate:
        ack["duplicate"] = True
    return ack


def pong_message(seq: int | None) -> Pong:
    """The heartbeat's answer; with the followed match's stored seq when asked for it."""
    return {"type": "pong"} if seq is None else {"type": "pong", "seq": seq}
