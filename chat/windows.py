"""Counting rows in a sliding window, for the throttles that keep their counts in the database
(chat.logins: failed log-ins; chat.resets: password-reset requests) so that every server
process counts against the same limits."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, TypeVar

K = TypeVar("K")


def retry_after_seconds(oldest: datetime | None, now: datetime, window: timedelta) -> int:
    """Seconds until the oldest counted row leaves the window (at least 1)."""
    if oldest is None:
        return 1
    return max(1, math.ceil((oldest + window - now).total_seconds()))


def in_minutes(seconds: int) -> str:
    """A wait for people: "1 minute", "15 minutes" (rounded up)."""
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def over_limit(
    rows: Any, checks: Iterable[tuple[K, str, str, int]], *, now: datetime, window: timedelta
) -> tuple[K, int] | None:
    """The first check (key, field, value, limit) whose rows of model `rows` with that field's
    value, stamped `at` within the window, are more than its limit (0: no limit), with the
    seconds until one more is allowed; None within every limit."""
    since = now - window
    for key, field, value, limit in checks:
        counted = rows.objects.filter(**{field: value, "at__gt": since})
        if limit and counted.count() > limit:
            oldest = counted.order_by("at").values_list("at", flat=True).first()
            return key, retry_after_seconds(oldest, now, window)
    return None
