"""realtime/wsprotocol.py: the lean receive queue and writable flag behave as asyncio's do."""

import asyncio

import pytest

from realtime.wsprotocol import Inbox, Writable


async def test_the_inbox_gives_events_in_order_and_wakes_its_reader():
    inbox = Inbox()
    assert inbox.empty()
    assert inbox.qsize() == 0
    inbox.put_nowait({"type": "websocket.connect"})
    inbox.put_nowait({"type": "websocket.receive", "text": "a"})
    assert inbox.qsize() == 2
    assert (await inbox.get())["type"] == "websocket.connect"
    assert (await inbox.get())["text"] == "a"
    assert inbox.empty()
    reader = asyncio.ensure_future(inbox.get())
    await asyncio.sleep(0)
    assert not reader.done()
    inbox.put_nowait({"type": "websocket.disconnect", "code": 1000})
    assert (await asyncio.wait_for(reader, 1))["code"] == 1000


async def test_a_cancelled_reader_leaves_the_inbox_usable_and_a_second_reader_is_refused():
    inbox = Inbox()
    reader = asyncio.ensure_future(inbox.get())
    await asyncio.sleep(0)
    with pytest.raises(RuntimeError, match="one reader"):
        await inbox.get()
    reader.cancel()
    with pytest.raises(asyncio.CancelledError):
        await reader
    inbox.put_nowait("next")
    assert await asyncio.wait_for(inbox.get(), 1) == "next"


async def test_writable_wakes_every_waiting_writer_when_set():
    writable = Writable()
    assert not writable.is_set()
    writers = [asyncio.ensure_future(writable.wait()) for _ in range(3)]
    await asyncio.sleep(0)
    assert not any(w.done() for w in writers)
    writable.set()
    assert await asyncio.wait_for(asyncio.gather(*writers), 1) == [True, True, True]
    writable.clear()
    assert not writable.is_set()
    late = asyncio.ensure_future(writable.wait())
    await asyncio.sleep(0)
    late.cancel()  # a writer that gave up is forgotten
    with pytest.raises(asyncio.CancelledError):
        await late
    writable.set()
    assert await writable.wait() is True
