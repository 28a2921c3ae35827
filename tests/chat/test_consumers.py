"""The chat consumer through the full ASGI app: rooms, history, limits, moderation, presence."""

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.utils import timezone

from chat.models import Message, Mute, Room
from chat.services import room_ensure
from tests.support.auth import session_cookie
from tests.support.ws import communicator, receive_json, receive_until

pytestmark = [
    pytest.mark.usefixtures("hub_teardown"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.db,
]


ensure = sync_to_async(room_ensure)


@sync_to_async
def stored_bodies(slug="match-1"):
    return list(Message.objects.filter(room__slug=slug).values_list("body", flat=True))


@sync_to_async
def seed(slug, author, count):
    user, _ = get_user_model().objects.get_or_create(username=author)
    room = Room.objects.get(slug=slug)
    now = timezone.now() - timezone.timedelta(hours=1)
    Message.objects.bulk_create(
        Message(room=room, author=user, body=f"old {n}", created_at=now) for n in range(count)
    )


async def connect(path, user=None, *, staff=False):
    headers = [await session_cookie(user, staff=staff)] if user else []
    comm = communicator(path, headers=headers)
    connected, _ = await comm.connect()
    assert connected
    history = await receive_until(comm, "chat.history")
    return comm, history


async def nothing_but_presence(comm, timeout=0.3):
    while not await comm.receive_nothing(timeout=timeout):
        assert (await receive_json(comm))["type"] == "presence"


@pytest.fixture
async def match_room():
    return await ensure(slug="match-1", title="Match 1")


async def test_a_message_is_stored_then_reaches_every_member_of_the_room_and_no_other(match_room):
    await ensure(slug="match-2", title="Match 2")
    alice, _ = await connect("/ws/chat/match-1/", "alice")
    reader, _ = await connect("/ws/chat/match-1/")
    elsewhere, _ = await connect("/ws/chat/match-2/")
    await alice.send_json_to({"type": "chat.message", "message": "Howzat!"})
    got = await receive_until(reader, "chat.message")
    assert set(got) == {"type", "id", "room", "username", "message", "ts"}
    assert (got["room"], got["username"], got["message"]) == ("match-1", "alice", "Howzat!")
    assert got["ts"].endswith("Z")
    assert await receive_until(alice, "chat.message") == got
    stored = await sync_to_async(Message.objects.get)(pk=got["id"])
    assert stored.body == "Howzat!"
    await nothing_but_presence(elsewhere)
    for comm in (alice, reader, elsewhere):
        await comm.disconnect()


async def test_a_room_without_a_row_is_not_found_and_closed_with_4004():
    comm = communicator("/ws/chat/match-999/")
    connected, _ = await comm.connect()
    assert connected
    error = await receive_json(comm)
    assert error["type"] == "error"
    assert error["code"] == "not_found"
    assert (await comm.receive_output())["code"] == 4004
    await comm.disconnect()


@pytest.mark.parametrize("room", ["bad room", "x" * 101, "caf%C3%A9", "semi;colon"])
async def test_an_invalid_room_name_is_rejected_clearly(room):
    comm = communicator(f"/ws/chat/{room}/")
    connected, _ = await comm.connect()
    assert connected
    error = await receive_json(comm)
    assert error["code"] == "invalid_room"
    assert "letters" in error["reason"]
    assert (await comm.receive_output())["code"] == 4004
    await comm.disconnect()


async def test_joining_shows_the_last_50_messages_and_load_earlier_pages_back(match_room):
    await seed("match-1", "old-timer", 120)
    comm, history = await connect("/ws/chat/match-1/")
    bodies = [m["message"] for m in history["messages"]]
    assert bodies == [f"old {n}" for n in range(70, 120)]
    assert history["has_more"] is True
    await comm.send_json_to({"type": "chat.history", "before": history["messages"][0]["id"]})
    page = await receive_until(comm, "chat.history")
    assert [m["message"] for m in page["messages"]] == [f"old {n}" for n in range(20, 70)]
    assert page["has_more"] is True
    await comm.send_json_to({"type": "chat.history", "before": page["messages"][0]["id"]})
    last = await receive_until(comm, "chat.history")
    assert [m["message"] for m in last["messages"]] == [f"old {n}" for n in range(20)]
    assert last["has_more"] is False
    await comm.send_json_to({"type": "chat.history", "before": "soon"})
    assert (await receive_until(comm, "error"))["code"] == "invalid_message"
    await comm.disconnect()


async def test_an_anonymous_reader_gets_an_error_frame_when_posting_and_nothing_is_stored(
    match_room,
):
    comm, _ = await connect("/ws/chat/match-1/")
    await comm.send_json_to({"type": "chat.message", "message": "hi"})
    error = await receive_until(comm, "error")
    assert error["code"] == "login_required"
    assert await stored_bodies() == []
    await comm.disconnect()


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ("", "empty_message"),
        ("   \n\t ", "empty_message"),
        ("x" * 501, "message_too_long"),
        (7, "empty_message"),
        (None, "empty_message"),
    ],
)
async def test_bad_messages_get_an_error_reach_nobody_and_are_not_stored(match_room, message, code):
    poster, _ = await connect("/ws/chat/match-1/", "carol")
    reader, _ = await connect("/ws/chat/match-1/")
    await poster.send_json_to({"type": "chat.message", "message": message})
    error = await receive_until(poster, "error")
    assert error["code"] == code
    assert error["reason"]
    await nothing_but_presence(reader)
    assert await stored_bodies() == []
    await poster.disconnect()
    await reader.disconnect()


