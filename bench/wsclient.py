"""The lightest WebSocket client we could write: raw asyncio protocols, one per fan.

A fan sends a fixed upgrade request (no compression offered), waits for `101`, then parses
unmasked server frames. It never decodes JSON: a benchmark message carries the marker
`bench:<k>:` and the fan only looks for it, so the client spends a few microseconds per frame
and stays far from its core's limit (the bench reports the client's CPU to show it).
Crease and the reference server are measured with this same client.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

MARKER = b"bench:"
UPDATE = b'{"type":"update","seq":'
"""A match update's head: on the scores path update k is told by its seq, not by a marker in
its text (a delta frame carries only the characters that changed, so "bench:1:" after
"bench:0:" arrives as "1")."""


@dataclass
class Tally:
    """What every fan saw, shared by all of them (one client process)."""

    messages: int
    published: list[float] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)
    last: list[float] = field(default_factory=list)
    arrivals: list[list[float]] = field(default_factory=list)
    closes: dict[int, int] = field(default_factory=dict)
    presence_count: int = 0
    lost: int = 0
    frame_bytes: int = 0
    ready: int = 0
    seq_base: int | None = None
    """Scores path: the seq of update 0 (None: updates carry MARKER, the chat path)."""

    def __post_init__(self) -> None:
        self.published = [0.0] * self.messages
        self.counts = [0] * self.messages
        self.last = [0.0] * self.messages
        self.arrivals = [[] for _ in range(self.messages)]

    def delivered(self) -> int:
        return sum(self.counts)


def upgrade_request(port: int, path: str, cookie: str | None = None) -> bytes:
    """A minimal RFC 6455 handshake from a same-site page (the Origin is checked by Crease)."""
    key = base64.b64encode(os.urandom(16)).decode()
    lines = [
        f"GET {path} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Key: {key}",
        "Sec-WebSocket-Version: 13",
        f"Origin: http://127.0.0.1:{port}",
    ]
    if cookie:
        lines.append(f"Cookie: {cookie}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def client_frame(payload: bytes, opcode: int = 0x1) -> bytes:
    """A masked client frame (clients must mask; the key is random as RFC 6455 asks)."""
    mask = os.urandom(4)
    length = len(payload)
    if length < 126:
        header = bytes([0x80 | opcode, 0x80 | length])
    elif length < 65536:
        header = bytes([0x80 | opcode, 0x80 | 126]) + length.to_bytes(2, "big")
    else:
        header = bytes([0x80 | opcode, 0x80 | 127]) + length.to_bytes(8, "big")
    repeated = (mask * (length // 4 + 1))[:length]
    masked = (int.from_bytes(payload, "big") ^ int.from_bytes(repeated, "big")).to_bytes(
        length, "big"
    )
    return header + mask + masked


class RawSocket(asyncio.Protocol):
    """One client connection: send the upgrade request, wait for `101`, then parse unmasked
    server frames; pings are answered. Subclasses say what a text frame, a close frame, the
    opening and a lost connection mean to them."""

    def __init__(self, request: bytes, opened: asyncio.Future[bool]) -> None:
        self.request = request
        self.opened = opened
        self.transport: Any = None
        self.buffer = b""
        self.open = False
        self.closed = False

    # What subclasses override.

    def on_open(self) -> None:
        """The handshake succeeded."""

    def on_text(self, buf: bytes, start: int, end: int, now: float) -> None:
        """A text frame whose payload is buf[start:end], received at perf_counter() `now`."""

    def on_close_frame(self, code: int) -> None:
        """The server sent a close frame with this code (1005: none given)."""

    def on_lost(self) -> None:
        """An open connection went away."""

    # The protocol.

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        transport.write(self.request)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if not self.opened.done():
            self.opened.set_result(False)
        elif self.open:
            self.on_lost()

    def data_received(self, data: bytes) -> None:
        if not self.open:
            self.buffer += data
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            ok = self.buffer.startswith(b"HTTP/1.1 101")
            data, self.buffer = self.buffer[end + 4 :], b""
            if not ok:
                if not self.opened.done():
                    self.opened.set_result(False)
                self.transport.abort()
                return
            self.open = True
            self.on_open()
            if not self.opened.done():
                self.opened.set_result(True)
            if not data:
                return
        buf = self.buffer + data if self.buffer else data
        now = time.perf_counter()
        pos, size = 0, len(buf)
        while size - pos >= 2:
            length = buf[pos + 1] & 0x7F
            head = 2
            if length == 126:
                if size - pos < 4:
                    break
                length = int.from_bytes(buf[pos + 2 : pos + 4], "big")
                head = 4
            elif length == 127:
                if size - pos < 10:
                    break
                length = int.from_bytes(buf[pos + 2 : pos + 10], "big")
                head = 10
            end = pos + head + length
            if end > size:
                break
            opcode = buf[pos] & 0x0F
            if opcode == 0x1:
                self.on_text(buf, pos + head, end, now)
            elif opcode == 0x9:  # ping: answer with the same payload
                self.transport.write(client_frame(buf[pos + head : end], opcode=0xA))
            elif opcode == 0x8:
                self.on_close_frame(
                    int.from_bytes(buf[pos + head : pos + head + 2], "big") if length else 1005
                )
            pos = end
        self.buffer = buf[pos:]

    def send_text(self, text: str) -> None:
        if not self.closed:
            self.transport.write(client_frame(text.encode()))

    def abort(self) -> None:
        if self.transport is not None and not self.closed:
            self.transport.abort()


S = TypeVar("S", bound=RawSocket)


async def open_socket(
    make: Callable[[bytes, asyncio.Future[bool]], S],
    port: int,
    path: str,
    *,
    cookie: str | None = None,
    timeout: float = 30.0,
) -> S | None:
    """Open one connection made by `make(request, opened)`; None if the handshake is refused,
    fails or times out."""
    loop = asyncio.get_running_loop()
    opened: asyncio.Future[bool] = loop.create_future()
    request = upgrade_request(port, path, cookie)
    try:
        _, sock = await asyncio.wait_for(
            loop.create_connection(lambda: make(request, opened), "127.0.0.1", port), timeout
        )
        if await asyncio.wait_for(opened, timeout):
            return sock
        sock.abort()
    except (OSError, TimeoutError):
        pass
    return None


class Fan(RawSocket):
    """One fan connection: count the benchmark messages it receives."""

    def __init__(
        self,
        tally: Tally,
        request: bytes,
        opened: asyncio.Future[bool],
        ready_marker: bytes | None = None,
    ) -> None:
        super().__init__(request, opened)
        self.tally = tally
        self.ready_marker = ready_marker
        self.ready = ready_marker is None
        self.watch_presence = False
        self.seen = 0  # bit k set once message k arrived

    def on_open(self) -> None:
        if self.ready:
            self.tally.ready += 1

    def on_lost(self) -> None:
        self.tally.lost += 1

    def on_close_frame(self, code: int) -> None:
        self.tally.closes[code] = self.tally.closes.get(code, 0) + 1

    def on_text(self, buf: bytes, start: int, end: int, now: float) -> None:
        tally = self.tally
        k = -1
        if tally.seq_base is None:
            at = buf.find(MARKER, start, end)
            if at >= 0:
                k = int(buf[at + 6 : buf.index(b":", at + 6, end)])
        elif buf.startswith(UPDATE, start):
            at = start + len(UPDATE)
            k = int(buf[at : buf.index(b",", at, end)]) - tally.seq_base
        if k >= 0:
            if k < tally.messages:
                if not tally.counts[k]:
                    tally.frame_bytes = max(tally.frame_bytes, end - start)
                tally.counts[k] += 1
                self.seen |= 1 << k
                tally.last[k] = now
                tally.arrivals[k].append(now)
        elif not self.ready and self.ready_marker in buf[start:end]:  # type: ignore[operator]
            self.ready = True  # its first state (history, snapshot) has arrived
            tally.ready += 1
        elif self.watch_presence and b'"presence"' in buf[start:end]:
            self._presence(buf[start:end])

    def _presence(self, payload: bytes) -> None:
        with contextlib.suppress(ValueError, KeyError, TypeError):
            self.tally.presence_count = int(json.loads(payload)["count"])


async def open_fan(
    tally: Tally,
    port: int,
    path: str,
    *,
    cookie: str | None = None,
    ready_marker: bytes | None = None,
    timeout: float = 30.0,
) -> Fan | None:
    """Open one fan connection; None if the handshake is refused, fails or times out."""
    return await open_socket(
        lambda request, opened: Fan(tally, request, opened, ready_marker),
        port,
        path,
        cookie=cookie,
        timeout=timeout,
    )


async def http_post(port: int, path: str, body: bytes, token: str) -> tuple[int, bytes]:
    """One HTTP/1.1 POST with a Bearer token on a fresh connection; (status, body)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    writer.write(head.encode() + body)
    try:
        response = await reader.read()
    finally:
        writer.close()
    status_line, _, rest = response.partition(b"\r\n")
    parts = status_line.split()
    return (int(parts[1]) if len(parts) > 1 else 0), rest.partition(b"\r\n\r\n")[2]
