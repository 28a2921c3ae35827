"""realtime/delta.py: canonical text as JavaScript writes it, and edits that are always exact."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from realtime import delta

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53) + 1, 2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False).filter(
        lambda x: abs(x) < 2**53 if x.is_integer() else 1e-4 <= abs(x) < 1e16
    )
    | st.text(st.characters(max_codepoint=0xFFFF, exclude_categories=("Cs",)), max_size=12),
    lambda children: (
        st.lists(children, max_size=6)
        | st.dictionaries(
            st.text(max_size=6).filter(lambda k: delta._NOT_UTF16_SAFE.search(k) is None),
            children,
            max_size=6,
        )
    ),
    max_leaves=40,
)


def roundtrip(old: object, new: object) -> str:
    before, after = delta.canonical(old), delta.canonical(new)
    edit = json.loads(json.dumps(delta.diff(before, after)))  # as it travels
    assert delta.apply(before, edit) == after
    return after


@settings(max_examples=300, deadline=None)
@given(json_values, json_values)
def test_an_edit_between_any_two_documents_gives_exactly_the_second(old, new):
    roundtrip(old, new)


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_canonical_text_reads_back_to_the_same_value_and_text(value):
    text = delta.canonical(value)
    assert delta.canonical(json.loads(text)) == text
    assert json.loads(text) == json.loads(json.dumps(value))


def test_canonical_text_is_what_javascript_writes():
    # JSON.stringify: integral numbers without ".0", array-index keys first in numeric order.
    value = {"b": 1.0, "10": "x", "a": [2.5, -0.0], "2": None, "01": True}
    assert delta.canonical(value) == '{"2":null,"10":"x","b":1,"a":[2.5,0],"01":true}'


@pytest.mark.parametrize(
    "value",
    [1e-5, 2**53, {"k": "\U0001f3cf"}, {1: "int key"}, "\ud800", object()],
    ids=["tiny float", "big int", "astral", "int key", "lone surrogate", "not json"],
)
def test_values_javascript_would_write_differently_are_refused(value):
    with pytest.raises(delta.NotCanonical):
        delta.canonical(value)


def test_an_item_put_in_front_of_a_list_travels_as_that_item_alone():
    entries = [{"seq": n, "over": f"3.{n % 6}", "text": f"ball {n}"} for n in range(50, 0, -1)]
    old = delta.canonical({"commentary": entries})
    new = delta.canonical(
        {"commentary": [{"seq": 51, "over": "8.3", "text": "ball 51"}, *entries[:-1]]}
    )
    edit = delta.diff(old, new)
    assert delta.apply(old, edit) == new
    assert len(json.dumps(edit)) < 90


@pytest.mark.parametrize(
    "edit",
    [{"a": 1}, [0], [0, "x"], [0, 999], [-1, 2], [0, -1], [True, 1], [1.5, 2], [None]],
)
def test_an_edit_that_does_not_fit_is_a_doubt(edit):
    with pytest.raises(delta.Doubt):
        delta.apply('{"a":1}', edit)


def test_the_checksum_is_adler32_of_the_utf16le_bytes():
    assert delta.checksum("") == 1
    # The same text with a non-ASCII character differs, and the sum is what delta.js computes:
    # (b << 16) | a over the low then the high byte of each UTF-16 unit.
    a, b = 1, 0
    for unit in "Zoë".encode("utf-16-le"):
        a = (a + unit) % 65521
        b = (b + a) % 65521
    assert delta.checksum("Zoë") == b * 65536 + a
