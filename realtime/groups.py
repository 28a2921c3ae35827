"""Channel-layer group names, validated once here so every app names groups the same way."""

from __future__ import annotations

import re

# Channels accepts ASCII letters, digits, hyphens, underscores and periods (under 100 chars).
_NAME = re.compile(r"^[A-Za-z0-9_.\-]{1,80}$")


class InvalidGroupName(ValueError):
    """A room or group name that the channel layer would refuse."""


def validate_name(name: str) -> str:
    """Return name if usable inside a group name, else raise InvalidGroupName with a reason."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise InvalidGroupName(
            "names may use only ASCII letters, digits, '-', '_' and '.', 1 to 80 characters"
        )
    return name


def chat_group(room: str) -> str:
    """Group of every connection in one chat room."""
    return f"chat.{validate_name(room)}"


def match_group(match_id: int) -> str:
    """Group of every fan (and scorer) of one match."""
    return f"match.{int(match_id)}"
