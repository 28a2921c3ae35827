"""Writes of the scores app: matches, scorer rights and tokens, and the scoring command itself.

`command_apply` stores a command and its fan message in one transaction; `command_submit` runs
it and, only once it has committed, broadcasts the message. Nothing is broadcast on failure.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from chat.services import room_ensure
from cricket import codec, scoreboard
from cricket.errors import IllegalEvent
from cricket.setup import MatchSetup
from realtime.frames import encode
from realtime.groups import match_group
from scores import selectors
from scores.engine import (
    MAX_COMMENTARY_CHARS,
    Command,
    InvalidCommand,
    cache,
    command_decode,
    illegal_reason,
)
from scores.frames import format_name, snapshot_payload, status_of, update_payload
from scores.models import LogEntry, Match, Player, Scorer, ScorerToken, Team

logger = logging.getLogger(__name__)

MATCHES_GROUP = "matches"
"""Group of match-list pages: told when a match is created or changes status."""
TOKEN_PREFIX = "crs_"
STORAGE_FAILED = "the event could not be stored; nothing was sent"


class CommandError(Exception):
    """A refused command: `code` as in docs/protocol.md, the reason, and the current seq."""

    def __init__(self, code: str, reason: str, *, seq: int | None = None) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.seq = seq


@dataclass(frozen=True)
class Applied:
    """A committed log entry and the fan frame to broadcast for it."""

    match_id: int
    seq: int
    frame: str
    status: str
    summary: str
    status_changed: bool


# Matches


def team_ensure(*, name: str, short_name: str | None = None) -> Team:
    team, _ = Team.objects.get_or_create(name=name, defaults={"short_name": short_name or ""})
    return team


def match_create(
    *,
    setup: MatchSetup,
    title: str | None = None,
    source: str = "",
    replay_events: list[dict[str, Any]] | None = None,
) -> Match:
    """Create a match (teams, players, its chat room) ready to be scored from seq 0."""
    with transaction.atomic():
        home = team_ensure(name=setup.home.name, short_name=setup.home.short_name)
        away = team_ensure(name=setup.away.name, short_name=setup.away.short_name)
        for team, side in ((home, setup.home), (away, setup.away)):
            for name in (*side.players, *side.substitutes):
                Player.objects.get_or_create(team=team, name=name)
        setup_dict = codec.setup_to_dict(setup)
        match = Match.objects.create(
            title=title or f"{setup.home.name} v {setup.away.name}",
            home=home,
            away=away,
            format=format_name(setup_dict),
            setup=setup_dict,
            source=source,
            replay_events=replay_events,
            summary="not started",
        )
        room_ensure(slug=f"match-{match.id}", title=match.title)
    return match


def scorer_grant(*, user: AbstractBaseUser, match: Match) -> Scorer:
    scorer, _ = Scorer.objects.get_or_create(user=user, match=match)
    return scorer


def scorer_revoke(*, user: AbstractBaseUser, match: Match) -> None:
    Scorer.objects.filter(user=user, match=match).delete()


# API tokens: only the sha256 digest is stored; the token itself is shown once.


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def scorer_token_create(*, user: AbstractBaseUser, name: str = "") -> tuple[ScorerToken, str]:
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


def scorer_token_use(*, raw: str) -> AbstractBaseUser | None:
    """The active user a token belongs to (recording its use), or None for a wrong one."""
    if not raw or len(raw) > 200:
        return None
    token = (
        ScorerToken.objects.select_related("user")
        .filter(digest=token_digest(raw), revoked__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    ScorerToken.objects.filter(pk=token.pk).update(last_used=timezone.now())
    return token.user


# Scoring


def command_apply(
    *,
    match_id: int,
    user: AbstractBaseUser | AnonymousUser | None,
    command: Any,
    expect_seq: int | None,
    commentary: str | None = None,
) -> Applied:
    """Validate a command with the engine and store it with its fan frame, in one transaction.

    Raises CommandError: `not_found`, `stale_seq` (with the current seq), `invalid_command`,
    `illegal_event` (the engine's reason) or `storage_failed`. Nothing is stored on error.
    `expect_seq=None` skips the staleness check (for feeds that only append).
    """
    try:
        decoded: Command = command_decode(command)
    except InvalidCommand as exc:
        raise CommandError("invalid_command", str(exc)) from None
    except IllegalEvent as exc:
        raise CommandError("illegal_event", illegal_reason(exc)) from None
    if commentary is not None and not isinstance(commentary, str):
        raise CommandError("invalid_command", "commentary must be text")
    text = (commentary or "").strip() or None
    if text is not None and len(text) > MAX_COMMENTARY_CHARS:
        raise CommandError(
            "invalid_command", f"commentary is limited to {MAX_COMMENTARY_CHARS} characters"
        )
    if text is not None and "\x00" in text:
        raise CommandError("invalid_command", "commentary may not contain NUL characters")
    lock = cache.lock(match_id)
    with lock:
        try:
            return _apply_locked(match_id, user, decoded, expect_seq, text)
        except (CommandError, Match.DoesNotExist):
            raise
        except DatabaseError:
            # The engine state may already hold the command: forget it, rebuild next time.
            cache.drop(match_id)
            logger.exception("storing a command for match %s failed", match_id)
            raise CommandError("storage_failed", STORAGE_FAILED) from None
        except BaseException:
            cache.drop(match_id)
            raise


def _apply_locked(
    match_id: int,
    user: Any,
    command: Command,
    expect_seq: int | None,
    text: str | None,
) -> Applied:
    with transaction.atomic():
        try:
            match = Match.objects.select_for_update().get(pk=match_id)
        except Match.DoesNotExist:
            raise CommandError("not_found", f"no match {match_id}") from None
        if expect_seq is not None and expect_seq != match.seq:
            raise CommandError(
                "stale_seq",
                f"the match is at seq {match.seq}, not {expect_seq}: someone else scored first",
                seq=match.seq,
            )
        engine = selectors.engine_get(match=match)
        seq = match.seq + 1
        before = scoreboard.snapshot(engine.match) if command.action == "append" else None
        old_status = match.status
        try:
            engine.execute(command, seq, text)
        except IllegalEvent as exc:
            raise CommandError("illegal_event", illegal_reason(exc), seq=match.seq) from None
        # From here the cached engine is ahead of the database until the commit succeeds.
        cache.drop(match_id)
        if command.action == "append":
            assert before is not None
            payload = update_payload(
                match, engine, before=before, event=command.to_dict(), entry=engine.entries[-1]
            )
        else:
            payload = snapshot_payload(match, engine)
        frame = encode(payload)
        status = payload["status"] if payload["type"] == "update" else payload["match"]["status"]
        summary = str(payload["summary"])[:300]
        try:
            LogEntry.objects.create(
                match=match,
                seq=seq,
                kind=command.action if command.action != "append" else command.to_dict()["kind"],
                payload=command.to_dict(),
                frame=frame,
                commentary=text or "",
                author=user if user is not None and user.is_authenticated else None,
            )
        except IntegrityError as exc:  # two writers without a row lock: treat as storage
            raise DatabaseError(str(exc)) from exc
        Match.objects.filter(pk=match.pk).update(
            seq=seq, status=status, summary=summary, updated=timezone.now()
        )
    cache.put(match_id, engine)
    return Applied(
        match_id=match_id,
        seq=seq,
        frame=frame,
        status=status,
        summary=summary,
        status_changed=status != old_status,
    )


# Broadcast, after commit only.

# Weak values: a match's lock lives while a command of it is in flight, so requests naming
# any number of match ids (most refused) leave nothing behind.
_publish_locks: weakref.WeakKeyDictionary[
    asyncio.AbstractEventLoop, weakref.WeakValueDictionary[int, asyncio.Lock]
] = weakref.WeakKeyDictionary()


def _publish_lock(match_id: int) -> asyncio.Lock:
    locks = _publish_locks.setdefault(asyncio.get_running_loop(), weakref.WeakValueDictionary())
    lock = locks.get(match_id)
    if lock is None:
        lock = locks[match_id] = asyncio.Lock()
    return lock


async def applied_broadcast(applied: Applied) -> None:
    """Send a committed entry's frame to the match's fans (and the list pages)."""
    layer = get_channel_layer()
    await layer.group_send(
        match_group(applied.match_id),
        {"type": "score.update", "seq": applied.seq, "frame": applied.frame},
    )
    if applied.status_changed:
        await layer.group_send(
            MATCHES_GROUP,
            {"type": "match.listed", "match_id": applied.match_id, "status": applied.status},
        )


async def command_submit(
    *,
    match_id: int,
    user: Any,
    command: Any,
    expect_seq: int | None,
    commentary: str | None = None,
) -> Applied:
    """Apply a command in a worker thread, then broadcast it; raises CommandError.

    Commands to one match from this process are applied and broadcast one at a time, so this
    process's fans receive its seqs in order.
    """
    return await command_publish(
        match_id,
        lambda: command_apply(
            match_id=match_id,
            user=user,
            command=command,
            expect_seq=expect_seq,
            commentary=commentary,
        ),
    )


async def command_publish(match_id: int, write: Callable[[], Applied]) -> Applied:
    """Run `write` (sync: stores one command of this match, e.g. via command_apply) in ONE
    worker-thread hop, then broadcast what it stored; whatever `write` raises propagates.

    One hop is one database connection with CONN_MAX_AGE=0, so a caller with more to check
    (the HTTP API's token) does it inside `write` rather than in a hop of its own.
    """
    async with _publish_lock(match_id):
        applied = await database_sync_to_async(write)()
        try:
            await applied_broadcast(applied)
        except Exception:
            # Stored but not sent (layer down): fans fill the gap from the log by seq.
            logger.exception("broadcast of match %s seq %s failed", match_id, applied.seq)
    return applied


def match_status_refresh(*, match: Match) -> Match:
    """Recompute a match's cached status and summary from its log (admin repair action)."""
    engine = selectors.engine_get(match=match)
    board = scoreboard.snapshot(engine.match)
    match.status = status_of(board)
    match.summary = scoreboard.summary(engine.match)[:300]
    match.save(update_fields=["status", "summary", "updated"])
    return match
