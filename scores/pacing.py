"""How fast one scorer connection may send commands: a token bucket.

A scorer sending faster than the server stores (a runaway client, an outbox flushing without
waiting for acks) used to get its acks seconds late with nothing saying why. Instead a command
over the rate is refused at once with `slow_down` and `retry_after` (seconds until the bucket
holds a command again): nothing is stored, so the client re-sends it, in order, after that.

The burst lets an outbox that kept a long spell of offline scoring flush it without a pause;
the sustained rate is far above any human scorer (a ball every half second, for minutes) and
also above a replay at full speed through the socket. Override with the Django settings
CREASE_SCORER_RATE (commands per second) and CREASE_SCORER_BURST.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings

RATE = 20.0
"""Commands per second a connection may keep up."""
BURST = 60
"""Commands a connection may send at once after being quiet."""


@dataclass
class TokenBucket:
    """`take()` is None when a command may go now, else the seconds to wait."""

    rate: float = RATE
    burst: int = BURST
    clock: Callable[[], float] = time.monotonic
    tokens: float = field(init=False)
    stamp: float = field(init=False)

    def __post_init__(self) -> None:
        self.tokens = float(self.burst)
        self.stamp = self.clock()

    def take(self) -> float | None:
        now = self.clock()
        self.tokens = min(float(self.burst), self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return None
        return round((1.0 - self.tokens) / self.rate, 3)


def scorer_bucket() -> TokenBucket:
    """A bucket with the site's configured rate and burst."""
    rate = float(getattr(settings, "CREASE_SCORER_RATE", RATE))
    burst = int(getattr(settings, "CREASE_SCORER_BURST", BURST))
    return TokenBucket(rate=rate, burst=burst)
