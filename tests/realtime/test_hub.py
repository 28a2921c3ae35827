"""The process hub: one subscription per group, encode once, presence."""

import asyncio

import pytest

from realtime import hub as hub_module
from realtime.broadcast import broadcast
from realtime.hub import Hub
from realtime.layers import InMemoryChannelLayer
from realtime.outbox import Outbox


class Member:
    renders = 0

    def __init__(self, name=None):
        self.sent = []
        self.outbox = Outbox(self._send, limit=100)
        self.presence_name = name
        self.presence_counted = True
        self.ignored_types = frozenset()

    async def _send(self, message):
        self.sent.append(message.get("text"))

    @broadcast
    def note_posted(event):
        Member.renders += 1
        return {"type": "note", "text": event["text"]}

    @broadcast
    def word_said(event):
        return {"type": "word", "text": event["text"]}


@pytest.fixture
async def hub():
    layer = InMemoryChannelLayer()
    hub = Hub(layer)
    yield hub
    await hub.close()


async def until(predicate, timeout=3.0):
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.01)


async def test_one_group_message_is_rendered_once_for_all_local_members(hub):
    members = [Member() for _ in range(50)]
    for member in members:
        await hub.join("g", member)
    Member.renders = 0
    await hub.layer.group_send("g", {"type": "note.posted", "text": "hi"})
    await until(lambda: all('{"type":"note","text":"hi"}' in m.sent for m in members))
    assert Member.renders == 1


async def test_the_process_holds_one_layer_membership_per_group(hub):
    for _ in range(10):
        await hub.join("g", Member())
    assert len(hub.layer._groups["g"]) == 1


async def test_presence_counts_names_and_anonymous_members(hub):
    watcher = Member()
    await hub.join("g", watcher)
    await hub.join("g", Member("alice"))
    await hub.join("g", Member("alice"))
    await hub.join("g", Member("bob"))
    await until(lambda: (hub.presence("g") or {}).get("count") == 4)
    assert hub.presence("g") == {
        "type": "presence",
        "group": "g",
        "count": 4,
        "users": ["alice", "bob"],
        "anonymous": 1,
    }
    assert any('"count":4' in (frame or "") for frame in watcher.sent)


async def test_members_who_leave_stop_receiving_and_leave_presence(hub):
    stays, leaves = Member("stays"), Member("leaves")
    await hub.join("g", stays)
    await hub.join("g", leaves)
    await hub.leave("g", leaves)
    await hub.layer.group_send("g", {"type": "note.posted", "text": "after"})
    await until(lambda: any("after" in (f or "") for f in stays.sent))
    assert not any("after" in (f or "") for f in leaves.sent)
    await until(lambda: (hub.presence("g") or {}).get("users") == ["stays"])


async def test_uncounted_members_receive_but_are_not_audience(hub):
    follower = Member()
    follower.presence_counted = False
    await hub.join("g", follower)
    await hub.join("g", Member("fan"))
    await until(lambda: (hub.presence("g") or {}).get("count") == 1)
    await hub.layer.group_send("g", {"type": "note.posted", "text": "x"})
    await until(lambda: any('"text":"x"' in (f or "") for f in follower.sent))


async def test_a_member_is_not_sent_the_types_it_ignores_and_gets_every_other(hub):
    choosy, fan = Member(), Member()
    choosy.ignored_types = frozenset({"note.posted"})
    await hub.join("g", choosy)
    await hub.join("g", fan)
    await hub.layer.group_send("g", {"type": "note.posted", "text": "ball"})
    await hub.layer.group_send("g", {"type": "word.said", "text": "word"})
    await until(lambda: any('"text":"word"' in (f or "") for f in choosy.sent))
    assert not any('"text":"ball"' in (f or "") for f in choosy.sent)
    assert any('"text":"ball"' in (f or "") for f in fan.sent)


async def test_a_crowd_hears_a_changed_count_at_most_every_few_seconds_and_a_joiner_at_once(
    hub, monkeypatch
):
    monkeypatch.setattr(hub_module, "PRESENCE_CROWD", 20)
    monkeypatch.setattr(hub_module, "PRESENCE_CROWD_SPACING", 2.5)
    crowd = [Member() for _ in range(25)]
    for member in crowd:
        await hub.join("g", member)
    watcher = crowd[0]
    await until(lambda: any('"count":25' in (f or "") for f in watcher.sent))
    sent_at = asyncio.get_running_loop().time()
    await hub.join("g", Member())  # the count moves to 26
    await until(lambda: (hub.presence("g") or {}).get("count") == 26)
    late = Member()
    await hub.join("g", late)  # a joiner gets the newest count at once, held back or not
    assert any('"count":26' in (f or "") or '"count":27' in (f or "") for f in late.sent)
    assert not any('"count":27' in (f or "") for f in watcher.sent)
    await until(lambda: any('"count":27' in (f or "") for f in watcher.sent), timeout=6)
    waited = asyncio.get_running_loop().time() - sent_at
    assert waited >= 2.0, f"the crowd heard the new count after {waited:.1f} s"