async def test_exactly_500_characters_is_accepted(match_room):
    poster, _ = await connect("/ws/chat/match-1/", "carol")
    await poster.send_json_to({"type": "chat.message", "message": "y" * 500})
    assert len((await receive_until(poster, "chat.message"))["message"]) == 500
    await poster.disconnect()


async def test_a_sixth_message_within_ten_seconds_is_rate_limited_and_not_stored(match_room):
    poster, _ = await connect("/ws/chat/match-1/", "dave")
    for n in range(5):
        await poster.send_json_to({"type": "chat.message", "message": f"run {n}"})
        assert (await receive_until(poster, "chat.message"))["message"] == f"run {n}"
    await poster.send_json_to({"type": "chat.message", "message": "one too many"})
    error = await receive_until(poster, "error")
    assert error["code"] == "rate_limited"
    assert "5 messages every 10 seconds" in error["reason"]
    assert await stored_bodies() == [f"run {n}" for n in range(5)]
    await poster.disconnect()


async def test_the_rate_limit_comes_from_settings(match_room, settings):
    settings.CHAT_RATE_LIMIT = (2, 60)
    poster, _ = await connect("/ws/chat/match-1/", "erin")
    for body in ("one", "two"):
        await poster.send_json_to({"type": "chat.message", "message": body})
        await receive_until(poster, "chat.message")
    await poster.send_json_to({"type": "chat.message", "message": "three"})
    assert (await receive_until(poster, "error"))["code"] == "rate_limited"
    assert await stored_bodies() == ["one", "two"]
    await poster.disconnect()


async def test_script_tags_are_stored_and_sent_literally(match_room):
    text = '<script>alert("x")</script> & <b>bold</b>'
    poster, _ = await connect("/ws/chat/match-1/", "mallory")
    await poster.send_json_to({"type": "chat.message", "message": text})
    assert (await receive_until(poster, "chat.message"))["message"] == text
    assert await stored_bodies() == [text]
    comm, history = await connect("/ws/chat/match-1/")
    assert history["messages"][0]["message"] == text
    await comm.disconnect()
    await poster.disconnect()


