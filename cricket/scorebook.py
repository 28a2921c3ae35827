"""A match's scorebook: the engine state at a log seq, with each event's log tag (the seq that
added it and the scorer's line), and the parts of the fans' snapshot built from it.

Pure, like the rest of `cricket`: the server (scores/) and the scorer's browser (Pyodide, see
cricket/preview.py) build the same scoreboard and commentary from the same log with this code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, TypedDict

from cricket import scoreboard
from cricket.commands import Command, command_from_dict
from cricket.commentary import Line
from cricket.match import Match
from cricket.setup import MatchSetup

COMMENTARY_SHOWN = 50
"""Commentary entries in a snapshot (newest first)."""

Status = Literal["scheduled", "live", "innings_break", "finished"]


@dataclass(frozen=True)
class Tag:
    """What the app adds to an engine event: the log seq that added it, the scorer's line."""

    seq: int
    text: str | None


@dataclass
class Scorebook:
    """One match at log `seq`: `engine.events[i]` was added by log entry `tags[i].seq`."""

    engine: Match
    tags: list[Tag] = field(default_factory=list)
    seq: int = 0
    stamp: object = None  # the match row's creation time: ids can be reused (tests, restores)

    @classmethod
    def new(cls, setup: MatchSetup) -> Scorebook:
        return cls(engine=Match(setup))

    @property
    def setup(self) -> MatchSetup:
        return self.engine.setup

    def execute(self, command: Command, seq: int, text: str | None) -> None:
        """Apply a command as log entry `seq`; IllegalEvent leaves the scorebook unchanged."""
        command.apply(self.engine)
        tag = Tag(seq, text)
        if command.action == "append":
            self.tags.append(tag)
        elif command.action == "undo":
            self.tags.pop()
        else:
            assert command.at is not None
            i = command.at - 1
            if command.action == "replace":
                self.tags[i] = tag
            elif command.action == "insert":
                self.tags.insert(i, tag)
            else:
                del self.tags[i]
        self.seq = seq

    def entries(self, limit: int | None = None) -> list[tuple[Line, Tag]]:
        """The last `limit` (default all) events' commentary lines with their tags, in order."""
        lines, tags = self.engine.commentary, self.tags
        start = 0 if limit is None else max(0, len(tags) - limit)
        return list(zip(lines[start:], tags[start:], strict=True))


def scorebook_replay(
    setup: MatchSetup, log: Iterable[tuple[int, dict[str, Any], str | None]]
) -> Scorebook:
    """Rebuild a scorebook from stored (seq, payload, commentary) log rows in order."""
    book = Scorebook.new(setup)
    for seq, payload, text in log:
        book.execute(command_from_dict(payload), seq, text or None)
    return book


class CommentaryEntry(TypedDict):
    seq: int
    innings: int | None
    over: str | None
    label: str | None
    kind: str
    description: str
    text: str | None
    summary: str | None  # the over summary, on an over's last ball


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


def board_status(board: dict[str, Any]) -> Status:
    """The match's status for an engine snapshot."""
    if board["awaiting"] == "match_over":
        return "finished"
    if board["awaiting"] == "innings_start":
        return "innings_break" if board["innings"] else "scheduled"
    return "live"


class BoardParts(TypedDict):
    summary: str
    scoreboard: dict[str, Any]
    commentary: list[CommentaryEntry]


def board_parts(book: Scorebook) -> BoardParts:
    """The engine's part of a fans' snapshot: summary line, scoreboard, newest commentary."""
    return {
        "summary": scoreboard.summary(book.engine),
        "scoreboard": scoreboard.snapshot(book.engine),
        "commentary": [
            commentary_entry(line, tag) for line, tag in reversed(book.entries(COMMENTARY_SHOWN))
        ],
    }
