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


def error_frame(code: str, reason: str, **extra: Any) -> dict[str, Any]:
    """The one error shape every endpoint sends: {"type": "error", "code", "reason", ...}."""
    return {"type": "error", "code": code, "reason": reason, **extra}
