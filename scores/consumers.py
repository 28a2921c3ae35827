"""Live scores over WebSockets: fans of a match, the match list, and scorers (docs/protocol.md).

Every consumer that joins a match group renders `score.update` the same way: the frame stored
with the log entry, sent as is.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from django.db import DatabaseError

from realtime import closecodes
from realtime.broadcast import broadcast
from realtime.consumers import GroupConsumer
from realtime.frames import encode
from realtime.groups import match_group
from scores import selectors, services
from scores.models import Match

logger = logging.getLogger(__name__)

LIST_REFRESH_SECONDS = 10.0
MAX_ID_CHARS = 100


class ScoreGroups(GroupConsumer):
    """Group handlers shared by every consumer that follows matches."""

    @broadcast
    def score_update(event: dict[str, Any]) -> str:
        """A committed log entry: its stored fan frame, pre-encoded, sent as is."""
        return str(event["frame"])

    @broadcast
    def match_listed(event: dict[str, Any]) -> dict[str, Any]:
        """A match was created or changed status: list pages update or add its row."""
        return {
            "type": "match",
            "match_id": event["match_id"],
            "status": event["status"],
            "match": event.get("match"),
        }

    followed: int | None = None
    """The match this connection follows by seq (fans, scorers): its pongs carry that seq."""

    async def receive_json(self, content: dict[str, Any], **kwargs: Any) -> None:
        if content["type"] == "ping":
            pong: dict[str, Any] = {"type": "pong"}
            if self.followed is not None and "seq" in content:
                # Asked for the match's seq: a client behind it missed a broadcast that no
                # later update revealed (e.g. published while Redis restarted) and resumes.
                seq = await match_seq(self.followed)
                if seq is not None:
                    pong["seq"] = seq
            await self.send_json(pong)
        else:
            await self.send_error("unknown_type", 'this endpoint accepts only {"type": "ping"}')

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
        """Send what a client at `since` is missing; return the last seq sent."""
        if since is not None:
            frames = await database_sync_to_async(_frames_after)(match_id, since)
            if frames is not None:
                for _, frame in frames:
                    self.outbox.send_direct(frame)
                return frames[-1][0] if frames else since
        snapshot = await database_sync_to_async(selectors.match_snapshot)(match_id=match_id)
        self.outbox.send_direct(encode(snapshot))
        return int(snapshot["seq"])


SEQ_FRESH_SECONDS = 1.0
"""How old a match's seq in a pong may be: at most one query per match per second per process."""
_seqs: dict[int, tuple[float, int]] = {}


async def match_seq(match_id: int) -> int | None:
    """A match's stored seq, read at most once a SEQ_FRESH_SECONDS; None if it cannot be read."""
    now = time.monotonic()
    hit = _seqs.get(match_id)
    if hit is not None and now - hit[0] < SEQ_FRESH_SECONDS:
        return hit[1]
    try:
        seq = await database_sync_to_async(_seq_of)(match_id)
    except DatabaseError:  # the database is away: a plain pong
        return None
    if seq is None:
        _seqs.pop(match_id, None)
        return None
    _seqs[match_id] = (now, seq)
    return seq


def _seq_of(match_id: int) -> int | None:
    return Match.objects.filter(pk=match_id).values_list("seq", flat=True).first()


def _frames_after(match_id: int, since: int) -> list[tuple[int, str]] | None:
    """Stored frames after `since`, or None when a snapshot is due (too far behind, or ahead)."""
    match = Match.objects.only("seq").get(pk=match_id)
    if since > match.seq or match.seq - since > selectors.RESUME_LIMIT:
        return None
    frames = selectors.log_frames_after(match_id=match_id, since=since)
    # The log is gap-free; anything else means rows were lost: start over from a snapshot.
    if [seq for seq, _ in frames] != list(range(since + 1, since + 1 + len(frames))):
        return None
    return frames


def _since(scope: dict[str, Any]) -> int | None:
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
        exists = match_id is not None and await database_sync_to_async(_exists)(match_id)
        if match_id is None or not exists:
            await self.refuse("not_found", "no such match", closecodes.NOT_FOUND)
            return
        await self.accept()
        await self.follow(match_id, _since(self.scope))


def _exists(match_id: int) -> bool:
    return Match.objects.filter(pk=match_id).exists()


