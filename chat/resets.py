"""Password-reset throttling: requests counted per email address and per client address, in the
database (as chat.logins counts failed log-ins), so the limits hold across server processes.

Every request is written before its email is sent; within CREASE_PASSWORD_RESET_WINDOW_SECONDS
at most CREASE_PASSWORD_RESETS_PER_CLIENT come from one client address and at most
CREASE_PASSWORD_RESETS_PER_EMAIL are for one email address. A refused request is not counted.
Whether the address has an account plays no part: the limits must not tell anyone who has one.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from chat.models import PasswordResetRequest
from chat.windows import in_minutes, over_limit


class ResetThrottled(Exception):
    """Too many reset requests: `per` says which limit ("client" or "email"), `retry_after`
    how many seconds until one more would be allowed."""

    def __init__(self, reason: str, retry_after: int, *, per: Literal["client", "email"]) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.per = per


def _email(email: str) -> str:
    # Case-insensitive, as the reset form finds accounts (email__iexact).
    return email.strip().lower()[:254]


def password_reset_request_begin(
    *, email: str, address: str, now: datetime | None = None
) -> PasswordResetRequest:
    """Count a reset request for `email` from client `address`; raises ResetThrottled (and
    counts nothing) over either limit, the client's checked first."""
    now = now or timezone.now()
    window = timedelta(seconds=int(settings.CREASE_PASSWORD_RESET_WINDOW_SECONDS))
    since = now - window
    PasswordResetRequest.objects.filter(at__lte=since).delete()  # expired, for everyone
    with transaction.atomic():
        request = PasswordResetRequest.objects.create(
            email=_email(email), address=address[:64], at=now
        )
    checks: tuple[tuple[Literal["client", "email"], str, str, int], ...] = (
        ("client", "address", request.address, int(settings.CREASE_PASSWORD_RESETS_PER_CLIENT)),
        ("email", "email", request.email, int(settings.CREASE_PASSWORD_RESETS_PER_EMAIL)),
    )
    over = over_limit(PasswordResetRequest, checks, now=now, window=window)
    if over is not None:
        request.delete()
        per, retry_after = over
        raise ResetThrottled(
            "Too many password reset requests from your connection."
            f" Try again in {in_minutes(retry_after)}.",
            retry_after,
            per=per,
        )
    return request
