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


MATCH_LIST = "matches"
"""Group of match-list pages: told when a match is created or changes status."""


def match_room(match_id: int) -> str:
    """The slug of a match's chat room (its group is chat_group(match_room(id)))."""
    return f"match-{int(match_id)}"


def match_of_group(group: str) -> int | None:
    """The match id of a match group ("match.12" -> 12), or None for any other group."""
    prefix, _, rest = group.partition(".")
    return int(rest) if prefix == "match" and rest.isdigit() else None
