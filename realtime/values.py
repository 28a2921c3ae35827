"""Checks of values decoded from untrusted JSON, shared by every app's decoders."""

from __future__ import annotations

from typing import TypeGuard


def is_whole_number(value: object) -> TypeGuard[int]:
    """Whether a decoded JSON value is an integer (JSON's true and false are not numbers here)."""
    return isinstance(value, int) and not isinstance(value, bool)


def has_nul(value: object) -> bool:
    """Whether a JSON value holds a NUL character in any string or key (PostgreSQL can store
    neither in text nor in jsonb, so such input is refused on every database alike)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False
