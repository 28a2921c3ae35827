"""Fans of a live match in Python for fault tests, behaving like realtime/static/realtime/live.js.

`Fan` keeps one connection alive to whichever of several servers answers (the list stands in for
a load balancer), tracks the last `seq`, reconnects with `?since=<seq>` when the connection
closes (at once with jitter on 1012 and 4008, exponential backoff with full jitter otherwise,
never on 1000/1009/4003/4004), drops duplicates (seq <= last) and reconnects on a gap
(seq > last + 1) or when a heartbeat pong names a seq that no update brings within a grace.
It records the seq of every frame it applied, so a test can assert "every ball exactly once, in
order", and keeps the scoreboard applied as docs/protocol.md says.

`stalled_fan` opens a WebSocket by hand and then never reads: a client that stopped reading or a
peer that vanished without closing.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import random
import socket
import struct
import time
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from realtime.delta import Doubt
from tests.support.feed import Feed

NO_RETRY = frozenset({1000, 1009, 4003, 4004})
"""Close codes after which retrying cannot help (as in live.js)."""
AT_ONCE = frozenset({1012, 4008})
"""Close codes that ask for an immediate reconnect: server restarting, client too slow."""
SEQUENCED = frozenset({"snapshot", "update"})


def origin_of(ws_url: str) -> str:
    """The Origin a browser on that server's pages would send."""
    parts = urlsplit(ws_url)
    return f"{'https' if parts.scheme == 'wss' else 'http'}://{parts.netloc}"


