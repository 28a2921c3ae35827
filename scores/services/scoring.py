"""Scoring: the one way a scorer's command reaches the log and the fans.

`command_submit` authorizes the scorer (a logged-in user or an API token), applies the command
to the match's scorebook, stores it with its fan frame and commits, all in one database hop; only
then does it broadcast the stored frame. A refusal raises CommandRefused and stores and sends
nothing.

Commands are idempotent by the client's id (the socket's `id`, HTTP's Idempotency-Key): a retry
of a stored command, from any connection or process, gets the stored entry's answer (its seq)
marked `duplicate`, stores nothing and is not broadcast again. The id is looked up on the locked
match row before the seq check (a retry's expect_seq is stale by its own entry), and the unique
index (match, command_id) settles two retries racing without a row lock.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from channels.layers import get_channel_layer
from django.contrib.auth.models import AnonymousUser, User
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from cricket.errors import IllegalEvent
from realtime.db import in_db_thread
from realtime.frames import decode, encode
from realtime.groups import MATCH_LIST, match_group
from realtime.hub import current_hub
from scores import selectors
from scores.commands import STORAGE_FAILED, CommandRefused, ScoreCommand, illegal_event
from scores.messages import snapshot_message, update_message
from scores.models import LogEntry, Match
from scores.scorebook import cache
from scores.services.tokens import scorer_token_use

logger = logging.getLogger(__name__)
T = TypeVar("T")

MAX_SUMMARY_CHARS = 300


@dataclass(frozen=True)
class ByUser:
    """A command from a logged-in user (the scorer console's socket)."""

    user: User | AnonymousUser


@dataclass(frozen=True)
class ByToken:
    """A command posted with a scorer's API token (the HTTP publish API)."""

    token: str


Principal = ByUser | ByToken


@dataclass(frozen=True)
class Applied:
    """A committed log entry and the fan frame broadcast for it."""

    match_id: int
    seq: int
    frame: str
    status: str
    summary: str
    status_changed: bool
    duplicate: bool = False
    """A retry of a command already stored: this is its original answer; nothing was stored."""


async def command_submit(*, match_id: int, command: ScoreCommand, by: Principal) -> Applied:
    """Authorize, store and commit in a worker thread, then broadcast; raises CommandRefused.

    Commands to one match from this process are stored and broadcast one at a time, so this
    process's fans receive its seqs in order.
    """
    async with _publish_lock(match_id):
        applied = await in_db_thread(command_record)(match_id=match_id, command=command, by=by)
        if applied.duplicate:
            return applied  # fans had it (or fill it from the log): never sent twice
        try:
            await applied_broadcast(applied)
        except Exception:
            # Stored but not sent (layer down): fans fill the gap from the log by seq.
            logger.exception("broadcast of match %s seq %s failed", match_id, applied.seq)
    return applied


async def scorer_authorize(*, match_id: int, by: Principal) -> None:
    """Only the rights check of command_submit (the API refuses a bad body after it, so that
    a client without rights learns nothing about the match); raises CommandRefused."""
    await in_db_thread(_authorize)(match_id, by)


def command_record(*, match_id: int, command: ScoreCommand, by: Principal) -> Applied:
    """Authorize, apply and store in one transaction on this thread's connection (sync: the
    body of command_submit, also used by management commands and tests)."""
    author = _database_guard(match_id, lambda: _scorer_of(by))
    lock = cache.lock(match_id)
    with lock:
        try:
            return _record_locked(match_id, command, author, by)
        except CommandRefused:
            raise
        except IntegrityError:
            # Another process stored this command id between our look-up and insert (no row
            # lock on SQLite): answer as its retry.
            cache.drop(match_id)
            original = _original(match_id, command) if command.stored_id is not None else None
            if original is None:
                logger.exception("storing a command for match %s failed", match_id)
                raise CommandRefused("storage_failed", STORAGE_FAILED) from None
            return original
        except DatabaseError:
            # The scorebook may already hold the command: forget it, rebuild next time.
            cache.drop(match_id)
            logger.exception("storing a command for match %s failed", match_id)
            raise CommandRefused("storage_failed", STORAGE_FAILED) from None
        except BaseException:
            cache.drop(match_id)
            raise


def _database_guard(match_id: int, check: Callable[[], T]) -> T:
    """Run a rights check; the database being away is the same answer as a failed write."""
    try:
        return check()
    except DatabaseError:
        logger.exception("checking scorer rights for match %s failed", match_id)
        raise CommandRefused("storage_failed", STORAGE_FAILED) from None


def _scorer_of(by: Principal) -> User:
    """The user a command is from (a token's owner), or CommandRefused."""
    if isinstance(by, ByToken):
        user = scorer_token_use(raw=by.token)
        if user is None:
            raise CommandRefused("unauthorized", "the token is wrong or revoked")
        return user
    if not isinstance(by.user, User) or not by.user.is_authenticated:
        raise CommandRefused("login_required", "log in to score")
    return by.user


def _refuse_without_rights(user: User, match: Match, by: Principal) -> None:
    if not selectors.scorer_can_score(user=user, match=match):
        if isinstance(by, ByToken):
            raise CommandRefused("forbidden", "this token's user is not a scorer of this match")
        raise CommandRefused("not_a_scorer", "you are not a scorer of this match")


def _authorize(match_id: int, by: Principal) -> None:
    def check() -> None:
        user = _scorer_of(by)
        match = selectors.match_or_none(match_id=match_id)
        if match is None:
            raise CommandRefused("not_found", f"no match {match_id}")
        _refuse_without_rights(user, match, by)

    _database_guard(match_id, check)


def _record_locked(match_id: int, command: ScoreCommand, author: User, by: Principal) -> Applied:
    with transaction.atomic():
        try:
            match = Match.objects.select_for_update().get(pk=match_id)
        except Match.DoesNotExist:
            raise CommandRefused("not_found", f"no match {match_id}") from None
        # Rights on the locked row: withdrawn a moment ago means refused now.
        _refuse_without_rights(author, match, by)
        if command.stored_id is not None:
            original = _original(match_id, command)
            if original is not None:
                return original
        if command.expect_seq is not None and command.expect_seq != match.seq:
            raise CommandRefused(
                "stale_seq",
                f"the match is at seq {match.seq}, not {command.expect_seq}: "
                "someone else scored first",
                seq=match.seq,
            )
        book = selectors.scorebook_get(match=match)
        appending = command.command.action == "append"
        # Appends go to fans as an edit of the snapshot before them; edits and undos as snapshots.
        before = snapshot_message(match, book) if appending else None
        seq = match.seq + 1
        try:
            book.execute(command.command, seq, command.commentary)
        except IllegalEvent as exc:
            raise illegal_event(exc, seq=match.seq) from None
        # From here the cached scorebook is ahead of the database until the commit succeeds.
        cache.drop(match_id)
        after = snapshot_message(match, book)
        message = after if before is None else update_message(before=before, after=after)
        status = after["match"]["status"]
        summary = after["summary"][:MAX_SUMMARY_CHARS]
        frame = encode(message)
        try:
            LogEntry.objects.create(
                match=match,
                seq=seq,
                kind=command.command.kind,
                payload=command.command.to_dict(),
                frame=frame,
                commentary=command.commentary or "",
                author=author,
                command_id=command.stored_id,
            )
        except IntegrityError:
            # Two writers without a row lock: the same id (a racing retry, answered by the
            # caller from the stored entry) or the same seq (storage).
            raise
        Match.objects.filter(pk=match.pk).update(
            seq=seq, status=status, summary=summary, updated=timezone.now()
        )
    cache.put(match_id, book)
    return Applied(
        match_id=match_id,
        seq=seq,
        frame=frame,
        status=status,
        summary=summary,
        status_changed=status != match.status,
    )


def _original(match_id: int, command: ScoreCommand) -> Applied | None:
    """The stored answer to a retry of `command` (None: its id is new); CommandRefused
    `id_reused` when the id was stored with a different command."""
    assert command.stored_id is not None
    entry = selectors.log_entry_by_command_id(match_id=match_id, command_id=command.stored_id)
    if entry is None:
        return None
    if entry.payload != command.command.to_dict() or entry.commentary != (command.commentary or ""):
        raise CommandRefused(
            "id_reused",
            f"the id {command.stored_id!r} was used for another command (seq {entry.seq}); "
            "give each new command a new id",
            seq=entry.seq,
        )
    status, summary = _state_at(match_id, entry)
    return Applied(
        match_id=match_id,
        seq=entry.seq,
        frame=entry.frame,
        status=status,
        summary=summary[:MAX_SUMMARY_CHARS],
        status_changed=False,
        duplicate=True,
    )


def _state_at(match_id: int, entry: LogEntry) -> tuple[str, str]:
    """The status and summary a stored entry's command was first answered with."""
    message = decode(entry.frame)
    if message["type"] == "snapshot":
        return message["match"]["status"], str(message["summary"])
    if "summary" in message:  # an update stored before updates lost their summary line
        return message["status"], str(message["summary"])
    return selectors.match_state_at(match_id=match_id, seq=entry.seq)


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
    assert layer is not None
    if (hub := current_hub()) is not None:
        hub.forget(match_group(applied.match_id))  # the snapshot and resume memos changed
    await layer.group_send(
        match_group(applied.match_id),
        {"type": "score.update", "seq": applied.seq, "frame": applied.frame},
    )
    # The list's summary line: an update frame no longer carries one (scores/messages.py).
    await layer.group_send(
        MATCH_LIST,
        {
            "type": "match.score",
            "match_id": applied.match_id,
            "seq": applied.seq,
            "status": applied.status,
            "summary": applied.summary,
        },
    )
    if applied.status_changed:
        await layer.group_send(
            MATCH_LIST,
            {"type": "match.listed", "match_id": applied.match_id, "status": applied.status},
        )
