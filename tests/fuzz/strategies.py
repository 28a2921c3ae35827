"""Hypothesis strategies for hostile input: frames of every shape, and the documented messages
(docs/protocol.md, docs/api.md) with wrong types in their fields."""

from __future__ import annotations

import dataclasses
import json
import typing
from typing import Any

from hypothesis import strategies as st

from cricket import events as ev

# Characters that break naive code: NUL and other controls, bidi overrides and marks, zero-width
# joiners, combining marks, emoji (astral plane), a BOM, the replacement character, line and
# paragraph separators. Lone surrogates cannot travel in a UTF-8 text frame, so none here.
ODD_CHARS = [
    "\x00", "\x01", "\x1b", "\x7f", "\t", "\n", "\r", "\u00a0", "\u0085",
    "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202a", "\u202e", "\u2066", "\u2069",
    "\u0301", "\u0336", "\u20dd", "\ufeff", "\ufffd", "\u2028", "\u2029",
    "😀", "👩‍👩‍👧", "🏏", "\U0001f1ee\U0001f1f3", "ﷺ", "ǅ", "İ", "ß", "אב", "مرحبا", "<", ">",
    "&", '"', "'", "\\", "/", "{", "}", "[", "]",
]  # fmt: skip

odd_text = st.lists(
    st.one_of(st.sampled_from(ODD_CHARS), st.characters(exclude_categories=("Cs",))),
    max_size=30,
).map("".join)
"""Short strings full of odd Unicode (no surrogates: they cannot be sent as UTF-8)."""

huge_ints = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([2**31 - 1, 2**31, 2**63 - 1, 2**63, 2**64, -(2**63) - 1, 10**100]),
)

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-5, max_value=600),
    huge_ints,
    st.floats(allow_nan=True, allow_infinity=True),
    odd_text,
)

json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(odd_text, children, max_size=4)
    ),
    max_leaves=12,
)
"""Any JSON value, including NaN and Infinity (Python's json module writes and reads them)."""


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def nested(depth: int, inner: str = "0") -> str:
    """JSON nested `depth` lists deep."""
    return "[" * depth + inner + "]" * depth


@st.composite
def deep_json(draw: st.DrawFn) -> str:
    depth = draw(st.sampled_from([50, 500, 990, 1500, 5000, 100_000]))
    kind = draw(st.sampled_from(["list", "object", "in_message"]))
    if kind == "list":
        return nested(depth)
    if kind == "object":
        return '{"a":' * depth + "1" + "}" * depth
    key = draw(st.sampled_from(["type", "command", "message", "id", "expect_seq", "x"]))
    return '{"type": "ping", "' + key + '": ' + nested(depth) + "}"


@st.composite
def invalid_json(draw: st.DrawFn) -> str:
    good = dumps(draw(st.dictionaries(odd_text, json_values, min_size=1, max_size=3)))
    cut = draw(st.integers(min_value=1, max_value=max(1, len(good) - 1)))
    return draw(
        st.sampled_from(
            [
                good[:cut],
                good + "}",
                good.replace(":", "=", 1),
                "{'type': 'ping'}",
                '{"type": "ping",}',
                "",
                " ",
                "nul\x00",
                '{"type": "ping"} {"type": "ping"}',
                '"\\ud800"',  # an escaped lone surrogate: valid JSON, odd string
                "1e999999",
                "9" * 5000,  # over Python's int digit limit
            ]
        )
    )


def huge_frame(limit: int) -> st.SearchStrategy[str]:
    """Text frames just over, well over, or (in bytes but not characters) over the limit."""
    return st.sampled_from(
        [
            "x" * (limit + 1),
            dumps({"type": "ping", "pad": "x" * limit}),
            dumps({"type": "chat.message", "message": "😀" * (limit // 4 + 1)}),
            dumps(
                {
                    "type": "command",
                    "expect_seq": 0,
                    "command": {"kind": "undo"},
                    "commentary": "é" * (limit // 2 + 1),
                }
            ),
        ]
    )


def raw_frames(limit: int) -> st.SearchStrategy[str | bytes]:
    """Frames that are not (good) JSON messages: random text and binary, bad and deep JSON,
    huge frames, and JSON values that are not messages."""
    return st.one_of(
        odd_text,
        st.binary(max_size=64),
        st.just(b""),
        invalid_json(),
        deep_json(),
        huge_frame(limit),
        json_values.map(dumps),
        st.dictionaries(odd_text, json_values, max_size=3).map(dumps),
        json_scalars.map(lambda t: dumps({"type": t})),
    )


# The documented messages: every field of every message, replaced by a value of a wrong type.


@st.composite
def mutated(draw: st.DrawFn, message: dict[str, Any]) -> dict[str, Any]:
    """`message` with one field replaced by any JSON value, removed, or an unknown key added."""
    message = dict(message)
    how = draw(st.sampled_from(["replace", "replace", "drop", "extra", "as_is"]))
    keys = sorted(message)
    if how == "replace" and keys:
        message[draw(st.sampled_from(keys))] = draw(json_values)
    elif how == "drop" and keys:
        message.pop(draw(st.sampled_from(keys)))
    elif how == "extra":
        message[draw(odd_text)] = draw(json_values)
    return message


def _field_values(hint: Any, names: list[str]) -> st.SearchStrategy[Any]:
    """A well-typed value for an engine event field (names from the match, small numbers)."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        return st.one_of(*(_field_values(a, names) for a in args))
    if hint is type(None):
        return st.none()
    if hint is bool:
        return st.booleans()
    if hint is int:
        return st.integers(min_value=0, max_value=7)
    if hint is str:
        return st.one_of(st.sampled_from(names), odd_text)
    if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
        return st.tuples(*(_field_values(a, names) for a in args))  # a par table row
    if origin is tuple:
        return st.lists(_field_values(args[0], names), max_size=2).map(tuple)
    if dataclasses.is_dataclass(hint):
        return event_fields(hint, names)
    return json_values


def event_fields(cls: type, names: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    hints = typing.get_type_hints(cls)
    fields = {f.name: _field_values(hints[f.name], names) for f in dataclasses.fields(cls)}
    return st.fixed_dictionaries({}, optional=fields)


def _to_json(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _to_json(v) for k, v in value.items()}
    return value


def engine_events(names: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """Engine event dicts of every kind, well typed but mostly illegal cricket; then mutated."""
    per_kind = [
        event_fields(cls, names).map(lambda d, k=kind: {"kind": k, **_to_json(d)})
        for kind, cls in ev.KINDS.items()
    ]
    return st.one_of(*per_kind).flatmap(lambda e: st.one_of(st.just(e), mutated(e)))


def scorer_commands(names: list[str]) -> st.SearchStrategy[Any]:
    """The `command` of a scorer message: events, undo, edits, and wrong shapes."""
    at = st.one_of(st.integers(min_value=-1, max_value=12), json_values)
    return st.one_of(
        engine_events(names),
        st.just({"kind": "undo"}),
        mutated({"kind": "undo"}),
        st.builds(lambda a, e: {"kind": "replace", "at": a, "event": e}, at, engine_events(names)),
        st.builds(lambda a, e: {"kind": "insert", "at": a, "event": e}, at, engine_events(names)),
        st.builds(lambda a: {"kind": "delete", "at": a}, at),
        json_values,
    )
