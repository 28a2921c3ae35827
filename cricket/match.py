"""The match: an append-only event log plus the state and commentary derived from it, with undo
and edits."""

from __future__ import annotations

from collections.abc import Iterable

from cricket.apply import apply_event
from cricket.commentary import Line, step
from cricket.errors import IllegalEvent
from cricket.events import Event, kind_of
from cricket.setup import MatchSetup
from cricket.state import MatchState
from cricket.values import is_whole_number

# A checkpoint every so many events bounds the replay needed by undo and edits.
CHECKPOINT_EVERY = 200


class Match:
    """A match being scored: ``apply`` appends an event in amortized O(1); ``undo``, ``replace``,
    ``insert`` and ``delete`` recompute from the nearest checkpoint.

    Events are numbered from 1 by their position (``at``); ``event_count`` is how many there are.
    ``commentary[i]`` describes ``events[i]``, rewritten by every replay, so it never goes stale.
    """

    def __init__(self, setup: MatchSetup, *, checkpoint_every: int = CHECKPOINT_EVERY) -> None:
        """``checkpoint_every=0`` keeps no checkpoints but the start (an importer that only
        appends need not pay for them; undo and edits then replay from the first event)."""
        if not isinstance(setup, MatchSetup):
            raise IllegalEvent("a match needs a MatchSetup")
        self.setup = setup
        self._every = checkpoint_every
        self._events: list[Event] = []
        self._lines: list[Line] = []
        self.state = MatchState.initial(setup)
        self._checkpoints: dict[int, MatchState] = {0: self._clone(self.state)}

    @classmethod
    def from_events(cls, setup: MatchSetup, events: Iterable[Event]) -> Match:
        """Build a match by applying ``events`` in order; raises IllegalEvent naming the bad one."""
        match = cls(setup)
        for event in events:
            try:
                match.apply(event)
            except IllegalEvent as exc:
                raise exc.again(
                    f"event #{match.event_count + 1} ({kind_of(event)}): {exc}"
                ) from None
        return match

    @property
    def events(self) -> tuple[Event, ...]:
        return tuple(self._events)

    @property
    def commentary(self) -> tuple[Line, ...]:
        """One line per event, in event order."""
        return tuple(self._lines)

    @property
    def event_count(self) -> int:
        return len(self._events)

    def _clone(self, state: MatchState) -> MatchState:
        return state.clone()

    def apply(self, event: Event) -> int:
        """Apply one event; return its number. Illegal events raise and change nothing."""
        before = self.state.version
        try:
            line = step(self.state, event)
        except IllegalEvent:
            if self.state.version != before:  # defensive: a handler must not half-apply
                self._restore(len(self._events))
            raise
        except Exception as exc:
            self._restore(len(self._events))
            raise IllegalEvent(f"cannot apply {type(event).__name__}: {exc!r}") from exc
        self._events.append(event)
        self._lines.append(line)
        n = len(self._events)
        if self._every and n % self._every == 0:
            self._checkpoints[n] = self._clone(self.state)
        return n

    def _replay(
        self, events: list[Event], start: int
    ) -> tuple[MatchState, dict[int, MatchState], list[Line]]:
        """State, checkpoints and commentary after ``events`` replayed from checkpoint
        ``start``; raises on an illegal one and changes nothing."""
        state = self._clone(self._checkpoints[start])
        checkpoints = {k: v for k, v in self._checkpoints.items() if k <= start}
        lines = self._lines[:start]
        for i in range(start, len(events)):
            try:
                lines.append(step(state, events[i]))
            except IllegalEvent as exc:
                # Not overridable: an override on the edit would not reach the later event.
                raise IllegalEvent(
                    f"that change would make event #{i + 1} ({kind_of(events[i])}) illegal: {exc}",
                    code="edit_conflict",
                ) from None
            if self._every and (i + 1) % self._every == 0:
                checkpoints[i + 1] = self._clone(state)
        return state, checkpoints, lines

    def _start_for(self, index: int) -> int:
        return max(k for k in self._checkpoints if k <= index)

    def _restore(self, n: int) -> None:
        self.state, self._checkpoints, self._lines = self._replay(
            self._events[:n], self._start_for(n)
        )

    def _rebuild(self, events: list[Event], first_changed: int) -> None:
        state, checkpoints, lines = self._replay(events, self._start_for(first_changed))
        self._events, self.state, self._checkpoints, self._lines = events, state, checkpoints, lines

    def state_before(self, at: int) -> MatchState:
        """A copy of the state just before event number ``at`` (from the nearest checkpoint)."""
        i = self._index(at, allow_end=True)
        start = self._start_for(i)
        state = self._clone(self._checkpoints[start])
        for event in self._events[start:i]:
            apply_event(state, event)
        return state

    def undo(self) -> None:
        """Remove the last event."""
        if not self._events:
            raise IllegalEvent("nothing to undo")
        self._rebuild(self._events[:-1], len(self._events) - 1)

    def _index(self, at: int, *, allow_end: bool = False) -> int:
        if not is_whole_number(at):
            raise IllegalEvent("an event number must be a whole number")
        high = len(self._events) + (1 if allow_end else 0)
        if not 1 <= at <= high:
            raise IllegalEvent(f"no event #{at} (the log has {len(self._events)})")
        return at - 1

    def replace(self, at: int, event: Event) -> None:
        """Replace event number ``at``; refused if any later event becomes illegal."""
        i = self._index(at)
        self._rebuild([*self._events[:i], event, *self._events[i + 1 :]], i)

    def insert(self, at: int, event: Event) -> None:
        """Insert ``event`` before event number ``at`` (``at = event_count + 1`` appends)."""
        i = self._index(at, allow_end=True)
        self._rebuild([*self._events[:i], event, *self._events[i:]], i)

    def delete(self, at: int) -> None:
        """Delete event number ``at``; refused if any later event becomes illegal."""
        i = self._index(at)
        self._rebuild(self._events[:i] + self._events[i + 1 :], i)
