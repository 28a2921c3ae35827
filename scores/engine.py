"""The engine side of a match: scorer commands decoded, applied to a cricket.Match, and the
per-process cache of engine states that spares a replay of the whole log on every ball.

A cached state is trusted only when its seq equals the seq stored in the database; otherwise it
is rebuilt from the log. Writers hold the entry's lock from apply to commit, so a reader never
sees a state that was not (or will not be) committed.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cricket import codec
from cricket import events as ev
from cricket.errors import IllegalEvent
from cricket.match import Match as EngineMatch
from cricket.setup import MatchSetup

EDITS = ("replace", "insert", "delete")
CACHE_SIZE = 256
COMMENTARY_SHOWN = 50
MAX_COMMENTARY_CHARS = 500


class InvalidCommand(ValueError):
    """A command whose shape is wrong (not the cricket: that is IllegalEvent)."""


@dataclass(frozen=True)
class Command:
    """A decoded scorer command: append an event, undo the last one, or edit event `at`."""

    action: str  # "append" | "undo" | "replace" | "insert" | "delete"
    event: ev.Event | None = None
    at: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The canonical form stored in the log."""
        if self.action == "append":
            assert self.event is not None
            return codec.event_to_dict(self.event)
        if self.action == "undo":
            return {"kind": "undo"}
        out: dict[str, Any] = {"kind": self.action, "at": self.at}
        if self.event is not None:
            out["event"] = codec.event_to_dict(self.event)
        return out


def command_decode(data: Any) -> Command:
    """Decode a command dict from untrusted JSON: InvalidCommand for its shape, IllegalEvent
    (with the engine's reason) for the event inside it."""
    if not isinstance(data, dict):
        raise InvalidCommand("command must be a JSON object with a 'kind'")
    if has_nul(data):
        raise InvalidCommand("command text may not contain NUL characters")
    kind = data.get("kind")
    if not isinstance(kind, str):
        raise InvalidCommand("command needs a string 'kind'")
    if kind == "undo":
        if set(data) != {"kind"}:
            raise InvalidCommand("undo takes no other keys")
        return Command("undo")
    if kind in EDITS:
        allowed = {"kind", "at"} | ({"event"} if kind != "delete" else set())
        extra = sorted(set(data) - allowed)
        if extra:
            raise InvalidCommand(f"{kind} does not take {', '.join(extra)}")
        at = data.get("at")
        if not isinstance(at, int) or isinstance(at, bool) or at < 1:
            raise InvalidCommand(f"{kind} needs 'at': the engine seq (1 or more) of the event")
        if kind == "delete":
            return Command("delete", at=at)
        if "event" not in data:
            raise InvalidCommand(f"{kind} needs an 'event'")
        return Command(kind, event=codec.event_from_dict(data["event"]), at=at)
    return Command("append", event=codec.event_from_dict(data))


