"""Events and setups to and from JSON-safe dicts; decoding validates untrusted input."""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any

from cricket import events as ev
from cricket.errors import IllegalEvent
from cricket.setup import MatchSetup, Rules, Team
from cricket.values import is_whole_number

# The largest integer JavaScript holds exactly (Number.MAX_SAFE_INTEGER): no count may pass it,
# whatever the engine's own, tighter, bounds on runs and balls say.
MAX_SAFE_INTEGER = 2**53 - 1

# Fields added to events after their first release: left out of an event's dict while they
# hold their default, so the dicts of old events (and what old clients read) do not change.
_LATER_FIELDS: dict[type, tuple[str, ...]] = {
    ev.Delivery: ("front_foot", "override"),
    ev.NewBatter: ("override",),
    ev.NewBowler: ("override",),
    ev.MiscountedOver: ("reason",),
    ev.RevisedTarget: ("balls", "par"),
}


def event_to_dict(event: ev.Event) -> dict[str, Any]:
    """A JSON-safe dict with a "kind" key, e.g. {"kind": "delivery", "runs": 4, ...}."""
    out: dict[str, Any] = {"kind": ev.kind_of(event)}
    later = _LATER_FIELDS.get(type(event), ())
    for f in dataclasses.fields(event):  # type: ignore[arg-type]
        value = getattr(event, f.name)
        if f.name in later and value == f.default:
            continue
        if f.name == "wickets" and isinstance(event, ev.Delivery):
            value = [
                {
                    "kind": w.kind,
                    "player_out": w.player_out,
                    "fielders": list(w.fielders),
                    "crossed": w.crossed,
                    "end": w.end,
                }
                for w in value
            ]
        elif f.name == "par" and value is not None:
            value = [[balls, list(pars)] for balls, pars in value]
        out[f.name] = value
    return out


_PLAIN: dict[Any, str] = {bool: "true or false", str: "text"}
"""Hints checked by type alone, with what the value must be."""


def _check(value: Any, hint: Any, where: str) -> Any:
    """Check ``value`` against a simple type hint (str, int, bool, None, unions, tuples)."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        errors = []
        for option in typing.get_args(hint):
            try:
                return _check(value, option, where)
            except IllegalEvent as exc:
                # "must be null" says least about a value that is there: report another.
                errors.append((option is type(None), str(exc)))
        errors.sort(key=lambda e: e[0])
        raise IllegalEvent(errors[0][1] if errors else f"{where} has the wrong type")
    if origin is typing.Literal:
        # A name from a fixed vocabulary: text here; which names the cricket allows (with the
        # scorer's reason) is the engine's to say when the event is applied.
        return _check(value, str, where)
    if hint is type(None):
        if value is not None:
            raise IllegalEvent(f"{where} must be null")
        return None
    if hint in _PLAIN:
        if not isinstance(value, hint):
            raise IllegalEvent(f"{where} must be {_PLAIN[hint]}")
        return value
    if hint is int:
        if not is_whole_number(value):
            raise IllegalEvent(f"{where} must be a whole number")
        if value < 0:
            raise IllegalEvent(f"{where} cannot be negative")
        if value > MAX_SAFE_INTEGER:
            raise IllegalEvent(f"{where} is too large")
        return value
    if origin is tuple:
        if not isinstance(value, (list, tuple)):
            raise IllegalEvent(f"{where} must be a list")
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_check(v, args[0], f"{where}[{i}]") for i, v in enumerate(value))
        # A fixed-length tuple, e.g. a par table row (balls, pars).
        if len(value) != len(args):
            raise IllegalEvent(f"{where} must be a list of {len(args)} items")
        return tuple(
            _check(v, a, f"{where}[{i}]") for i, (v, a) in enumerate(zip(value, args, strict=True))
        )
    if hint is ev.Wicket:
        return _dataclass(ev.Wicket, value, where)
    raise IllegalEvent(f"{where}: unsupported type")


def _dataclass(cls: Any, d: Any, where: str, *, skip: tuple[str, ...] = ()) -> Any:
    if not isinstance(d, dict):
        raise IllegalEvent(f"{where} must be an object")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(d) - set(fields) - set(skip))
    if unknown:
        raise IllegalEvent(f"{where}: unknown field(s) {', '.join(map(str, unknown))}")
    kwargs = {}
    for name, f in fields.items():
        if name not in d:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise IllegalEvent(f"{where}: missing field {name!r}")
            continue
        kwargs[name] = _check(d[name], hints[name], f"{where}.{name}")
    try:
        return cls(**kwargs)
    except IllegalEvent:
        raise
    except (TypeError, ValueError) as exc:
        raise IllegalEvent(f"{where}: {exc}") from None


def event_from_dict(d: dict[str, Any]) -> ev.Event:
    """Decode an event dict from untrusted JSON; raises IllegalEvent with a clear reason."""
    if not isinstance(d, dict):
        raise IllegalEvent("an event must be a JSON object")
    kind = d.get("kind")
    if not isinstance(kind, str) or kind not in ev.KINDS:
        raise IllegalEvent(f"unknown event kind {kind!r}")
    event: ev.Event = _dataclass(ev.KINDS[kind], d, kind, skip=("kind",))
    return event


def setup_to_dict(setup: MatchSetup) -> dict[str, Any]:
    """A JSON-safe dict for a match setup."""
    return {
        "home": _team_dict(setup.home),
        "away": _team_dict(setup.away),
        "rules": dataclasses.asdict(setup.rules),
        "toss_winner": setup.toss_winner,
        "toss_decision": setup.toss_decision,
    }


def _team_dict(team: Team) -> dict[str, Any]:
    return {
        "name": team.name,
        "players": list(team.players),
        "substitutes": list(team.substitutes),
        "short_name": team.short_name,
    }


def setup_from_dict(d: dict[str, Any]) -> MatchSetup:
    """Decode and validate a setup dict from untrusted JSON."""
    if not isinstance(d, dict):
        raise IllegalEvent("a setup must be a JSON object")
    unknown = sorted(set(d) - {"home", "away", "rules", "toss_winner", "toss_decision"})
    if unknown:
        raise IllegalEvent(f"setup: unknown field(s) {', '.join(unknown)}")
    for side in ("home", "away"):
        if side not in d:
            raise IllegalEvent(f"setup: missing {side} team")
    home = _dataclass(Team, d["home"], "home")
    away = _dataclass(Team, d["away"], "away")
    rules = _dataclass(Rules, d.get("rules", {}), "rules")
    toss_winner = _check(d.get("toss_winner"), str | None, "toss_winner")
    toss_decision = _check(d.get("toss_decision"), str | None, "toss_decision")
    return MatchSetup(home, away, rules, toss_winner, toss_decision)
