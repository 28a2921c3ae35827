"""Delta updates: an exact, compact edit of one JSON document's text into the next.

Generic over what the documents hold (a field added to a snapshot later travels like any
other). Both sides write a document as its *canonical text*: exactly what the browser's
`JSON.stringify` gives for it (no spaces; integral numbers without ".0"; keys that are array
indices first, ascending, as JavaScript orders them). The sender diffs the two texts; the
receiver writes its copy with `JSON.stringify`, applies the edit, checks the checksum and parses
the result (realtime/static/realtime/delta.js; docs/protocol.md, "Delta updates").

An edit is a JSON array read left to right with a cursor `c` in the old text, starting at 0:
a string is written out as is; an integer `skip` followed by an integer `n` (`n >= 0`) copies
`old[c + skip : c + skip + n]` and leaves the cursor after it (`skip` steps over the old text
that changed; it may be negative to copy from further back). Indices count UTF-16 code units,
as JavaScript strings do. The checksum is Adler-32 of the new text's UTF-16LE bytes.
"""

from __future__ import annotations

import bisect
import json
import re
import zlib
from difflib import SequenceMatcher
from itertools import accumulate, pairwise
from typing import Any

JSON = Any
"""A JSON value as `json.loads` gives it."""

Edit = list[int | str]

