"""One WebSocket frame's bytes per broadcast, written as is to every fan that can take them.

A frame from a server is never masked, so the bytes of a text frame are the same for every
connection that negotiated no extension (permessage-deflate compresses per connection). Through
ASGI each fan's `send` encodes the text to UTF-8, builds and serializes a frame and joins its
output, for every fan alike: at 10,000 fans that was the largest part of the CPU per delivery
left after the hub's encode-once (bench/NOTES.md). `direct_target(send)` finds beneath the ASGI
`send` of uvicorn's websockets-sansio protocol the transport to write the shared bytes to, and
checks on every write that the protocol would have sent the frame itself; when it would not
(another server, deflate, the handshake not done, closing, the transport pushing back), the
outbox takes the ASGI path as before.
"""

from __future__ import annotations

from typing import Any

from websockets.protocol import State


def text_frame(payload: bytes) -> bytes:
    """A final, unmasked text frame (RFC 6455 5.2) carrying `payload`."""
    size = len(payload)
    if size < 126:
        head = bytes((0x81, size))
    elif size < 1 << 16:
        head = bytes((0x81, 126)) + size.to_bytes(2, "big")
    else:
        head = bytes((0x81, 127)) + size.to_bytes(8, "big")
    return head + payload


def direct_target(send: Any) -> Any | None:
    """uvicorn's websockets-sansio protocol beneath `send`, or None for any other server.

    Kept by the outbox (one reference, no closure per fan) and handed to `write_direct`."""
    protocol = getattr(send, "__self__", None)
    if type(protocol).__name__ not in ("WebSocketsSansIOProtocol", "LeanSansIOProtocol"):
        return None  # only the protocol whose state write_direct reads
    if not all(hasattr(protocol, name) for name in ("conn", "transport", "writable")):
        return None
    return protocol


def write_direct(protocol: Any, frame: bytes) -> bool:
    """Write a whole frame to the protocol's transport; False, having written nothing,
    whenever the protocol would not have sent it itself (the ASGI path must be taken)."""
    conn = protocol.conn
    if (
        conn.extensions  # negotiated at the handshake: deflate compresses per connection
        or conn.state is not State.OPEN
        or not protocol.handshake_complete
        or protocol.close_sent
        or protocol.disconnected
        or not protocol.writable.is_set()  # pushing back: the outbox's drain task waits instead
        or protocol.transport.is_closing()
    ):
        return False
    protocol.transport.write(frame)
    return True