def has_nul(value: Any) -> bool:
    """Whether a JSON value holds a NUL character in any string or key (PostgreSQL can store
    neither in text nor in jsonb, so such input is refused on every database alike)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def setup_decode(setup: dict[str, Any]) -> MatchSetup:
    return codec.setup_from_dict(setup)


# Commentary: one entry per engine event, kept aligned with the engine's event list.


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _delivery_words(d: ev.Delivery) -> str:
    words = []
    if d.wickets:
        words.append("OUT (" + ", ".join(w.kind for w in d.wickets) + ")")
    if d.wides:
        words.append(_plural(d.wides, "wide"))
    if d.noballs:
        words.append("no ball")
    boundary = d.boundary is not False and d.runs in (4, 6)
    if boundary:
        words.append("FOUR" if d.runs == 4 else "SIX")
    elif d.runs:
        words.append(_plural(d.runs, "run"))
    if d.byes:
        words.append(_plural(d.byes, "bye"))
    if d.legbyes:
        words.append(_plural(d.legbyes, "leg bye"))
    if d.penalty:
        words.append(f"{d.penalty} penalty")
    return ", ".join(words) or "no run"


def _describe(event: ev.Event) -> str:
    if isinstance(event, ev.StartInnings):
        return f"{event.batting or 'the next side'} to bat" + (
            " (super over)" if event.super_over else ""
        )
    if isinstance(event, ev.NewBatter):
        return f"{event.player} comes in"
    if isinstance(event, ev.NewBowler):
        return f"{event.bowler} to bowl"
    if isinstance(event, ev.Retirement):
        return f"{event.player} retires {event.reason}"
    if isinstance(event, ev.TimedOut):
        return f"{event.player} timed out"
    if isinstance(event, ev.Absent):
        return f"{event.player} absent {event.reason}"
    if isinstance(event, ev.Substitute):
        return f"{event.player_in} on for {event.player_out} ({event.team})"
    if isinstance(event, ev.PenaltyRuns):
        return f"{_plural(event.runs, 'penalty run')} to {event.team}"
    if isinstance(event, ev.RevisedTarget):
        parts = [f"target {event.runs}" if event.runs is not None else ""]
        parts.append(f"{event.overs} overs" if event.overs is not None else "")
        return f"revised ({event.method}): " + ", ".join(p for p in parts if p)
    if isinstance(event, ev.Result):
        return event.text or f"result: {event.outcome}"
    text = ev.kind_of(event).replace("_", " ")
    reason = getattr(event, "reason", "")
    return f"{text} ({reason})" if reason else text


@dataclass
class Entry:
    """What fans see of one engine event in the commentary."""

    seq: int  # the log seq that added the event
    text: str | None  # the scorer's commentary line
    innings: int | None = None
    over: str | None = None
    label: str | None = None
    description: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "innings": self.innings,
            "over": self.over,
            "label": self.label,
            "description": self.description,
            "text": self.text,
        }


def apply_described(match: EngineMatch, event: ev.Event, seq: int, text: str | None) -> Entry:
    """Apply an event to the engine and describe it for the commentary."""
    entry = Entry(seq=seq, text=text)
    inn = match.state.live
    if isinstance(event, ev.Delivery) and inn is not None:
        striker = event.striker or inn.striker
        bowler = event.bowler or inn.bowler
        entry.innings = inn.number
        entry.over = f"{inn.overs}.{inn.balls + 1}"
        match.apply(event)
        labels = inn.this_over or inn.last_over
        entry.label = labels[-1] if labels else None
        entry.description = f"{bowler} to {striker}, {_delivery_words(event)}"
        return entry
    match.apply(event)
    live = match.state.live or (match.state.innings[-1] if match.state.innings else None)
    if live is not None:
        entry.innings = live.number
        entry.over = live.overs_display
    entry.description = _describe(event)
    return entry


@dataclass
class Engine:
    """One match's engine state at log `seq`, with its commentary entries."""

    setup: MatchSetup
    match: EngineMatch
    entries: list[Entry]
    seq: int = 0
    stamp: object = None  # the match row's creation time: ids can be reused (tests, restores)

    @classmethod
    def new(cls, setup: MatchSetup) -> Engine:
        return cls(setup=setup, match=EngineMatch(setup), entries=[])

    def execute(self, command: Command, seq: int, text: str | None) -> None:
        """Apply a command as log entry `seq`; IllegalEvent leaves the state unchanged."""
        if command.action == "append":
            assert command.event is not None
            self.entries.append(apply_described(self.match, command.event, seq, text))
        elif command.action == "undo":
            self.match.undo()
            self.entries.pop()
            self._rebuild_entries(len(self.entries))
        else:
            assert command.at is not None
            i = command.at - 1
            entries = list(self.entries)
            if command.action == "replace":
                assert command.event is not None
                self.match.replace(command.at, command.event)
                entries[i] = Entry(seq=seq, text=text)
            elif command.action == "insert":
                assert command.event is not None
                self.match.insert(command.at, command.event)
                entries.insert(i, Entry(seq=seq, text=text))
            else:
                self.match.delete(command.at)
                del entries[i]
            self.entries = entries
            self._rebuild_entries(i)
        self.seq = seq

    def _rebuild_entries(self, start: int) -> None:
        """Re-derive overs and labels after an edit (later balls may have moved)."""
        if start >= len(self.entries):
            return
        replay = EngineMatch.from_events(self.setup, self.match.events[:start])
        for i in range(start, len(self.entries)):
            old = self.entries[i]
            self.entries[i] = apply_described(replay, self.match.events[i], old.seq, old.text)

    def commentary(self, limit: int = COMMENTARY_SHOWN) -> list[dict[str, Any]]:
        """Newest first."""
        return [e.to_dict() for e in reversed(self.entries[-limit:])]


def engine_replay(setup: MatchSetup, log: Iterable[tuple[int, dict[str, Any], str]]) -> Engine:
    """Rebuild an engine from stored (seq, payload, commentary) log rows in order."""
    engine = Engine.new(setup)
    for seq, payload, text in log:
        engine.execute(command_decode(payload), seq, text or None)
    return engine


class EngineCache:
    """Per-process engine states by match id (LRU), each trusted only at the DB's seq."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._items: OrderedDict[int, Engine] = OrderedDict()
        self._locks: dict[int, threading.RLock] = {}

    def lock(self, match_id: int) -> threading.RLock:
        """The lock a writer holds from apply to commit, and a reader while it reads the state."""
        with self._lock:
            found = self._locks.get(match_id)
            if found is None:
                found = self._locks[match_id] = threading.RLock()
            return found

    def get(self, match_id: int) -> Engine | None:
        with self._lock:
            engine = self._items.get(match_id)
            if engine is not None:
                self._items.move_to_end(match_id)
            return engine

    def put(self, match_id: int, engine: Engine) -> None:
        with self._lock:
            self._items[match_id] = engine
            self._items.move_to_end(match_id)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def drop(self, match_id: int) -> None:
        with self._lock:
            self._items.pop(match_id, None)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


cache = EngineCache()


def illegal_reason(exc: IllegalEvent) -> str:
    return str(exc) or "that event is not allowed here"
