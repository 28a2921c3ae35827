"""The guide's PracticeConsumer through the full ASGI app (origin checks, auth, routing)."""

import pytest

from tests.support.ws import communicator, receive_json

pytestmark = pytest.mark.usefixtures("hub_teardown")


async def test_text_ping_gets_text_pong():
    comm = communicator("/practice")
    connected, _ = await comm.connect()
    assert connected
    await comm.send_to(text_data="PING")
    assert await comm.receive_from() == "PONG"
    await comm.disconnect()


async def test_json_ping_gets_json_pong():
    comm = communicator("/practice")
    await comm.connect()
    await comm.send_json_to({"type": "ping"})
    assert await comm.receive_json_from() == {"type": "pong"}
    await comm.disconnect()


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ({"text_data": "hello"}, "invalid_json"),
        ({"text_data": "{not json"}, "invalid_json"),
        ({"text_data": "[1, 2]"}, "invalid_message"),
        ({"text_data": '{"type": "dance"}'}, "unknown_type"),
        ({"bytes_data": b"PING"}, "binary_not_accepted"),
    ],
)
async def test_anything_else_gets_an_error_frame_and_the_socket_stays_open(frame, code):
    comm = communicator("/practice")
    await comm.connect()
    await comm.send_to(**frame)
    error = await receive_json(comm)
    assert error["type"] == "error"
    assert error["code"] == code
    assert "PING" in error["reason"]
    # Still open and serving.
    await comm.send_to(text_data="PING")
    assert await comm.receive_from() == "PONG"
    await comm.disconnect()


async def test_oversized_frame_is_refused_with_close_code_1009(settings):
    settings.CREASE_MAX_MESSAGE_BYTES = 1000
    comm = communicator("/practice")
    await comm.connect()
    await comm.send_to(text_data='{"type": "ping", "pad": "' + "x" * 2000 + '"}')
    error = await receive_json(comm)
    assert error["code"] == "message_too_big"
    assert await comm.receive_output() == {"type": "websocket.close", "code": 1009}
    await comm.disconnect()


async def test_a_foreign_origin_is_refused():
    from channels.testing import WebsocketCommunicator

    from config.asgi import application

    comm = WebsocketCommunicator(
        application, "/practice", headers=[(b"origin", b"http://evil.example")]
    )
    connected, _ = await comm.connect()
    assert not connected