class Fan:
    """A resuming fan of one match, on the first of `urls` that answers (then round-robin)."""

    def __init__(
        self,
        urls: Sequence[str],
        path: str,
        *,
        first: int = 0,
        since: int | None = None,
        base_delay: float = 0.5,
        max_delay: float = 5.0,
        at_once_jitter: float = 1.0,
        ping_every: float = 20.0,
        dead_after: float = 45.0,
        behind_grace: float = 2.0,
        name: str = "",
    ) -> None:
        self.urls = list(urls)
        self.path = path
        self.index = first
        self.last: int | None = since
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.at_once_jitter = at_once_jitter
        self.ping_every = ping_every
        self.dead_after = dead_after
        self.behind_grace = behind_grace
        self.name = name
        # What happened, for assertions.
        self.seqs: list[int] = []
        """The seq of every snapshot or update applied, in the order applied."""
        self.snapshots = 0
        self.duplicates = 0
        self.gaps = 0
        self.doubts = 0
        """Updates that did not fit the state held: the fan started again from a snapshot."""
        self.connections = 0
        self.failed_connects = 0
        self.close_codes: list[int | None] = []
        """Why each connection ended: the server's close code (1006 when it just went away),
        or None when this fan closed it itself to catch up after a gap or a dead link."""
        self.servers: list[str] = []
        """The server of each successful connection, in order."""
        self.presence: dict[str, Any] | None = None
        self.errors: list[dict[str, Any]] = []
        self.feed = Feed()
        self.offline_reason: int | None = None
        self._changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._ws: ClientConnection | None = None
        self._stopped = False
        self._attempt = 0
        self._behind: tuple[int, float] | None = None
        """(seq, since when): a pong said the match is at seq, ahead of what we applied."""

    # Life cycle

    def start(self) -> Fan:
        self._task = asyncio.get_running_loop().create_task(self._run(), name=f"fan {self.name}")
        return self

    async def stop(self) -> None:
        """Close for good (code 1000, like a page being closed)."""
        self._stopped = True
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await self._ws.close(1000, "page closed")
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._raise_if_crashed()

    def _raise_if_crashed(self) -> None:
        task = self._task
        if task is not None and task.done() and not task.cancelled() and task.exception():
            raise RuntimeError(f"fan {self.name} crashed") from task.exception()

    @property
    def live(self) -> bool:
        return self._ws is not None

    async def wait_until(self, predicate: Callable[[Fan], bool], timeout: float) -> None:
        """Wait until predicate(self) holds; TimeoutError with what the fan saw otherwise."""
        deadline = time.monotonic() + timeout
        while not predicate(self):
            self._raise_if_crashed()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"fan {self.name} waited {timeout}s; {self.describe()}")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(min(remaining, 0.5)):
                    await self._changed.wait()

    async def wait_for_seq(self, seq: int, timeout: float) -> None:
        await self.wait_until(lambda fan: fan.last is not None and fan.last >= seq, timeout)

    def describe(self) -> str:
        tail = self.seqs[-5:]
        return (
            f"last={self.last} applied={len(self.seqs)} (... {tail}) gaps={self.gaps} "
            f"duplicates={self.duplicates} connections={self.connections} "
            f"closes={self.close_codes} failed_connects={self.failed_connects}"
        )

    # The connection loop

    def _url(self) -> str:
        base = self.urls[self.index % len(self.urls)]
        since = f"?since={self.last}" if self.last is not None else ""
        return f"{base}{self.path}{since}"

    async def _run(self) -> None:
        while not self._stopped:
            url = self._url()
            base = self.urls[self.index % len(self.urls)]
            try:
                ws = await connect(url, origin=origin_of(base), open_timeout=5)
            except (OSError, InvalidHandshake, TimeoutError):
                # Refused (that server is down or draining): the balancer tries another one.
                self.failed_connects += 1
                self.index += 1
                await self._backoff()
                continue
            self._ws = ws
            self.connections += 1
            self.servers.append(base)
            self._changed.set()
            reason = await self._read(ws)
            self._ws = None
            self.close_codes.append(reason)
            self._changed.set()
            if self._stopped:
                return
            if reason is None:  # a gap or a dead link: catch up from the same server at once
                await asyncio.sleep(random.random() * 0.25)
            elif reason in NO_RETRY:
                self.offline_reason = reason
                return
            elif reason in AT_ONCE:
                if reason == 1012:
                    self.index += 1  # that server is going away; the balancer sends us elsewhere
                await asyncio.sleep(random.random() * self.at_once_jitter)
            else:
                self.index += 1
                await self._backoff()

    async def _backoff(self) -> None:
        ceiling = min(self.max_delay, self.base_delay * 2**self._attempt)
        self._attempt += 1
        await asyncio.sleep(random.random() * ceiling)

    async def _read(self, ws: ClientConnection) -> int | None:
        """Read frames until the connection ends; the close code, or None if we closed it."""
        last_frame = last_ping = time.monotonic()
        self._behind = None  # a (re)connection resumes from the log anyway
        try:
            while True:
                now = time.monotonic()
                if self._behind is not None:
                    if self.last is not None and self.last >= self._behind[0]:
                        self._behind = None
                    elif now - self._behind[1] >= self.behind_grace:
                        # No update brought us up to the pong's seq: a broadcast was lost.
                        self._behind = None
                        self.gaps += 1
                        await ws.close(4000, "client reconnecting")
                        return None
                if now - last_ping >= self.ping_every:
                    last_ping = now
                    ping = (
                        {"type": "ping"}
                        if self.last is None
                        else {"type": "ping", "seq": self.last}
                    )
                    await ws.send(json.dumps(ping))
                wait = min(
                    self.ping_every - (now - last_ping), self.dead_after - (now - last_frame)
                )
                if self._behind is not None:
                    wait = min(wait, self.behind_grace - (now - self._behind[1]))
                try:
                    async with asyncio.timeout(max(wait, 0.01)):
                        raw = await ws.recv()
                except TimeoutError:
                    if time.monotonic() - last_frame >= self.dead_after:
                        await ws.close(4000, "no word from the server")
                        return None
                    continue
                last_frame = time.monotonic()
                self._attempt = 0  # the link works: the next failure starts the backoff afresh
                if not self._frame(raw):
                    await ws.close(4000, "client reconnecting")
                    return None
        except ConnectionClosed:
            code = ws.close_code
            return 1006 if code is None else code

    def _frame(self, raw: str | bytes) -> bool:
        """Apply one frame; False when a gap means we must reconnect with ?since=."""
        self._changed.set()
        message = json.loads(raw)
        kind = message["type"]
        seq = message.get("seq")
        if kind == "presence":
            self.presence = message
            return True
        if kind == "pong":
            # On a match feed the pong carries the match's seq: if updates do not bring us up
            # to it within behind_grace, a broadcast was lost and we resume (as live.js does).
            if self._behind is not None and self.last is not None and self.last >= self._behind[0]:
                self._behind = None  # caught up since the last pong
            if isinstance(seq, int) and self.last is not None and seq > self.last:
                self._behind = self._behind or (seq, time.monotonic())
            return True
        if kind == "error":
            self.errors.append(message)
            return True
        if kind not in SEQUENCED or not isinstance(seq, int):
            return True
        if kind == "snapshot":
            self.snapshots += 1
        elif self.last is not None and seq <= self.last:
            self.duplicates += 1
            return True
        elif self.last is not None and seq > self.last + 1:
            self.gaps += 1
            return False
        if not self._apply(message):
            return False
        self.last = seq
        self.seqs.append(seq)
        return True

    def _apply(self, message: dict[str, Any]) -> bool:
        """Keep the page's state as docs/protocol.md says to fold `snapshot` and `update`;
        False (and the feed forgotten, to start again from a snapshot) on a doubt."""
        try:
            self.feed.fold(message)
        except Doubt:
            self.doubts += 1
            self.feed = Feed()
            self.last = None
            return False
        return True

    # What the page shows, read from the folded feed.

    @property
    def state(self) -> dict[str, Any] | None:
        """The feed as feed.js holds it (tests.support.feed)."""
        return self.feed.state

    @property
    def board(self) -> dict[str, Any] | None:
        return self.state["scoreboard"] if self.state else None

    @property
    def summary(self) -> str:
        return self.feed.summary

    @property
    def status(self) -> str:
        return self.state["match"]["status"] if self.state else ""

    @property
    def commentary(self) -> list[dict[str, Any]]:
        return self.state["commentary"] if self.state else []


