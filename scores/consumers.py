"""Live scores over WebSockets: fans of a match, the match list, and scorers (docs/protocol.md).

Thin: each consumer decodes a frame, calls a selector or the scoring service, and sends what it
returns. Every consumer that joins a match group sends `score.update` the same way: the frame
stored with the log entry, as is.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any
from urllib.parse import parse_qs

from realtime import closecodes
from realtime.broadcast import broadcast
from realtime.consumers import GroupConsumer
from realtime.db import in_db_thread
from realtime.frames import encode
from realtime.groups import MATCH_LIST, match_group
from realtime.hub import get_hub
from realtime.types import Message, Scope
from realtime.wire import text_frame
from scores import selectors
from scores.commands import CommandRefused, client_id, envelope_decode
from scores.messages import (
    MatchListed,
    Score,
    ack_message,
    match_listed_message,
    matches_message,
    pong_message,
    score_message,
)
from scores.pacing import TokenBucket, scorer_bucket
from scores.services.scoring import ByUser, command_submit

logger = logging.getLogger(__name__)

LIST_REFRESH_SECONDS = 10.0
SNAPSHOT_MEMO = "snapshot"
"""The hub memo of a match group holding (seq, snapshot frame, its WebSocket bytes)."""
CLOSE_ON_REFUSAL = {
    "login_required": closecodes.NOT_AUTHORIZED,
    "not_a_scorer": closecodes.NOT_AUTHORIZED,
    "not_found": closecodes.NOT_FOUND,
}
"""Refusals after which a scorer's socket is closed: its rights (or its match) are gone."""


class ScoreGroups(GroupConsumer):
    """Group handlers shared by every consumer that follows matches."""

    @broadcast
    def score_update(event: Message) -> str:
        """A committed log entry: its stored fan frame, pre-encoded, sent as is."""
        return str(event["frame"])

    @broadcast
    def match_listed(event: Message) -> MatchListed:
        """A match was created or changed status: list pages update or add its row."""
        return match_listed_message(event["match_id"], event["status"], event.get("match"))

    @broadcast
    def match_score(event: Message) -> Score:
        """A match's summary line after a log entry (list pages: an update frame has none)."""
        return score_message(
            event["match_id"], event["seq"], status=event["status"], summary=event["summary"]
        )

    followed: int | None = None
    """The match this connection follows by seq (fans, scorers): its pongs carry that seq."""

    async def receive_json(self, content: dict[str, Any], **kwargs: Any) -> None:
        if content["type"] != "ping":
            await self.send_error("unknown_type", 'this endpoint accepts only {"type": "ping"}')
            return
        seq = None
        if self.followed is not None and "seq" in content:
            # Asked for the match's seq: a client behind it missed a broadcast that no later
            # update revealed (e.g. published while Redis restarted) and resumes.
            seq = await selectors.match_seq_recent(match_id=self.followed)
        await self.send_json(pong_message(seq))

    def match_id(self) -> int | None:
        try:
            return int(self.scope["url_route"]["kwargs"]["match_id"])
        except (KeyError, TypeError, ValueError):
            return None

    async def refuse(self, code: str, reason: str, close_code: int) -> None:
        """Accept, explain, close: browsers cannot read a reason from a refused handshake."""
        await self.accept()
        await self.send_error(code, reason)
        await self.close(code=close_code)

    async def follow(self, match_id: int, since: int | None) -> None:
        """Join the match group and catch up without a gap or a duplicate: hold broadcasts,
        join, send the stored frames after `since` (or a fresh snapshot), then release the
        held broadcasts newer than the last seq sent."""
        self.followed = match_id
        self.outbox.hold()
        try:
            await self.join(match_group(match_id))
            last = await self.catch_up(match_id, since)
        except BaseException:
            self.outbox.release(after_seq=None)
            raise
        self.outbox.release(after_seq=last)

    async def catch_up(self, match_id: int, since: int | None) -> int:
        """Send what a client at `since` is missing; return the last seq sent.

        The answer is kept in the hub for the group's current version (realtime.hub.memo), so
        a connect storm reads the database once per update, not once per fan."""
        group = match_group(match_id)
        hub = get_hub()
        if since is not None:

            async def load_frames() -> tuple[tuple[int, str, bytes], ...] | bool:
                frames = await in_db_thread(selectors.resume_frames)(match_id=match_id, since=since)
                if frames is None:
                    return False  # a snapshot is due
                return tuple((seq, frame, text_frame(frame.encode())) for seq, frame in frames)

            kept_frames = await hub.remembered(group, f"resume:{since}", load_frames)
            if kept_frames is not False:
                for _, frame, wire in kept_frames:
                    self.outbox.send_shared(frame, wire)
                return int(kept_frames[-1][0]) if kept_frames else since

        async def load_snapshot() -> tuple[int, str, bytes]:
            snapshot = await in_db_thread(selectors.match_snapshot)(match_id=match_id)
            frame = encode(snapshot)
            return (snapshot["seq"], frame, text_frame(frame.encode()))

        kept: tuple[int, str, bytes] = await hub.remembered(group, SNAPSHOT_MEMO, load_snapshot)
        # The same bytes for every fan of this version: written as is (realtime.wire).
        self.outbox.send_shared(kept[1], kept[2])
        return kept[0]


KNOWN_SECONDS = 10.0
"""How long a match found in the database is taken to exist without asking again."""
_known: dict[int, float] = {}
_asking: dict[int, asyncio.Future[bool]] = {}


