"""The O(1) in-process channel layer keeps the channel-layer contract."""

import asyncio

import pytest
from channels.exceptions import ChannelFull

from realtime.layers import InMemoryChannelLayer


async def test_group_send_reaches_every_member_once():
    layer = InMemoryChannelLayer()
    a, b = await layer.new_channel(), await layer.new_channel()
    await layer.group_add("g", a)
    await layer.group_add("g", b)
    await layer.group_send("g", {"type": "x.y", "n": 1})
    assert await layer.receive(a) == {"type": "x.y", "n": 1}
    assert await layer.receive(b) == {"type": "x.y", "n": 1}


async def test_a_discarded_member_receives_nothing_more():
    layer = InMemoryChannelLayer()
    a = await layer.new_channel()
    await layer.group_add("g", a)
    await layer.group_discard("g", a)
    await layer.group_send("g", {"type": "x.y"})
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.1):
            await layer.receive(a)


async def test_receive_waits_for_a_later_send():
    layer = InMemoryChannelLayer()
    a = await layer.new_channel()
    waiting = asyncio.create_task(layer.receive(a))
    await asyncio.sleep(0)
    await layer.send(a, {"type": "later"})
    assert await waiting == {"type": "later"}


async def test_a_full_channel_raises_channel_full_and_group_send_skips_it():
    layer = InMemoryChannelLayer(capacity=2)
    a = await layer.new_channel()
    await layer.send(a, {"type": "1"})
    await layer.send(a, {"type": "2"})
    with pytest.raises(ChannelFull):
        await layer.send(a, {"type": "3"})
    await layer.group_add("g", a)
    await layer.group_send("g", {"type": "4"})  # no exception: the full member misses it
    assert (await layer.receive(a))["type"] == "1"


async def test_expired_messages_are_dropped_on_receive():
    layer = InMemoryChannelLayer(expiry=0)
    a = await layer.new_channel()
    await layer.send(a, {"type": "old"})
    await asyncio.sleep(0.01)
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.1):
            await layer.receive(a)


async def test_messages_are_copied_so_receivers_cannot_change_each_others():
    layer = InMemoryChannelLayer()
    a, b = await layer.new_channel(), await layer.new_channel()
    for channel in (a, b):
        await layer.group_add("g", channel)
    await layer.group_send("g", {"type": "t", "items": [1]})
    (await layer.receive(a))["items"].append(2)
    assert (await layer.receive(b))["items"] == [1]


async def test_group_operations_do_not_scan_other_channels():
    # 20,000 idle channels must not slow a group send to one member (the stock layer scans all).
    layer = InMemoryChannelLayer()
    for _ in range(20_000):
        idle = await layer.new_channel()
        await layer.send(idle, {"type": "idle"})
    a = await layer.new_channel()
    await layer.group_add("g", a)
    loop = asyncio.get_running_loop()
    started = loop.time()
    for _ in range(200):
        await layer.group_send("g", {"type": "t"})
        await layer.receive(a)
    # Generous bound: the stock layer takes seconds here (200 x 20,000 scans).
    assert loop.time() - started < 0.5


async def test_a_drop_for_a_full_member_is_counted_and_logged(caplog):
    from realtime.metrics import LAYER_DROPPED

    layer = InMemoryChannelLayer(capacity=1)
    a = await layer.new_channel()
    await layer.group_add("g", a)
    before = LAYER_DROPPED._value.get()
    await layer.group_send("g", {"type": "first"})
    await layer.group_send("g", {"type": "second"})
    assert LAYER_DROPPED._value.get() == before + 1
    assert "was dropped" in caplog.text


async def test_the_configured_layer_gives_hub_channels_a_deep_queue():
    # A burst far beyond the stock capacity of 100, sent while the hub cannot run (as under CPU
    # overload), must wait in the queue, not be dropped.
    from channels.layers import get_channel_layer

    from realtime.hub import Hub
    from tests.realtime.test_hub import Member

    hub = Hub(get_channel_layer())
    member = Member()
    member.outbox._limit = 10_000
    await hub.join("burst", member)
    for n in range(2_000):
        await hub.layer.group_send("burst", {"type": "note.posted", "text": str(n)})
    async with asyncio.timeout(5):
        while sum(1 for f in member.sent if f and '"note"' in f) < 2_000:
            await asyncio.sleep(0.01)
    await hub.close()