def fans_between(
    urls: Sequence[str], path: str, count: int, *, first: int | None = None, **options: Any
) -> list[Fan]:
    """`count` fans, started; fan i connects first to urls[i % len(urls)], or all to
    urls[first]."""
    return [
        Fan(
            urls, path, first=i % len(urls) if first is None else first, name=str(i), **options
        ).start()
        for i in range(count)
    ]


async def all_reach(fans: Sequence[Fan], seq: int, timeout: float) -> None:
    await asyncio.gather(*(fan.wait_for_seq(seq, timeout) for fan in fans))


# A client that never reads


class Stalled:
    """A raw WebSocket client socket that nobody reads (see stalled_fan)."""

    def __init__(self, sock: socket.socket, pending: bytes) -> None:
        self.sock = sock
        self._buffer = pending

    async def _exactly(self, n: int) -> bytes:
        loop = asyncio.get_running_loop()
        while len(self._buffer) < n:
            chunk = await loop.sock_recv(self.sock, 65536)
            if not chunk:
                raise EOFError
            self._buffer += chunk
        data, self._buffer = self._buffer[:n], self._buffer[n:]
        return data

    async def read_until_close(self, timeout: float) -> tuple[int, int | None]:
        """Read the frames the server sent until its close frame: (data frames, close code).

        The close code is None when the connection ended without a close frame."""
        frames = 0
        async with asyncio.timeout(timeout):
            try:
                while True:
                    head = await self._exactly(2)
                    opcode, length = head[0] & 0x0F, head[1] & 0x7F
                    if length == 126:
                        length = struct.unpack("!H", await self._exactly(2))[0]
                    elif length == 127:
                        length = struct.unpack("!Q", await self._exactly(8))[0]
                    payload = await self._exactly(length)  # server frames are never masked
                    if opcode == 0x8:
                        return frames, struct.unpack("!H", payload[:2])[0] if payload else None
                    if opcode in (0x1, 0x2):
                        frames += 1
            except (EOFError, ConnectionError):
                return frames, None

    def close(self) -> None:
        self.sock.close()


async def stalled_fan(
    port: int, path: str, *, rcvbuf: int | None = None, mss: int | None = None
) -> Stalled:
    """Open a WebSocket by hand (handshake only), then read nothing and answer no ping.

    Nothing reads the socket afterwards (not even an asyncio transport), so the kernel's
    receive buffer fills. With `rcvbuf` that buffer is shrunk before connecting, and with `mss`
    the segment size it announces (the server's kernel sizes its send buffer in segments: on
    loopback's 64 KiB segments that is megabytes), so the server's writes back up after a few
    frames, as on a phone whose link stalled."""
    loop = asyncio.get_running_loop()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    if mss is not None:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, mss)
    sock.setblocking(False)
    await loop.sock_connect(sock, ("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    await loop.sock_sendall(
        sock,
        (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            f"Origin: http://127.0.0.1:{port}\r\n\r\n"
        ).encode(),
    )
    response = b""
    async with asyncio.timeout(10):
        while b"\r\n\r\n" not in response:
            chunk = await loop.sock_recv(sock, 4096)
            assert chunk, "the server closed during the handshake"
            response += chunk
    head, _, pending = response.partition(b"\r\n\r\n")
    assert b" 101 " in head.split(b"\r\n")[0], head
    return Stalled(sock, pending)
