"""This process's scorebooks (cricket.scorebook: the engine state at a log seq, each event's
log tag) and their cache.

A cached scorebook is trusted only when its seq and stamp equal the match row's; otherwise it is
rebuilt from the log. Writers hold the match's lock from apply to commit, so a reader never sees
a state that was not (or will not be) committed.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from cricket import codec
from cricket.scorebook import Scorebook, Tag, scorebook_replay
from cricket.setup import MatchSetup

__all__ = ["CACHE_SIZE", "Scorebook", "ScorebookCache", "Tag", "cache", "scorebook_replay"]

CACHE_SIZE = 256


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
