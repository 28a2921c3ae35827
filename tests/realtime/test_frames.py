"""Decoding client JSON: nesting is bounded the same way wherever a frame is decoded."""

from __future__ import annotations

import pytest

from realtime.frames import MAX_DEPTH, decode


def test_json_nested_up_to_the_bound_decodes_and_deeper_is_refused() -> None:
    assert decode("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None
    with pytest.raises(ValueError, match="nested"):
        decode("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    with pytest.raises(ValueError, match="nested"):
        decode('{"a":' * 100_000 + "1" + "}" * 100_000)  # would be a RecursionError


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    text = '{"type": "chat.message", "message": "' + "[{" * 200 + '\\"]"}'
    assert decode(text)["type"] == "chat.message"


def test_invalid_json_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        decode("{nope")
    with pytest.raises(ValueError):
        decode(b"\xff\xfe")
