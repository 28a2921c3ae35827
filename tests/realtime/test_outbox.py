"""The per-connection outbox: direct writes, order, hold/release, and closing slow readers."""

import asyncio

from realtime import closecodes
from realtime.outbox import Outbox


class FakeServer:
    """An ASGI `send` whose socket can be made to push back, like a reader that stopped reading."""

    def __init__(self):
        self.sent = []
        self.blocked = None

    async def send(self, message):
        if self.blocked is not None and message["type"] == "websocket.send":
            await self.blocked
        self.sent.append(message)

    def texts(self):
        return [m["text"] for m in self.sent if m["type"] == "websocket.send"]


async def test_a_writable_connection_gets_frames_at_once_without_a_task():
    server = FakeServer()
    outbox = Outbox(server.send, limit=4)
    outbox.push_broadcast("a")
    outbox.send_direct("b")
    assert server.texts() == ["a", "b"]  # written synchronously, no loop turn needed


async def test_a_blocked_connection_queues_in_order_then_drains():
    server = FakeServer()
    server.blocked = asyncio.get_running_loop().create_future()
    outbox = Outbox(server.send, limit=4)
    for frame in "abc":
        outbox.push_broadcast(frame)
    assert server.texts() == []
    server.blocked.set_result(None)
    await asyncio.sleep(0.01)
    assert server.texts() == ["a", "b", "c"]


async def test_a_reader_a_whole_buffer_behind_is_closed_with_too_slow():
    server = FakeServer()
    server.blocked = asyncio.get_running_loop().create_future()
    outbox = Outbox(server.send, limit=3)
    for n in range(10):
        outbox.push_broadcast(str(n))
    assert outbox.closed
    await asyncio.sleep(0.01)
    closes = [m for m in server.sent if m["type"] == "websocket.close"]
    assert closes
    assert closes[0]["code"] == closecodes.TOO_SLOW


async def test_held_broadcasts_are_released_after_the_replayed_seq_without_duplicates():
    server = FakeServer()
    outbox = Outbox(server.send, limit=10)
    outbox.hold()
    outbox.push_broadcast("seq4", seq=4)
    outbox.push_broadcast("seq5", seq=5)
    outbox.push_broadcast("presence", seq=None)
    outbox.send_direct("replayed 3,4")  # the resume itself is never held back
    outbox.release(after_seq=4)
    assert server.texts() == ["replayed 3,4", "seq5", "presence"]
    outbox.push_broadcast("seq6", seq=6)
    assert server.texts()[-1] == "seq6"


async def test_a_broadcast_of_a_seq_the_resume_sent_arriving_after_the_release_is_dropped():
    # Another process committed seq 5 (the resume read it) and broadcast it a moment later.
    server = FakeServer()
    outbox = Outbox(server.send, limit=10)
    outbox.hold()
    outbox.send_direct("replayed 4,5")
    outbox.release(after_seq=5)
    outbox.push_broadcast("seq5", seq=5)
    outbox.push_broadcast("presence", seq=None)
    outbox.push_broadcast("seq6", seq=6)
    assert server.texts() == ["replayed 4,5", "presence", "seq6"]


async def test_a_peer_that_vanished_marks_the_outbox_closed():
    async def gone(message):
        raise OSError("connection reset")

    outbox = Outbox(gone, limit=4)
    outbox.push_broadcast("a")
    assert outbox.closed
    outbox.push_broadcast("b")  # ignored, no error
