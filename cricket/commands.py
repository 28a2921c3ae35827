"""Scorer commands: append an event, undo the last one, or edit the event numbered `at`.

A command is what a scorer sends and what the app's log stores; `Command.apply` carries it out on
a `cricket.Match`. `command_from_dict` decodes untrusted JSON once, for every transport.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from cricket import codec
from cricket import events as ev
from cricket.match import Match
from cricket.values import is_whole_number

Action = Literal["append", "undo", "replace", "insert", "delete"]
EDITS: tuple[Action, ...] = ("replace", "insert", "delete")


class InvalidCommand(ValueError):
    """A command whose shape is wrong (not the cricket: that is IllegalEvent)."""


@dataclass(frozen=True)
class Command:
    """A decoded scorer command. `event` is set for append, replace and insert; `at` (the event
    number, from 1) for the edits."""

    action: Action
    event: ev.Event | None = None
    at: int | None = None

    @property
    def kind(self) -> str:
        """The log's name for it: the event's kind for an append, else the action."""
        if self.action == "append":
            assert self.event is not None
            return ev.kind_of(self.event)
        return self.action

    def to_dict(self) -> dict[str, Any]:
        """The canonical form stored in the log (what `command_from_dict` reads back)."""
        if self.action == "append":
            assert self.event is not None
            return codec.event_to_dict(self.event)
        if self.action == "undo":
            return {"kind": "undo"}
        out: dict[str, Any] = {"kind": self.action, "at": self.at}
        if self.event is not None:
            out["event"] = codec.event_to_dict(self.event)
        return out

    def apply(self, match: Match) -> None:
        """Carry the command out; IllegalEvent leaves the match unchanged."""
        if self.action == "append":
            assert self.event is not None
            match.apply(self.event)
        elif self.action == "undo":
            match.undo()
        elif self.action == "delete":
            assert self.at is not None
            match.delete(self.at)
        else:
            assert self.at is not None
            assert self.event is not None
            (match.replace if self.action == "replace" else match.insert)(self.at, self.event)


def command_from_dict(data: object) -> Command:
    """Decode a command from untrusted JSON: InvalidCommand for its shape, IllegalEvent (with the
    engine's reason) for the event inside it."""
    if not isinstance(data, dict):
        raise InvalidCommand("command must be a JSON object with a 'kind'")
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
        if not is_whole_number(at) or at < 1:
            raise InvalidCommand(f"{kind} needs 'at': the number (1 or more) of the event")
        if kind == "delete":
            return Command("delete", at=at)
        if "event" not in data:
            raise InvalidCommand(f"{kind} needs an 'event'")
        action: Action = "replace" if kind == "replace" else "insert"
        return Command(action, event=codec.event_from_dict(data["event"]), at=at)
    return Command("append", event=codec.event_from_dict(data))