class MatchListConsumer(ScoreGroups):
    """The match list at ws/matches/: summary lines and watcher counts of matches in play.

    Follows every unfinished match's group without being counted as its audience; checks for
    newly created matches every LIST_REFRESH_SECONDS.
    """

    presence_counted = False

    async def connect(self) -> None:
        await self.accept()
        await self.join(services.MATCHES_GROUP)
        self.refresher: asyncio.Task[None] | None = None
        await self.refresh(initial=True)
        self.refresher = asyncio.get_running_loop().create_task(self.refresh_forever())

    async def refresh(self, *, initial: bool = False) -> None:
        ids = await database_sync_to_async(selectors.match_ids_followed)()
        new = [i for i in ids if match_group(i) not in self.joined]
        for match_id in new:
            await self.join(match_group(match_id))
        if initial:
            items = await database_sync_to_async(selectors.match_list)()
            await self.send_json({"type": "matches", "matches": items})
        elif new:
            items = await database_sync_to_async(_items)(new)
            for item in items:
                await self.send_json(
                    {
                        "type": "match",
                        "match_id": item["id"],
                        "status": item["status"],
                        "match": item,
                    }
                )

    async def refresh_forever(self) -> None:
        while True:
            await asyncio.sleep(LIST_REFRESH_SECONDS)
            try:
                await self.refresh()
            except Exception:  # e.g. the database restarting: try again next time
                logger.warning("match list refresh failed", exc_info=True)

    async def disconnect(self, code: Any) -> None:
        if getattr(self, "refresher", None) is not None:
            assert self.refresher is not None
            self.refresher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.refresher


def _items(ids: list[int]) -> list[dict[str, Any]]:
    return [selectors.match_item(m) for m in Match.objects.filter(pk__in=ids).order_by("-id")]


class ScorerConsumer(ScoreGroups):
    """A scorer of one match at ws/matches/<id>/score/: commands in, acks and errors out; it
    also receives the fans' frames so the console shows what fans see."""

    presence_counted = False
    match_pk: int | None = None
    """Set once the connection is accepted as a scorer's; None on a refused connection."""

    async def connect(self) -> None:
        match_id = self.match_id()
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.refuse("login_required", "log in to score", closecodes.NOT_AUTHORIZED)
            return
        allowed = await database_sync_to_async(_scorer_allowed)(user, match_id)
        if allowed is None:
            await self.refuse("not_found", "no such match", closecodes.NOT_FOUND)
            return
        if not allowed:
            await self.refuse(
                "not_a_scorer", "you are not a scorer of this match", closecodes.NOT_AUTHORIZED
            )
            return
        assert match_id is not None
        self.match_pk = match_id
        await self.accept()
        await self.follow(match_id, _since(self.scope))

    async def receive_json(self, content: dict[str, Any], **kwargs: Any) -> None:
        if self.match_pk is None:
            return  # refused and closed: frames still in flight from the client are dropped
        if content["type"] != "command":
            await super().receive_json(content)
            return
        command_id = content.get("id")
        if command_id is not None and (
            not isinstance(command_id, (str, int))
            or isinstance(command_id, bool)
            or len(str(command_id)) > MAX_ID_CHARS
        ):
            await self.send_error("invalid_command", "'id' must be a short string", id=None)
            return
        expect_seq = content.get("expect_seq")
        if not isinstance(expect_seq, int) or isinstance(expect_seq, bool) or expect_seq < 0:
            await self.send_error(
                "invalid_command", "'expect_seq' must be the last seq you saw", id=command_id
            )
            return
        user = self.scope["user"]
        # Rights are checked on every command: they may have been withdrawn since connecting.
        try:
            allowed = await database_sync_to_async(_scorer_allowed)(user, self.match_pk)
        except DatabaseError:  # the database is away: nothing can be stored either
            logger.exception("checking scorer rights for match %s failed", self.match_pk)
            await self.send_error("storage_failed", services.STORAGE_FAILED, id=command_id)
            return
        if not allowed:
            await self.send_error(
                "not_a_scorer", "you are no longer a scorer of this match", id=command_id
            )
            await self.close(code=closecodes.NOT_AUTHORIZED)
            return
        try:
            applied = await services.command_submit(
                match_id=self.match_pk,
                user=user,
                command=content.get("command"),
                expect_seq=expect_seq,
                commentary=content.get("commentary"),
            )
        except services.CommandError as exc:
            await self.send_error(exc.code, exc.reason, id=command_id, seq=exc.seq)
            if exc.code == "stale_seq":
                snapshot = await database_sync_to_async(selectors.match_snapshot)(
                    match_id=self.match_pk
                )
                await self.send_json(snapshot)
            return
        await self.send_json({"type": "ack", "id": command_id, "seq": applied.seq})


def _scorer_allowed(user: Any, match_id: int | None) -> bool | None:
    """None when there is no such match."""
    if match_id is None:
        return None
    match = Match.objects.filter(pk=match_id).first()
    if match is None:
        return None
    return selectors.scorer_can_score(user=user, match=match)
