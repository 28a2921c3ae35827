"""Client mistakes that uvicorn logs as server errors, downgraded and rate-limited.

uvicorn logs every text frame that is not valid UTF-8 as an ERROR with a traceback (then closes
the connection with 1007, correctly): any anonymous client could flood the logs with it. It is
the client's mistake, not the server's: logged here at INFO without the traceback, at most once
per LOG_EVERY_SECONDS with a count of those left out, and counted in
crease_client_protocol_errors_total.
"""

from __future__ import annotations

import logging
import time

from realtime.metrics import CLIENT_PROTOCOL_ERRORS

LOG_EVERY_SECONDS = 10.0

NOISE = {
    "Invalid UTF-8 sequence received from client.": "invalid_utf8",
}
"""uvicorn.error messages that report a client's mistake, and their metric label."""


class ClientNoiseFilter(logging.Filter):
    """On uvicorn's error logger: client mistakes become one INFO line per interval."""

    def __init__(self) -> None:
        super().__init__()
        self.last_logged: dict[str, float] = {}
        self.left_out: dict[str, int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        kind = NOISE.get(record.msg) if isinstance(record.msg, str) else None
        if kind is None:
            return True
        CLIENT_PROTOCOL_ERRORS.labels(kind).inc()
        now = time.monotonic()
        if now - self.last_logged.get(kind, -LOG_EVERY_SECONDS) < LOG_EVERY_SECONDS:
            self.left_out[kind] = self.left_out.get(kind, 0) + 1
            return False
        self.last_logged[kind] = now
        left_out = self.left_out.pop(kind, 0)
        record.levelno, record.levelname = logging.INFO, "INFO"
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        record.msg = "client sent a text frame that is not UTF-8; closed with 1007"
        if left_out:
            record.msg += f" ({left_out} more since the last such line)"
        record.args = ()
        return True


def install() -> None:
    """Attach the filter to uvicorn's error logger (once per process)."""
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, ClientNoiseFilter) for f in logger.filters):
        logger.addFilter(ClientNoiseFilter())
