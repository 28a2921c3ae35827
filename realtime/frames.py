"""Encoding of server frames: compact JSON, encoded once, and the uniform error frame."""

from __future__ import annotations

import json
from typing import Any

_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def encode(payload: Any) -> str:
    """Encode a JSON-safe payload as compact text; a str passes through (already encoded)."""
    if isinstance(payload, str):
        return payload
    return _encoder.encode(payload)


MAX_DEPTH = 32
"""How deeply a client's JSON may nest. Without a bound, a frame nested ~1,000 deep fails or not
depending on how deep the decoding call already is (RecursionError), so the same frame could be
valid in one place and invalid in another."""


def decode(text: str | bytes) -> Any:
    """Decode a client's JSON; ValueError for invalid JSON or nesting deeper than MAX_DEPTH."""
    if isinstance(text, bytes):
        text = text.decode()
    opening = text.count("[") + text.count("{")
    if opening > MAX_DEPTH and _depth(text) > MAX_DEPTH:
        raise ValueError(f"JSON nested more than {MAX_DEPTH} deep")
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def _depth(text: str) -> int:
    """The deepest nesting of brackets outside strings (only for frames with many brackets)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def error_frame(code: str, reason: str, **extra: Any) -> dict[str, Any]:
    """The one error shape every endpoint sends: {"type": "error", "code", "reason", ...}."""
    return {"type": "error", "code": code, "reason": reason, **extra}