MAX_SAFE_INTEGER = 2**53 - 1
"""Beyond this, a JavaScript number is no longer the integer it was sent as."""
_INDEX_KEY = re.compile(r"0|[1-9][0-9]{0,9}")
_NOT_UTF16_SAFE = re.compile("[\ud800-\udfff\U00010000-\U0010ffff]")
"""Characters whose UTF-16 length differs from Python's (astral) or that JSON.stringify escapes
(lone surrogates): a text holding one is not diffed (the sender sends a snapshot instead)."""
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[^",:\[\]{}]+|.', re.S)
_GRAM = 3
"""Tokens in a row that must agree for the diff to take up the old text again after a change."""
_LINE_ENDS = frozenset("{}[]")
_BACK_REFERENCE = 16
"""New text this long or longer that the old text holds is sent as a copy of it."""

_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


class NotCanonical(ValueError):
    """A value JavaScript cannot hold exactly or would write differently (send a snapshot)."""


class Doubt(ValueError):
    """An edit that does not fit the text it is applied to, or an unknown item in it."""


# Canonical text


def canonical(value: JSON) -> str:
    """The text `JSON.stringify(JSON.parse(text))` gives back unchanged; NotCanonical when no
    such text exists for `value` (a float JavaScript writes in exponent form, an integer beyond
    2**53, a key that is not a string, an astral or lone-surrogate character)."""
    text = _encoder.encode(_canonical(value))
    if not text.isascii() and _NOT_UTF16_SAFE.search(text):
        raise NotCanonical("a character outside the Basic Multilingual Plane")
    return text


def _canonical(value: JSON) -> JSON:
    if isinstance(value, dict):
        items = {}
        indices = []
        for key, item in value.items():
            if not isinstance(key, str):
                raise NotCanonical(f"a key that is not a string: {key!r}")
            if _INDEX_KEY.fullmatch(key) and int(key) < 2**32 - 1:
                indices.append(key)
            items[key] = _canonical(item)
        if indices:  # JavaScript lists array-index keys first, in numeric order
            first = sorted(indices, key=int)
            items = {k: items[k] for k in first} | {
                k: v for k, v in items.items() if k not in first
            }
        return items
    if isinstance(value, list | tuple):
        return [_canonical(item) for item in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise NotCanonical(f"an integer JavaScript cannot hold: {value}")
        return value
    if isinstance(value, float):
        if value.is_integer():
            return _canonical(int(value))
        if not 1e-4 <= abs(value) < 1e16:  # Python and JavaScript write these differently
            raise NotCanonical(f"a number written differently in JavaScript: {value!r}")
        return value
    raise NotCanonical(f"not a JSON value: {type(value).__name__}")


def checksum(text: str) -> int:
    """Adler-32 of the text's UTF-16LE bytes (what delta.js computes from a JS string)."""
    return zlib.adler32(text.encode("utf-16-le"))


# Diff


def diff(old: str, new: str) -> Edit:
    """An edit turning canonical text `old` into `new` (see the module's docstring).

    Two passes over JSON tokens: first lines (runs of tokens ending at a bracket or brace, such
    as one batter's row or one commentary entry) are matched, so that an item put in front of a
    list reads as one insertion; then, inside each stretch of changed lines, tokens are walked
    in step, taking up the old text again where _GRAM tokens agree. Each changed stretch is
    trimmed to the characters that differ. Exact always: what is not matched is sent as text.
    """
    out = _EditWriter(old)
    copied = 0  # old text up to here is accounted for
    for o1, o2, n1, n2 in _changes(old, new):
        while o1 < o2 and n1 < n2 and old[o1] == new[n1]:
            o1, n1 = o1 + 1, n1 + 1
        while o1 < o2 and n1 < n2 and old[o2 - 1] == new[n2 - 1]:
            o2, n2 = o2 - 1, n2 - 1
        if o1 == o2 and n1 == n2:
            continue
        out.copy(copied, o1)
        out.write(new[n1:n2])
        copied = o2
    out.copy(copied, len(old))
    return out.edit


class _EditWriter:
    """Writes an edit: copies of the old text, and new text, which is itself sent as copies of
    whatever long stretches of it the old text holds somewhere (a new commentary entry much
    like an older one, a ball chip like one already shown)."""

    def __init__(self, old: str) -> None:
        self.old = old
        self.edit: Edit = []
        self.cursor = 0

    def copy(self, start: int, end: int) -> None:
        if end > start:
            self.edit += [start - self.cursor, end - start]
            self.cursor = end

    def write(self, text: str) -> None:
        at = 0
        literal = 0  # text[literal:at] is still to be written as it is
        while len(text) - at >= _BACK_REFERENCE:
            found = self.old.find(text[at : at + _BACK_REFERENCE])
            if found < 0:
                at += 1
                continue
            length = _BACK_REFERENCE
            while at + length < len(text) and found + length < len(self.old):
                longer = self.old.find(text[at : at + length + 1], found)
                if longer < 0:
                    break
                found, length = longer, length + 1
            self._text(text[literal:at])
            self.copy(found, found + length)
            at = literal = at + length
        self._text(text[literal:])

    def _text(self, text: str) -> None:
        if not text:
            return
        if self.edit and isinstance(self.edit[-1], str):
            self.edit[-1] += text
        else:
            self.edit.append(text)


def _changes(old: str, new: str) -> list[tuple[int, int, int, int]]:
    """Stretches `old[o1:o2]` that become `new[n1:n2]`, in order (untrimmed)."""
    old_tokens, new_tokens = _TOKEN.findall(old), _TOKEN.findall(new)
    old_lines, new_lines = _lines(old_tokens), _lines(new_tokens)
    old_at, new_at = _offsets(old_tokens), _offsets(new_tokens)
    matcher = SequenceMatcher(
        None,
        [old[old_at[a] : old_at[b]] for a, b in pairwise(old_lines)],
        [new[new_at[a] : new_at[b]] for a, b in pairwise(new_lines)],
        autojunk=False,
    )
    changes = []
    for tag, l1, l2, m1, m2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        a1, a2, b1, b2 = old_lines[l1], old_lines[l2], new_lines[m1], new_lines[m2]
        for i1, i2, j1, j2 in _token_changes(old_tokens[a1:a2], new_tokens[b1:b2]):
            changes.append((old_at[a1 + i1], old_at[a1 + i2], new_at[b1 + j1], new_at[b1 + j2]))
    return changes


def _lines(tokens: list[str]) -> list[int]:
    """Token positions where lines start (a line ends after a bracket or brace), and the end."""
    ends = [at for at, token in enumerate(tokens, 1) if token in _LINE_ENDS]
    if not tokens:
        return [0]
    return [0, *ends] if ends and ends[-1] == len(tokens) else [0, *ends, len(tokens)]


def _token_changes(old: list[str], new: list[str]) -> list[tuple[int, int, int, int]]:
    """Changed token stretches between two short token lists, walking them in step."""
    index: dict[tuple[str, ...], list[int]] = {}
    for p in range(len(old) - _GRAM + 1):
        index.setdefault(tuple(old[p : p + _GRAM]), []).append(p)
    changes = []
    i = j = 0
    while i < len(old) or j < len(new):
        while i < len(old) and j < len(new) and old[i] == new[j]:
            i, j = i + 1, j + 1
        if i == len(old) and j == len(new):
            break
        i2, j2 = _resume(index, new, i, j) or (len(old), len(new))
        changes.append((i, i2, j, j2))
        i, j = i2, j2
    return changes


def _offsets(tokens: list[str]) -> list[int]:
    return list(accumulate(map(len, tokens), initial=0))


def _resume(
    index: dict[tuple[str, ...], list[int]], new: list[str], i: int, j: int
) -> tuple[int, int] | None:
    """The nearest (old, new) token positions at or after (i, j), by tokens skipped on both
    sides, where _GRAM tokens agree."""
    nearest: tuple[int, int] | None = None
    cost = 0
    for k in range(j, len(new) - _GRAM + 1):
        if nearest is not None and k - j >= cost:
            break
        found = index.get(tuple(new[k : k + _GRAM]))
        if found:
            at = bisect.bisect_left(found, i)
            if at < len(found) and (nearest is None or found[at] - i + k - j < cost):
                nearest, cost = (found[at], k), found[at] - i + k - j
    return nearest


# Apply


def apply(old: str, edit: JSON) -> str:
    """The text `edit` turns `old` into; Doubt when it does not fit `old`."""
    if not isinstance(edit, list):
        raise Doubt("an edit is a JSON array")
    out: list[str] = []
    cursor = 0
    items = iter(edit)
    for item in items:
        if isinstance(item, str):
            out.append(item)
            continue
        length = next(items, None)
        if not isinstance(item, int) or not isinstance(length, int) or not _whole(item):
            raise Doubt("an edit item that is neither text nor a (skip, length) copy")
        if not _whole(length):
            raise Doubt("an edit item that is neither text nor a (skip, length) copy")
        start = cursor + item
        if start < 0 or length < 0 or start + length > len(old):
            raise Doubt("an edit copies past the end of the text")
        out.append(old[start : start + length])
        cursor = start + length
    return "".join(out)


def _whole(value: JSON) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
