"""Scorer commands: decoded once from untrusted JSON, stored in canonical form, applied."""

from __future__ import annotations

import pytest

from cricket import IllegalEvent
from cricket.commands import Command, InvalidCommand, command_from_dict
from cricket.events import Delivery
from tests.cricket.helpers import started


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "delivery", "runs": 2},
        {"kind": "undo"},
        {"kind": "delete", "at": 3},
        {"kind": "replace", "at": 5, "event": {"kind": "delivery", "runs": 4}},
        {"kind": "insert", "at": 5, "event": {"kind": "new_batter", "player": "H3"}},
    ],
)
def test_a_command_reads_back_from_its_stored_form(data: dict[str, object]) -> None:
    command = command_from_dict(data)
    assert command_from_dict(command.to_dict()) == command
    assert command.kind == ("delivery" if data["kind"] == "delivery" else data["kind"])


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ([], "JSON object"),
        ({"runs": 1}, "string 'kind'"),
        ({"kind": "undo", "at": 1}, "no other keys"),
        ({"kind": "delete", "at": True}, "'at'"),
        ({"kind": "delete", "at": 0}, "'at'"),
        ({"kind": "replace", "at": 2}, "needs an 'event'"),
        ({"kind": "delete", "at": 2, "event": {}}, "does not take event"),
    ],
)
def test_a_malformed_command_is_refused_with_its_reason(data: object, reason: str) -> None:
    with pytest.raises(InvalidCommand, match=reason):
        command_from_dict(data)


def test_the_event_inside_a_command_is_checked_by_the_engine() -> None:
    with pytest.raises(IllegalEvent):
        command_from_dict({"kind": "warp"})
    with pytest.raises(IllegalEvent):
        command_from_dict({"kind": "replace", "at": 1, "event": {"kind": "delivery", "runs": -1}})


def test_commands_apply_to_a_match_and_a_refused_one_changes_nothing() -> None:
    m = started()
    Command("append", event=Delivery(runs=1)).apply(m)
    Command("append", event=Delivery(runs=2)).apply(m)
    Command("replace", event=Delivery(runs=6), at=5).apply(m)
    assert m.state.live is not None
    assert m.state.live.runs == 8
    Command("delete", at=6).apply(m)
    Command("undo").apply(m)
    assert m.event_count == 4
    with pytest.raises(IllegalEvent):
        Command("delete", at=9).apply(m)
    assert m.event_count == 4