async def match_known(match_id: int) -> bool:
    """Whether the match exists: asked of the database at most once per KNOWN_SECONDS per
    process, and once for all the fans of a storm that ask at the same time."""
    loop = asyncio.get_running_loop()
    if _known.get(match_id, 0.0) > loop.time():
        return True
    asking = _asking.get(match_id)
    if asking is None:
        asking = _asking[match_id] = asyncio.ensure_future(
            in_db_thread(selectors.match_exists)(match_id=match_id)
        )

        def done(task: asyncio.Future[bool]) -> None:
            _asking.pop(match_id, None)
            if not task.cancelled() and task.exception() is None and task.result():
                if len(_known) > 10_000:
                    _known.clear()  # ids probed at random cannot grow this without bound
                _known[match_id] = loop.time() + KNOWN_SECONDS

        asking.add_done_callback(done)
    return await asyncio.shield(asking)


def since_of(scope: Scope) -> int | None:
    """The `?since=<seq>` a resuming client gives (None when absent or not a seq)."""
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    values = query.get("since")
    if not values:
        return None
    try:
        since = int(values[0])
    except ValueError:
        return None
    return since if since >= 0 else None


class MatchConsumer(ScoreGroups):
    """A fan of one match at ws/matches/<id>/[?since=<seq>]: snapshot or resume, then updates."""

    async def connect(self) -> None:
        match_id = self.match_id()
        if match_id is None or not await match_known(match_id):
            await self.refuse("not_found", "no such match", closecodes.NOT_FOUND)
            return
        await self.accept()
        await self.follow(match_id, since_of(self.scope))


class MatchListConsumer(ScoreGroups):
    """The match list at ws/matches/: summary lines and watcher counts of matches in play.

    Follows every unfinished match's group without being counted as its audience; checks for
    newly created matches every LIST_REFRESH_SECONDS.
    """

    presence_counted = False
    ignored_types = frozenset({"score.update"})
    """A ball's update frame (~500 B) to every list page following the match, only to be
    dropped there: the `match.score` line says what the list shows."""
    refresher: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        await self.accept()
        await self.join(MATCH_LIST)
        await self.refresh(initial=True)
        self.refresher = asyncio.get_running_loop().create_task(self.refresh_forever())

    async def refresh(self, *, initial: bool = False) -> None:
        ids = await in_db_thread(selectors.match_ids_followed)()
        new = [i for i in ids if match_group(i) not in self.joined]
        for match_id in new:
            await self.join(match_group(match_id))
        if initial:
            items = await in_db_thread(selectors.match_list)()
            await self.send_json(matches_message(items))
        elif new:
            items = await in_db_thread(selectors.match_items)(match_ids=new)
            for item in items:
                await self.send_json(match_listed_message(item["id"], item["status"], item))

    async def refresh_forever(self) -> None:
        while True:
            await asyncio.sleep(LIST_REFRESH_SECONDS)
            try:
                await self.refresh()
            except Exception:  # e.g. the database restarting: try again next time
                logger.warning("match list refresh failed", exc_info=True)

    async def disconnect(self, code: Any) -> None:
        if self.refresher is not None:
            self.refresher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.refresher


class ScorerConsumer(ScoreGroups):
    """A scorer of one match at ws/matches/<id>/score/: commands in, acks and errors out; it
    also receives the fans' frames so the console shows what fans see."""

    presence_counted = False
    match_pk: int | None = None
    """Set once the connection is accepted as a scorer's; None on a refused connection."""
    pace: TokenBucket | None = None
    """How fast this connection may send commands (scores/pacing.py)."""

    async def connect(self) -> None:
        match_id = self.match_id()
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.refuse("login_required", "log in to score", closecodes.NOT_AUTHORIZED)
            return
        rights = None
        if match_id is not None:
            rights = await in_db_thread(selectors.scorer_rights)(user=user, match_id=match_id)
        if match_id is None or rights is None:
            await self.refuse("not_found", "no such match", closecodes.NOT_FOUND)
            return
        if not rights:
            await self.refuse(
                "not_a_scorer", "you are not a scorer of this match", closecodes.NOT_AUTHORIZED
            )
            return
        self.match_pk = match_id
        self.pace = scorer_bucket()
        await self.accept()
        await self.follow(match_id, since_of(self.scope))

    async def receive_json(self, content: dict[str, Any], **kwargs: Any) -> None:
        if self.match_pk is None:
            return  # refused and closed: frames still in flight from the client are dropped
        if content["type"] != "command":
            await super().receive_json(content)
            return
        command_id = None
        try:
            command_id = client_id(content)
            wait = self.pace.take() if self.pace is not None else None
            if wait is not None:
                raise CommandRefused(
                    "slow_down",
                    "commands are coming faster than they can be stored: nothing was stored; "
                    "send this one again after retry_after seconds",
                    retry_after=wait,
                )
            command = envelope_decode(content, expect_seq_required=True)
            # Rights are checked on every command: they may have been withdrawn since.
            applied = await command_submit(
                match_id=self.match_pk, command=command, by=ByUser(self.scope["user"])
            )
        except CommandRefused as refused:
            await self.send_error(refused.code, refused.reason, id=command_id, **refused.details())
            if refused.code in CLOSE_ON_REFUSAL:
                await self.close(code=CLOSE_ON_REFUSAL[refused.code])
            elif refused.code == "stale_seq":
                snapshot = await in_db_thread(selectors.match_snapshot)(match_id=self.match_pk)
                await self.send_json(snapshot)
            return
        await self.send_json(ack_message(command.id, applied.seq, duplicate=applied.duplicate))
