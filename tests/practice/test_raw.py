"""The dependency-free ASGI app, driven directly and through the full app."""

import subprocess
import sys

from channels.testing import ApplicationCommunicator

from practice.raw import websocket_application
from tests.support.ws import communicator


def test_raw_app_imports_no_channels_and_no_django():
    code = (
        "import sys, practice.raw; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('channels', 'django')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


async def test_ping_gets_pong_at_the_websocket_root_of_the_app():
    comm = communicator("/")
    connected, _ = await comm.connect()
    assert connected
    await comm.send_to(text_data="ping")
    assert await comm.receive_from() == "pong!"
    await comm.disconnect()


async def test_binary_and_unknown_text_get_clear_replies_and_the_connection_stays():
    app = ApplicationCommunicator(websocket_application, {"type": "websocket", "path": "/"})
    await app.send_input({"type": "websocket.connect"})
    assert await app.receive_output() == {"type": "websocket.accept"}
    await app.send_input({"type": "websocket.receive", "bytes": b"\x00\x01"})
    reply = await app.receive_output()
    assert reply["text"].startswith("error: binary frames")
    await app.send_input({"type": "websocket.receive", "text": "PING"})
    assert (await app.receive_output())["text"].startswith("error: unknown message")
    await app.send_input({"type": "websocket.receive", "text": "ping"})
    assert await app.receive_output() == {"type": "websocket.send", "text": "pong!"}
    await app.send_input({"type": "websocket.disconnect", "code": 1000})
    await app.wait(timeout=1)


async def test_lifespan_is_answered():
    app = ApplicationCommunicator(websocket_application, {"type": "lifespan"})
    await app.send_input({"type": "lifespan.startup"})
    assert await app.receive_output() == {"type": "lifespan.startup.complete"}
    await app.send_input({"type": "lifespan.shutdown"})
    assert await app.receive_output() == {"type": "lifespan.shutdown.complete"}
    await app.wait(timeout=1)


async def test_plain_http_gets_426_upgrade_required():
    app = ApplicationCommunicator(websocket_application, {"type": "http", "path": "/"})
    await app.send_input({"type": "http.request", "body": b""})
    start = await app.receive_output()
    assert start["status"] == 426
    body = await app.receive_output()
    assert b"WebSocket" in body["body"]
