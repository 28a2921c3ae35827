"""Checks of values decoded from untrusted JSON, for the engine's decoders (standard library
only: the apps have their own in realtime.values)."""

from __future__ import annotations

from typing import TypeGuard


def is_whole_number(value: object) -> TypeGuard[int]:
    """Whether a decoded JSON value is an integer (JSON's true and false are not numbers here)."""
    return isinstance(value, int) and not isinstance(value, bool)
