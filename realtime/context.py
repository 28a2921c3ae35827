"""The id of the connection or request being served, for structured logs."""

from __future__ import annotations

import logging
import uuid
from contextvars import ContextVar

current_id: ContextVar[str] = ContextVar("crease_connection_id", default="-")


def new_id() -> str:
    """A short random id for one connection or request."""
    return uuid.uuid4().hex[:12]


class ContextFilter(logging.Filter):
    """Stamp every log record with the current connection or request id."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.conn_id = current_id.get()
        return True
