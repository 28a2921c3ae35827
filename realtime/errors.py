"""The one base of every refusal a client can be told about: a code, a reason, extra keys.

A service raises a subclass (chat's ChatRefused, scoring's CommandRefused); a consumer's handler
lets it propagate, and `GroupConsumer` turns it into the uniform error frame (docs/protocol.md).
Nothing is stored when a refusal is raised.
"""

from __future__ import annotations

from typing import Any


class Refused(Exception):
    """A refused request: `code` (a stable name), `reason` (plain words) and `extra` frame keys."""

    def __init__(self, code: str, reason: str, **extra: Any) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.extra = extra
