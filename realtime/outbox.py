"""A per-connection bounded outbox that writes straight to the ASGI `send` of one WebSocket.

Fan-out pushes each frame to every member of a group. The common case costs one call into the
server's `send`: its coroutine is stepped once by hand and completes at once when the socket is
writable, so no task, queue hop or thread is spent per fan. Only a connection whose transport
pushes back (a slow reader) gets a drain task, and frames then wait in a bounded deque; when
that fills, the connection is closed with TOO_SLOW and its client resumes from its last seq.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any

from realtime import closecodes
from realtime.metrics import SLOW_CLOSES
from realtime.types import Send
from realtime.wire import direct_target, write_direct

logger = logging.getLogger(__name__)


async def _finish(coro: Coroutine[Any, Any, Any], pending: Any) -> None:
    """Drive to its end a coroutine that was stepped by hand and is now blocked on `pending`."""
    try:
        while True:
            if isinstance(pending, asyncio.Future):
                pending._asyncio_future_blocking = False
                # Wait without consuming the outcome: the stepped coroutine reads it itself.
                await asyncio.wait((pending,))
            else:
                await asyncio.sleep(0)  # a bare `yield` only asks for one turn of the loop
            pending = coro.send(None)
    except StopIteration:
        return
    except BaseException:
        coro.close()
        raise


class Outbox:
    """Ordered, bounded delivery of text frames to one WebSocket."""

    __slots__ = (
        "_direct", "_drain", "_floor", "_held", "_limit", "_queue", "_send", "closed",
        "on_too_slow",
    )  # fmt: skip

    def __init__(self, send: Send, limit: int) -> None:
        self._send = send
        self._direct = direct_target(send)
        self._limit = limit
        # Made when a frame first has to wait, dropped when the wait is over: an empty deque is
        # ~760 B, a thirtieth of an idle fan's memory, and most fans never wait.
        self._queue: deque[str] | None = None
        self._drain: asyncio.Task[None] | None = None
        self._held: list[tuple[int | None, str]] | None = None
        self._floor: int | None = None
        self.closed = False
        self.on_too_slow: Callable[[], None] | None = None

    # Broadcast frames (from the hub) can be held back while a resume is being served.

    def push_broadcast(self, frame: str, seq: int | None = None, wire: bytes | None = None) -> None:
        """Queue a frame fanned out to the whole group; held back during a resume.

        `wire` is the same frame as WebSocket bytes (realtime.wire.text_frame), built once for
        the group: written as is when the connection can take it, else `frame` goes by ASGI."""
        if self.closed:
            return
        if seq is not None and self._floor is not None and seq <= self._floor:
            return  # already sent by the resume (committed, read, then broadcast late)
        if self._held is not None:
            if len(self._held) >= self._limit:
                self.close_too_slow()
                return
            self._held.append((seq, frame))
            return
        if (
            wire is not None
            and self._drain is None
            and self._direct is not None
            and write_direct(self._direct, wire)
        ):
            return
        self._write(frame)

    def hold(self) -> None:
        """Hold broadcast frames back (join a group first, then read the log, then release)."""
        if self._held is None:
            self._held = []

    def release(self, after_seq: int | None) -> None:
        """Send held frames newer than after_seq (all when None), in order, and stop holding;
        a broadcast of a seq up to after_seq arriving later is dropped too. (Another process
        commits an entry before it broadcasts it, so a resume can read an entry whose broadcast
        reaches this process only after the release: without the floor, a duplicate.)"""
        held, self._held = self._held or [], None
        self._floor = after_seq
        for seq, frame in held:
            if after_seq is None or seq is None or seq > after_seq:
                self.send_direct(frame)

    def send_shared(self, frame: str, wire: bytes) -> None:
        """Like send_direct, for a frame many members get alike (presence): never held back,
        and written as the shared `wire` bytes when the connection can take them."""
        if self.closed:
            return
        if self._drain is None and self._direct is not None and write_direct(self._direct, wire):
            return
        self._write(frame)

    def send_direct(self, frame: str) -> None:
        """Queue a frame for this connection only (replies, snapshots), never held back."""
        if not self.closed:
            self._write(frame)

    def _write(self, frame: str) -> None:
        if self._drain is not None:
            if self._queue is None:
                self._queue = deque()
            if len(self._queue) >= self._limit:
                self.close_too_slow()
                return
            self._queue.append(frame)
            return
        coro: Any = self._send({"type": "websocket.send", "text": frame})
        try:
            pending = coro.send(None)
        except StopIteration:
            return
        except Exception:
            self.closed = True
            return
        self._drain = asyncio.get_running_loop().create_task(self._drain_from(coro, pending))

    async def _drain_from(self, coro: Coroutine[Any, Any, Any], pending: Any) -> None:
        try:
            await _finish(coro, pending)
            while self._queue and not self.closed:
                await self._send({"type": "websocket.send", "text": self._queue.popleft()})
        except asyncio.CancelledError:
            raise
        except Exception:
            self.closed = True
        finally:
            self._drain = None
            if not self._queue:
                self._queue = None

    def close_too_slow(self) -> None:
        """Give up on a reader that fell a whole buffer behind: close it with TOO_SLOW."""
        if self.closed:
            return
        self.closed = True
        SLOW_CLOSES.inc()
        self._queue = None
        self._held = None
        if self._drain is not None:
            self._drain.cancel()
        if self.on_too_slow is not None:
            self.on_too_slow()
        message = {
            "type": "websocket.close",
            "code": closecodes.TOO_SLOW,
            "reason": "too slow: reconnect and resume from your last seq",
        }
        task = asyncio.get_running_loop().create_task(self._close(message))
        _background.add(task)
        task.add_done_callback(_background.discard)

    async def _close(self, message: dict[str, Any]) -> None:
        try:
            await self._send(message)
        except Exception:
            logger.debug("close of a slow connection failed", exc_info=True)

    async def close(self, code: int, reason: str = "") -> None:
        """Close the WebSocket from the server side (drain on shutdown, errors)."""
        if self.closed:
            return
        self.closed = True
        if self._drain is not None:
            self._drain.cancel()
        try:
            await self._send({"type": "websocket.close", "code": code, "reason": reason})
        except Exception:
            logger.debug("close failed", exc_info=True)


# Strong references to fire-and-forget close tasks, so they are not collected mid-flight.
_background: set[asyncio.Task[None]] = set()