async def test_staff_deletion_disappears_live_for_everyone_and_from_history(match_room):
    fan, _ = await connect("/ws/chat/match-1/", "frank")
    mod, _ = await connect("/ws/chat/match-1/", "mod", staff=True)
    await fan.send_json_to({"type": "chat.message", "message": "rude words"})
    posted = await receive_until(fan, "chat.message")
    await receive_until(mod, "chat.message")
    await mod.send_json_to({"type": "chat.delete", "id": posted["id"]})
    deleted = {"type": "chat.deleted", "id": posted["id"], "room": "match-1"}
    assert await receive_until(fan, "chat.deleted") == deleted
    assert await receive_until(mod, "chat.deleted") == deleted
    late, history = await connect("/ws/chat/match-1/")
    assert history["messages"] == []
    stored = await sync_to_async(Message.objects.get)(pk=posted["id"])
    assert stored.deleted_at is not None
    for comm in (fan, mod, late):
        await comm.disconnect()


async def test_moderation_is_for_staff_only(match_room):
    fan, _ = await connect("/ws/chat/match-1/", "gina")
    other, _ = await connect("/ws/chat/match-1/", "hugo")
    anonymous, _ = await connect("/ws/chat/match-1/")
    await other.send_json_to({"type": "chat.message", "message": "mine"})
    posted = await receive_until(other, "chat.message")
    for comm in (fan, anonymous):
        await comm.send_json_to({"type": "chat.delete", "id": posted["id"]})
        assert (await receive_until(comm, "error"))["code"] == "not_staff"
        await comm.send_json_to({"type": "chat.mute", "username": "hugo", "minutes": 5})
        assert (await receive_until(comm, "error"))["code"] == "not_staff"
    await nothing_but_presence(other)
    message = await sync_to_async(Message.objects.get)(pk=posted["id"])
    assert message.deleted_at is None
    assert not await sync_to_async(Mute.objects.exists)()
    for comm in (fan, other, anonymous):
        await comm.disconnect()


async def test_deleting_a_message_of_another_room_or_no_message_is_not_found(match_room):
    await ensure(slug="match-2", title="Match 2")
    poster, _ = await connect("/ws/chat/match-2/", "ivan")
    await poster.send_json_to({"type": "chat.message", "message": "elsewhere"})
    posted = await receive_until(poster, "chat.message")
    mod, _ = await connect("/ws/chat/match-1/", "mod", staff=True)
    for bad_id in (posted["id"], 10**9):
        await mod.send_json_to({"type": "chat.delete", "id": bad_id})
        assert (await receive_until(mod, "error"))["code"] == "not_found"
    await mod.send_json_to({"type": "chat.delete", "id": "1"})
    assert (await receive_until(mod, "error"))["code"] == "invalid_message"
    await nothing_but_presence(poster)
    await poster.disconnect()
    await mod.disconnect()


async def test_a_muted_user_cannot_post_until_the_mute_ends_and_nothing_is_stored(match_room):
    fan, _ = await connect("/ws/chat/match-1/", "jack")
    mod, _ = await connect("/ws/chat/match-1/", "mod", staff=True)
    await mod.send_json_to({"type": "chat.mute", "username": "jack", "minutes": 15})
    muted = await receive_until(mod, "chat.muted")
    assert muted["username"] == "jack"
    assert muted["until"].endswith("Z")
    await fan.send_json_to({"type": "chat.message", "message": "let me speak"})
    error = await receive_until(fan, "error")
    assert error["code"] == "muted"
    assert error["until"] == muted["until"]
    assert await stored_bodies() == []
    await mod.send_json_to({"type": "chat.mute", "username": "jack", "minutes": 0})
    assert (await receive_until(mod, "chat.muted"))["until"] is None
    await fan.send_json_to({"type": "chat.message", "message": "thanks"})
    assert (await receive_until(fan, "chat.message"))["message"] == "thanks"
    await fan.disconnect()
    await mod.disconnect()


