"""WebSocket close codes Crease sends, and what a client should do on each (docs/protocol.md)."""

from typing import Final

NORMAL: Final = 1000
"""The server is done with this connection (e.g. the match was deleted); do not reconnect."""

MESSAGE_TOO_BIG: Final = 1009
"""A frame exceeded the size limit; fix the client before reconnecting."""

INTERNAL_ERROR: Final = 1011
"""Unexpected server error; reconnect with backoff."""

SERVICE_RESTART: Final = 1012
"""The server is shutting down or redeploying: reconnect at once (with jitter) and resume."""

TRY_AGAIN_LATER: Final = 1013
"""The server process is at its connection cap: reconnect after a backoff (maybe elsewhere)."""

NOT_AUTHORIZED: Final = 4003
"""The user may not open this endpoint (e.g. scoring without scorer rights); do not retry."""

NOT_FOUND: Final = 4004
"""No such match or room, or an invalid name; do not retry."""

TOO_SLOW: Final = 4008
"""The client did not read fast enough and its buffer filled: reconnect and resume from last seq."""

RATE_LIMITED: Final = 4029
"""Too many connections or messages; reconnect after a backoff."""
