"""The command envelope: one decoder for the scorer socket and the HTTP API (no database)."""

from __future__ import annotations

from typing import Any

import pytest

from scores.commands import CommandRefused, envelope_decode

BALL = {"kind": "delivery", "runs": 1}


def test_a_whole_envelope_decodes_to_its_command() -> None:
    decoded = envelope_decode(
        {"type": "command", "id": "c1", "expect_seq": 3, "command": BALL, "commentary": " hi "},
        expect_seq_required=True,
    )
    assert (decoded.id, decoded.expect_seq, decoded.commentary) == ("c1", 3, "hi")
    assert decoded.command.to_dict()["runs"] == 1


def test_expect_seq_is_required_on_the_socket_only() -> None:
    assert envelope_decode({"command": BALL}, expect_seq_required=False).expect_seq is None
    with pytest.raises(CommandRefused, match="last seq"):
        envelope_decode({"command": BALL}, expect_seq_required=True)


@pytest.mark.parametrize(
    ("content", "code", "reason"),
    [
        ({"id": True, "expect_seq": 0, "command": BALL}, "invalid_command", "'id'"),
        ({"id": "x" * 101, "expect_seq": 0, "command": BALL}, "invalid_command", "'id'"),
        ({"expect_seq": 0, "command": BALL, "extra": 1}, "invalid_command", "extra"),
        ({"expect_seq": True, "command": BALL}, "invalid_command", "expect_seq"),
        ({"expect_seq": -1, "command": BALL}, "invalid_command", "expect_seq"),
        ({"expect_seq": "0", "command": BALL}, "invalid_command", "expect_seq"),
        ({"expect_seq": 0}, "invalid_command", "'command'"),
        ({"expect_seq": 0, "command": {"kind": "undo", "x": 1}}, "invalid_command", "undo"),
        ({"expect_seq": 0, "command": {"kind": "warp"}}, "illegal_event", "warp"),
        (
            {"expect_seq": 0, "command": {"kind": "new_batter", "player": "a\x00b"}},
            "invalid_command",
            "NUL",
        ),
        ({"expect_seq": 0, "command": BALL, "commentary": 5}, "invalid_command", "text"),
        ({"expect_seq": 0, "command": BALL, "commentary": "x" * 501}, "invalid_command", "500"),
        ({"expect_seq": 0, "command": BALL, "commentary": "a\x00"}, "invalid_command", "NUL"),
    ],
)
def test_a_bad_envelope_is_refused_with_a_code_and_reason(
    content: dict[str, Any], code: str, reason: str
) -> None:
    with pytest.raises(CommandRefused) as refused:
        envelope_decode(content, expect_seq_required=False)
    assert refused.value.code == code
    assert reason in refused.value.reason
