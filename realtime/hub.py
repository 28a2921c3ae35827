"""The process hub: one channel-layer subscription per group, shared by every local member.

Channels gives each consumer its own layer channel and joins that to the group, so a message to
a group of N fans is copied N times, dispatched N times (each with a thread hop in Channels 4.3)
and JSON-encoded N times. The hub instead joins one channel per group per process, renders each
message once and writes the same text to every local member's outbox. Redis (or the in-process
layer) still carries messages between processes; the hub only replaces the last, local hop.

Presence rides on the same groups: each hub reports its local members of a group (names of
logged-in users, a count of anonymous ones) at most once a PRESENCE_INTERVAL and as a heartbeat;
every hub sums the reports it hears and pushes a `presence` frame when the total changes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
import weakref
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from channels.layers import get_channel_layer

from realtime.broadcast import BroadcastHandler
from realtime.frames import encode
from realtime.metrics import FANOUT_SECONDS, MESSAGES_OUT
from realtime.outbox import Outbox
from realtime.wire import text_frame

logger = logging.getLogger(__name__)

PRESENCE_INTERVAL = 1.0
"""Seconds between presence reports of a group whose local membership changed."""
PRESENCE_HEARTBEAT = 3.0
"""Seconds between reports of an unchanged group, so that other processes keep counting it."""
PRESENCE_TTL = 2 * PRESENCE_HEARTBEAT + 1.0
"""A process not heard from for this long (it died) no longer counts: two missed heartbeats.
(It was 30 s: a killed worker's 100 fans, reconnected elsewhere, were counted twice that long.)"""
EMPTY_GROUP_GRACE = 15.0
"""Seconds an empty group keeps its subscription, so reconnect storms do not churn Redis."""
PRESENCE_NAMES_SHOWN = 100
PRESENCE_CROWD = 1000
"""A group with more local members than this is told of a changed count less often."""
PRESENCE_CROWD_SPACING = 5.0
"""Seconds between presence frames to a crowd's members: while 10,000 fans open, the count moves
every second and each push is 10,000 frames (7% of the server's CPU while they opened). A
member joining meanwhile still gets the newest count at once."""
MEMO_SECONDS = 5.0
"""Longest a memo is served: a bound on staleness should a broker lose a message unnoticed."""
JOIN_TIMEOUT = 10.0
"""Seconds a join waits for the layer (e.g. Redis down) before the connection is refused."""


class Member(Protocol):
    """What the hub needs of a connection: its outbox and who it is for presence."""

    outbox: Outbox
    presence_name: str | None
    presence_counted: bool
    ignored_types: frozenset[str]
    """Group message types not sent to this member (a match-list page is in a match's group for
    its watcher count, not its balls)."""


class _Group:
    """One group's local members, its layer subscription and the presence heard for it."""

    def __init__(self, name: str, owner: type) -> None:
        self.name = name
        self.owner = owner
        self.members: set[Member] = set()
        self.choosy: set[Member] = set()
        """The members with ignored_types: in most groups none, and the fan-out loop is bare."""
        self.channel = ""
        self.ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.task: asyncio.Task[None] | None = None
        self.local_users: Counter[str] = Counter()
        self.local_anonymous = 0
        self.dirty = True
        self.last_report = 0.0
        self.empty_since: float | None = None
        self.heard: dict[str, tuple[dict[str, int], int, float]] = {}
        self.presence_frame = ""
        self.presence_wire = b""
        self.presence_sent = ""
        """The presence frame last sent to every member (presence_frame: the newest one)."""
        self.presence_sent_at = 0.0
        self.version = 0
        """Bumped by every (re)subscription and every message but presence: a memo made at
        one version is still true while the version has not moved."""
        self.memos: dict[str, tuple[int, float, Any]] = {}
        self.loading: dict[str, tuple[int, asyncio.Future[Any]]] = {}


class Hub:
    """Fan-out for every group this process has members in."""

    def __init__(self, layer: Any) -> None:
        self.layer = layer
        self.process_id = uuid.uuid4().hex[:12]
        self._groups: dict[str, _Group] = {}
        self._reporter: asyncio.Task[None] | None = None
        self.closed = False

    def members(self, group: str) -> int:
        """Number of local members of a group (for metrics and tests)."""
        state = self._groups.get(group)
        return len(state.members) if state else 0

    def presence(self, group: str) -> dict[str, Any] | None:
        """The last presence payload computed for a group, or None before any report."""
        state = self._groups.get(group)
        if state is None or not state.presence_frame:
            return None
        return self._presence_payload(state)

    def version(self, group: str) -> int | None:
        """The group's version while this process is subscribed to it, else None.

        Read it after `join` and before the database: a value read from the database then is
        current for as long as `version(group)` stays the same (see `memo`)."""
        state = self._groups.get(group)
        if state is None or not state.ready.done() or state.ready.exception() is not None:
            return None
        return state.version

    def memo(self, group: str, key: str) -> Any:
        """A value remembered for the group's current version, or None.

        For state that only changes by messages sent to the group (the match snapshot, a
        room's first history page): every fan after the first is served from memory until the
        next message arrives, without a database hop."""
        state = self._groups.get(group)
        if state is None:
            return None
        kept = state.memos.get(key)
        if kept is None or kept[0] != self.version(group) or time.monotonic() > kept[1]:
            return None
        return kept[2]

    def forget(self, group: str) -> None:
        """This process wrote what the group's memos hold (a chat post, a scored ball): drop
        them now, not when the broadcast comes back, which may never happen (a broker outage
        while the write was committed) or may come after a fan read the old memo."""
        state = self._groups.get(group)
        if state is not None:
            state.version += 1
            state.memos.clear()

    def remember(self, group: str, key: str, version: int | None, value: Any) -> None:
        """Keep `value`, read after `version(group)` returned `version`, for that version."""
        state = self._groups.get(group)
        if state is not None and version is not None and version == state.version:
            state.memos[key] = (version, time.monotonic() + MEMO_SECONDS, value)

    async def remembered(self, group: str, key: str, load: Callable[[], Awaitable[Any]]) -> Any:
        """The memo for `key`, else `load()` once for every caller of the same version.

        A reconnect storm brings thousands of fans before the first read returns; without
        this each of them missed the memo and queued its own read on the database thread
        (4 ms of CPU per fan in `make bench-storm`). The load runs as the hub's own task, so a
        fan that leaves meanwhile does not cancel it for the others. Call after `join`."""
        value = self.memo(group, key)
        if value is not None:
            return value
        state = self._groups.get(group)
        version = self.version(group)
        if state is None or version is None:
            return await load()
        read_at: int = version
        pending = state.loading.get(key)
        if pending is None or pending[0] != read_at:
            task = asyncio.ensure_future(load())
            pending = state.loading[key] = (read_at, task)

            def done(task: asyncio.Future[Any]) -> None:
                if key in state.loading and state.loading[key][1] is task:
                    del state.loading[key]
                if not task.cancelled() and task.exception() is None:
                    self.remember(group, key, read_at, task.result())

            task.add_done_callback(done)
        return await asyncio.shield(pending[1])

    async def join(self, group: str, member: Member) -> None:
        """Add a member; returns once the process is subscribed, so nothing later is missed."""
        state = self._groups.get(group)
        if state is None:
            state = self._groups[group] = _Group(group, type(member))
            state.task = asyncio.get_running_loop().create_task(self._run(state))
            state.task.add_done_callback(self._run_ended)
        state.members.add(member)
        if member.ignored_types:
            state.choosy.add(member)
        state.empty_since = None
        self._count(state, member, +1)
        self._ensure_reporter()
        await asyncio.wait_for(asyncio.shield(state.ready), JOIN_TIMEOUT)
        if state.presence_frame:
            member.outbox.send_shared(state.presence_frame, state.presence_wire)

    async def leave(self, group: str, member: Member) -> None:
        """Remove a member; the subscription is dropped after a grace period when empty."""
        state = self._groups.get(group)
        if state is None or member not in state.members:
            return
        state.members.discard(member)
        state.choosy.discard(member)
        self._count(state, member, -1)
        if not state.members:
            state.empty_since = time.monotonic()

    def _count(self, state: _Group, member: Member, delta: int) -> None:
        if not member.presence_counted:
            return  # e.g. a match-list page following many matches is nobody's fan
        if member.presence_name:
            state.local_users[member.presence_name] += delta
            if state.local_users[member.presence_name] <= 0:
                del state.local_users[member.presence_name]
        else:
            state.local_anonymous += delta
        state.dirty = True

    def _run_ended(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            logger.error("group subscription failed", exc_info=task.exception())

    async def _run(self, state: _Group) -> None:
        """Subscribe once for the whole process, then relay every group message to members.

        A lost subscription (Redis restarting) is retried with backoff; messages published
        meanwhile are missed here, and clients fill the gap from the log by seq (docs/protocol.md).
        """
        delay = 0.1
        while True:
            try:
                if not state.channel:
                    state.channel = await self.layer.new_channel(prefix="hub")
                await self.layer.group_add(state.name, state.channel)
                state.version += 1  # messages may have been missed while unsubscribed
                state.memos.clear()
                if not state.ready.done():
                    state.ready.set_result(None)
                delay = 0.1
                while True:
                    message = await self.layer.receive(state.channel)
                    try:
                        self._deliver(state, message)
                    except Exception:
                        logger.exception(
                            "could not deliver a %r message to %s", message.get("type"), state.name
                        )
            except asyncio.CancelledError:
                raise
            except Exception:
                state.version += 1
                state.memos.clear()
                logger.warning(
                    "subscription to %s failed; retrying in %.1fs", state.name, delay, exc_info=True
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    def _deliver(self, state: _Group, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "presence.report":
            self._hear(state, message)
            return
        if not isinstance(kind, str):
            raise ValueError("group message without a type")
        state.version += 1
        state.memos.clear()
        handler = getattr(state.owner, kind.replace(".", "_"), None)
        if not isinstance(handler, BroadcastHandler):
            raise ValueError(f"{state.owner.__name__} has no @broadcast handler for {kind!r}")
        started = time.perf_counter()
        frame = handler.frame(message)  # rendered and encoded once for every local member
        seq = message.get("seq")
        wire = text_frame(frame.encode())  # the frame's bytes, once for every member
        members = state.members
        if state.choosy:
            members = members - {m for m in state.choosy if kind in m.ignored_types}
        for member in members:
            member.outbox.push_broadcast(frame, seq, wire)
        MESSAGES_OUT.labels("broadcast").inc(len(members))
        FANOUT_SECONDS.observe(time.perf_counter() - started)

    # Presence

    def _ensure_reporter(self) -> None:
        if self._reporter is None or self._reporter.done():
            self._reporter = asyncio.get_running_loop().create_task(self._report_loop())

    async def _report_loop(self) -> None:
        while True:
            await asyncio.sleep(PRESENCE_INTERVAL)
            now = time.monotonic()
            for state in list(self._groups.values()):
                if not state.ready.done() or state.ready.exception() is not None:
                    continue
                if state.dirty or now - state.last_report >= PRESENCE_HEARTBEAT:
                    state.dirty = False
                    state.last_report = now
                    try:
                        await self.layer.group_send(
                            state.name,
                            {
                                "type": "presence.report",
                                "process": self.process_id,
                                "users": dict(state.local_users),
                                "anonymous": state.local_anonymous,
                            },
                        )
                    except Exception:
                        state.dirty = True  # try again next round (e.g. Redis restarting)
                        logger.warning("presence report for %s failed", state.name, exc_info=True)
                self._expire(state, now)  # a dead process is forgotten even in a quiet group
                if state.presence_frame != state.presence_sent:
                    self._push_presence(state)  # a crowd's count held back until due
                if state.empty_since is not None and now - state.empty_since >= EMPTY_GROUP_GRACE:
                    await self._drop(state)

    async def _drop(self, state: _Group) -> None:
        self._groups.pop(state.name, None)
        if state.task is not None:
            state.task.cancel()
        with contextlib.suppress(Exception):
            await self.layer.group_discard(state.name, state.channel)

    def _hear(self, state: _Group, message: dict[str, Any]) -> None:
        now = time.monotonic()
        users = message.get("users") or {}
        anonymous = int(message.get("anonymous") or 0)
        process = str(message.get("process"))
        if users or anonymous:
            state.heard[process] = (users, anonymous, now + PRESENCE_TTL)
        else:
            state.heard.pop(process, None)
        self._expire(state, now, push=False)
        self._push_presence(state)

    def _expire(self, state: _Group, now: float, *, push: bool = True) -> None:
        """Forget processes not heard from within PRESENCE_TTL (they died); push the new total."""
        expired = [name for name, (_, _, expires) in state.heard.items() if expires < now]
        for name in expired:
            del state.heard[name]
        if expired and push:
            self._push_presence(state)

    def _push_presence(self, state: _Group) -> None:
        frame = encode(self._presence_payload(state))
        if frame != state.presence_frame:
            state.presence_frame = frame
            state.presence_wire = text_frame(frame.encode())  # once for all members
        if state.presence_frame == state.presence_sent:
            return
        now = time.monotonic()
        crowd = len(state.members) > PRESENCE_CROWD
        if crowd and now - state.presence_sent_at < PRESENCE_CROWD_SPACING:
            return  # the report loop sends the newest count when it is due
        state.presence_sent, state.presence_sent_at = state.presence_frame, now
        for member in state.members:
            member.outbox.send_shared(state.presence_frame, state.presence_wire)

    @staticmethod
    def _presence_payload(state: _Group) -> dict[str, Any]:
        users: Counter[str] = Counter()
        anonymous = 0
        for heard_users, heard_anonymous, _ in state.heard.values():
            users.update(heard_users)
            anonymous += heard_anonymous
        names = sorted(users)
        return {
            "type": "presence",
            "group": state.name,
            "count": sum(users.values()) + anonymous,
            "users": names[:PRESENCE_NAMES_SHOWN],
            "anonymous": anonymous,
        }

    async def close(self) -> None:
        """Cancel the hub's tasks and leave every group (process shutdown, end of a test)."""
        self.closed = True
        if self._reporter is not None:
            self._reporter.cancel()
        for state in list(self._groups.values()):
            await self._drop(state)

    def all_members(self) -> set[Member]:
        """Every local member of every group (for draining on shutdown)."""
        found: set[Member] = set()
        for state in self._groups.values():
            found |= state.members
        return found


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub] = weakref.WeakKeyDictionary()


def get_hub() -> Hub:
    """The hub of the running event loop (one per server process)."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None or hub.closed:
        hub = _hubs[loop] = Hub(get_channel_layer())
    return hub


def current_hub() -> Hub | None:
    """The running loop's hub if one was made, without making one."""
    try:
        return _hubs.get(asyncio.get_running_loop())
    except RuntimeError:
        return None
