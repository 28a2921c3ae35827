"""A match's scorebook as this process holds it: the engine state at a log seq, with each
event's log tag (the seq that added it and the scorer's line), and the cache of scorebooks.

A cached scorebook is trusted only when its seq and stamp equal the match row's; otherwise it is
rebuilt from the log. Writers hold the match's lock from apply to commit, so a reader never sees
a state that was not (or will not be) committed.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import cricket
from cricket import codec
from cricket.commands import Command, command_from_dict
from cricket.commentary import Line
from cricket.setup import MatchSetup

CACHE_SIZE = 256


@dataclass(frozen=True)
class Tag:
    """What the app adds to an engine event: the log seq that added it, the scorer's line."""

    seq: int
    text: str | None


@dataclass
class Scorebook:
    """One match at log `seq`: `engine.events[i]` was added by log entry `tags[i].seq`."""

    engine: cricket.Match
    tags: list[Tag] = field(default_factory=list)
    seq: int = 0
    stamp: object = None  # the match row's creation time: ids can be reused (tests, restores)

    @classmethod
    def new(cls, setup: MatchSetup) -> Scorebook:
        return cls(engine=cricket.Match(setup))

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
    setup: MatchSetup, log: Iterable[tuple[int, dict[str, Any], str]]
) -> Scorebook:
    """Rebuild a scorebook from stored (seq, payload, commentary) log rows in order."""
    book = Scorebook.new(setup)
    for seq, payload, text in log:
        book.execute(command_from_dict(payload), seq, text or None)
    return book


def setup_decode(setup: dict[str, Any]) -> MatchSetup:
    return codec.setup_from_dict(setup)


class ScorebookCache:
    """Per-process scorebooks by match id (LRU), each trusted only at the database's seq."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._items: OrderedDict[int, Scorebook] = OrderedDict()
        self._locks: dict[int, threading.RLock] = {}

    def lock(self, match_id: int) -> threading.RLock:
        """The lock a writer holds from apply to commit, and a reader while it reads the state."""
        with self._lock:
            found = self._locks.get(match_id)
            if found is None:
                found = self._locks[match_id] = threading.RLock()
            return found

    def get(self, match_id: int) -> Scorebook | None:
        with self._lock:
            book = self._items.get(match_id)
            if book is not None:
                self._items.move_to_end(match_id)
            return book

    def put(self, match_id: int, book: Scorebook) -> None:
        with self._lock:
            self._items[match_id] = book
            self._items.move_to_end(match_id)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def drop(self, match_id: int) -> None:
        with self._lock:
            self._items.pop(match_id, None)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


cache = ScorebookCache()
