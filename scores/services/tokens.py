"""Writes of scorer API tokens: only the sha256 digest is stored; the token is shown once."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from scores.models import ScorerToken

TOKEN_PREFIX = "crs_"
MAX_TOKEN_CHARS = 200
LAST_USED_PRECISION = timedelta(minutes=1)
"""How stale a token's `last_used` may be (the admin shows it)."""


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def scorer_token_create(*, user: User, name: str = "") -> tuple[ScorerToken, str]:
    """Create a token; returns the row and the token text, which is never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ScorerToken.objects.create(
        user=user, name=name, prefix=raw[:10], digest=token_digest(raw)
    )
    return token, raw


def scorer_token_revoke(*, token: ScorerToken) -> None:
    if token.revoked is None:
        token.revoked = timezone.now()
        token.save(update_fields=["revoked"])


def scorer_tokens_revoke(*, user: User, prefix: str | None = None, name: str | None = None) -> int:
    """Revoke the user's tokens with this prefix (or of this name); returns how many matched."""
    found = ScorerToken.objects.filter(user=user)
    if prefix is not None:
        found = found.filter(prefix=prefix)
    if name is not None:
        found = found.filter(name=name, revoked__isnull=True)
    rows = list(found)
    for token in rows:
        scorer_token_revoke(token=token)
    return len(rows)


def scorer_token_use(*, raw: str) -> User | None:
    """The active user a token belongs to (recording its use), or None for a wrong one."""
    if not raw or len(raw) > MAX_TOKEN_CHARS:
        return None
    token = (
        ScorerToken.objects.select_related("user")
        .filter(digest=token_digest(raw), revoked__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used is None or now - token.last_used > LAST_USED_PRECISION:
        # To the minute: a feed posting every ball would otherwise write this row every ball.
        ScorerToken.objects.filter(pk=token.pk).update(last_used=now)
    return token.user