@pytest.mark.parametrize(
    ("command", "code"),
    [
        ({"username": "nobody-here", "minutes": 5}, "not_found"),
        ({"username": "kate", "minutes": -1}, "invalid_message"),
        ({"username": "kate", "minutes": "5"}, "invalid_message"),
        ({"username": "kate", "minutes": 10**6}, "invalid_message"),
        ({"minutes": 5}, "invalid_message"),
        ({"username": "mod", "minutes": 5}, "invalid_message"),
    ],
)
async def test_bad_mute_commands_are_refused_and_mute_nobody(match_room, command, code):
    kate, _ = await connect("/ws/chat/match-1/", "kate")
    mod, _ = await connect("/ws/chat/match-1/", "mod", staff=True)
    await mod.send_json_to({"type": "chat.mute", **command})
    assert (await receive_until(mod, "error"))["code"] == code
    assert not await sync_to_async(Mute.objects.exists)()
    await kate.disconnect()
    await mod.disconnect()


async def test_an_unknown_type_gets_an_error_and_the_connection_stays_open(match_room):
    comm, _ = await connect("/ws/chat/match-1/", "liam")
    await comm.send_json_to({"type": "chat.shout", "message": "HI"})
    assert (await receive_until(comm, "error"))["code"] == "unknown_type"
    await comm.send_json_to({"type": "chat.message", "message": "sorry"})
    assert (await receive_until(comm, "chat.message"))["message"] == "sorry"
    await comm.disconnect()


async def test_presence_names_logged_in_fans_and_counts_anonymous_ones(match_room):
    alice, _ = await connect("/ws/chat/match-1/", "alice")
    reader, _ = await connect("/ws/chat/match-1/")
    while True:
        presence = await receive_until(alice, "presence")
        if presence["count"] == 2:
            break
    assert presence == {
        "type": "presence",
        "group": "chat.match-1",
        "count": 2,
        "users": ["alice"],
        "anonymous": 1,
    }
    await alice.disconnect()
    await reader.disconnect()


async def test_a_member_who_leaves_stops_receiving(match_room):
    from realtime.hub import get_hub

    poster, _ = await connect("/ws/chat/match-1/", "bob")
    leaver, _ = await connect("/ws/chat/match-1/")
    await leaver.disconnect()
    assert get_hub().members("chat.match-1") == 1
    await poster.send_json_to({"type": "chat.message", "message": "still there?"})
    assert (await receive_until(poster, "chat.message"))["message"] == "still there?"
    await poster.disconnect()
    assert get_hub().members("chat.match-1") == 0


async def test_a_message_sent_again_with_its_id_is_stored_once_and_acknowledged_each_time(
    match_room,
):
    await ensure(slug="match-2", title="Match 2")
    alice, _ = await connect("/ws/chat/match-1/", "alice")
    reader, _ = await connect("/ws/chat/match-1/")
    post = {"type": "chat.message", "message": "Six!", "id": "a-1"}
    await alice.send_json_to(post)
    ack = await receive_until(alice, "chat.ack")
    assert ack["id"] == "a-1"
    first = await receive_until(reader, "chat.message")
    assert first["id"] == ack["message_id"]
    await alice.send_json_to({**post, "message": "Six! (edited)"})  # same id: the same message
    assert (await receive_until(alice, "chat.ack")) == ack
    assert (await receive_until(reader, "chat.message"))["id"] == first["id"]  # told again
    assert await stored_bodies() == ["Six!"]
    # Without an id every post is a new message; the ack's id is then null.
    await alice.send_json_to({"type": "chat.message", "message": "Four"})
    assert (await receive_until(alice, "chat.ack"))["id"] is None
    # An id is a short string, and names one message of one room.
    for bad in (7, "", "x" * 65, "tab\there"):
        await alice.send_json_to({"type": "chat.message", "message": "m", "id": bad})
        assert (await receive_until(alice, "error"))["code"] == "invalid_message"
    elsewhere, _ = await connect("/ws/chat/match-2/", "alice")
    await elsewhere.send_json_to({**post, "message": "Six!"})
    assert (await receive_until(elsewhere, "error"))["code"] == "invalid_message"
    assert await stored_bodies() == ["Six!", "Four"]
    for comm in (alice, reader, elsewhere):
        await comm.disconnect()
