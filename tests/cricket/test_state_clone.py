"""MatchState.clone (checkpoints and undo) is a deep copy: equal, and sharing nothing mutable."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

from cricket import cricsheet
from cricket.events import Delivery, NewBowler
from cricket.match import Match
from cricket.setup import MatchSetup
from tests.cricket.helpers import started

DATA = Path(__file__).resolve().parents[1] / "data" / "cricsheet"


def _mutables(obj: object, seen: dict[int, object]) -> None:
    """Every list, dict, set and dataclass reachable from ``obj`` (but the immutable setup)."""
    if isinstance(obj, MatchSetup) or id(obj) in seen:
        return
    if isinstance(obj, (list, dict, set)) or dataclasses.is_dataclass(obj):
        seen[id(obj)] = obj
    if isinstance(obj, dict):
        for k, v in obj.items():
            _mutables(k, seen)
            _mutables(v, seen)
    elif isinstance(obj, (list, tuple, set)):
        for v in obj:
            _mutables(v, seen)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            _mutables(getattr(obj, f.name), seen)


def _check(match: Match) -> None:
    state = match.state
    clone = state.clone()
    assert clone == copy.deepcopy(state)
    assert clone.setup is state.setup
    a: dict[int, object] = {}
    b: dict[int, object] = {}
    _mutables(state, a)
    _mutables(clone, b)
    shared = set(a) & set(b)
    assert [type(a[i]).__name__ for i in shared] == []


def test_a_clone_of_a_test_match_state_shares_nothing_mutable() -> None:
    # A Test with penalty runs, declarations, partnerships, fall of wickets and four innings.
    _check(cricsheet.load_match(DATA / "1389401.json"))


def test_a_clone_mid_innings_with_notes_and_substitutes_shares_nothing_mutable() -> None:
    _check(cricsheet.load_match(DATA / "1370353.json"))  # impact player, revised target
    m = started()
    for _ in range(6):
        m.apply(Delivery(runs=1))
    m.apply(NewBowler("A11", override="umpires"))  # a note
    m.apply(Delivery(runs=2))
    _check(m)
