"""The guide's group chat through the full ASGI app: join, group_send, chat_message, leave."""

import pytest

from tests.support.auth import session_cookie
from tests.support.ws import communicator, receive_json, receive_until

pytestmark = [pytest.mark.usefixtures("hub_teardown"), pytest.mark.django_db(transaction=True)]


async def test_a_message_reaches_every_member_of_the_room_and_no_other_room():
    alice = communicator("/ws/chat/lobby/", headers=[await session_cookie("alice")])
    reader = communicator("/ws/chat/lobby/")
    elsewhere = communicator("/ws/chat/other/")
    for comm in (alice, reader, elsewhere):
        connected, _ = await comm.connect()
        assert connected
    await alice.send_json_to({"type": "chat.message", "message": "Howzat!"})
    expected = {"type": "chat.message", "room": "lobby", "username": "alice", "message": "Howzat!"}
    assert await receive_until(reader, "chat.message") == expected
    assert await receive_until(alice, "chat.message") == expected
    # Nothing leaks into another room (presence frames aside).
    while not await elsewhere.receive_nothing(timeout=0.3):
        assert (await receive_json(elsewhere))["type"] == "presence"
    for comm in (alice, reader, elsewhere):
        await comm.disconnect()


async def test_an_anonymous_reader_gets_an_error_frame_when_posting():
    comm = communicator("/ws/chat/lobby/")
    await comm.connect()
    await comm.send_json_to({"type": "chat.message", "message": "hi"})
    error = await receive_until(comm, "error")
    assert error["code"] == "login_required"
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


async def test_a_member_who_leaves_stops_receiving():
    poster = communicator("/ws/chat/leaving/", headers=[await session_cookie("bob")])
    leaver = communicator("/ws/chat/leaving/")
    await poster.connect()
    await leaver.connect()
    await leaver.disconnect()
    from realtime.hub import get_hub

    assert get_hub().members("chat.leaving") == 1
    await poster.send_json_to({"type": "chat.message", "message": "still there?"})
    assert (await receive_until(poster, "chat.message"))["message"] == "still there?"
    await poster.disconnect()
    assert get_hub().members("chat.leaving") == 0


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ("", "empty_message"),
        ("   ", "empty_message"),
        ("x" * 501, "message_too_long"),
        (7, "empty_message"),
    ],
)
async def test_bad_messages_get_an_error_and_reach_nobody(message, code):
    poster = communicator("/ws/chat/limits/", headers=[await session_cookie("carol")])
    reader = communicator("/ws/chat/limits/")
    await poster.connect()
    await reader.connect()
    await poster.send_json_to({"type": "chat.message", "message": message})
    assert (await receive_until(poster, "error"))["code"] == code
    while not await reader.receive_nothing(timeout=0.3):
        assert (await receive_json(reader))["type"] == "presence"
    await poster.disconnect()
    await reader.disconnect()
