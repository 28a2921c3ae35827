"""Log-in throttling: failed attempts counted per account and per client address, in the database.

Every attempt is written before its password is checked and deleted once it succeeds, so the
count covers attempts still in flight on other server processes too: a burst of guesses cannot
all slip through before the first failure is stored. Over CREASE_LOGIN_FAILURES_PER_ACCOUNT for
one account, or CREASE_LOGIN_FAILURES_PER_ADDRESS from one address, within
CREASE_LOGIN_WINDOW_SECONDS, attempts are refused without checking the password (no hashing cost)
until the oldest counted failure leaves the window. A refused attempt is not counted itself.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from chat.models import LoginAttempt
from chat.windows import in_minutes, over_limit


class LoginThrottled(Exception):
    """Too many failed log-ins: `reason` says which and `retry_after` how many seconds to wait."""

    def __init__(self, reason: str, retry_after: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


def _account(username: str) -> str:
    return username.strip().lower()[:150]


def login_attempt_begin(
    *, username: str, address: str, now: datetime | None = None
) -> LoginAttempt:
    """Count an attempt for `username` from `address`; raises LoginThrottled over a limit."""
    now = now or timezone.now()
    window = timedelta(seconds=int(settings.CREASE_LOGIN_WINDOW_SECONDS))
    since = now - window
    account = _account(username)
    LoginAttempt.objects.filter(at__lte=since).delete()  # expired, for every account
    with transaction.atomic():
        attempt = LoginAttempt.objects.create(username=account, address=address[:64], at=now)
    over = over_limit(
        LoginAttempt,
        (
            ("this account", "username", account, int(settings.CREASE_LOGIN_FAILURES_PER_ACCOUNT)),
            (
                "your address",
                "address",
                address[:64],
                int(settings.CREASE_LOGIN_FAILURES_PER_ADDRESS),
            ),
        ),
        now=now,
        window=window,
    )
    if over is not None:
        attempt.delete()
        whose, retry_after = over
        raise LoginThrottled(
            f"Too many failed log-ins for {whose}. Try again in {in_minutes(retry_after)}.",
            retry_after,
        )
    return attempt


def login_attempt_succeeded(*, attempt: LoginAttempt) -> None:
    """The password was right: forget this attempt and the account's earlier failures."""
    LoginAttempt.objects.filter(username=attempt.username, at__lte=attempt.at).delete()
    LoginAttempt.objects.filter(pk=attempt.pk).delete()
