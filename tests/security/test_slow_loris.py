"""Half-sent requests cannot lock a server out: request heads have a deadline, the incomplete
ones are capped, connections are capped with a clear refusal, and short descriptors are logged."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
import urllib.error
import urllib.request

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

# solo: with a 2 s head deadline the server must not be starved of CPU by other tests (in make
# test's concurrent run a busy machine reset /healthz).
pytestmark = [
    pytest.mark.server,
    pytest.mark.db,
    pytest.mark.slow,
    pytest.mark.solo,
    pytest.mark.timeout(90),
]

FILES = 256
"""The worker's open-file limit in these tests (run-prod raises it to the hard limit)."""


def _healthz(server, timeout: float = 3) -> int:
    with urllib.request.urlopen(server.http_url + "/healthz", timeout=timeout) as response:
        return int(response.status)


async def _fan_served(server) -> bool:
    async with connect(server.ws_url + "/practice", origin=server.origin, open_timeout=3) as ws:
        await ws.send("PING")
        return await asyncio.wait_for(ws.recv(), 3) == "PONG"


def _half_requests(port: int, count: int) -> list[socket.socket]:
    """Sockets that each sent half a request head (no blank line): a slow loris."""
    sockets = []
    for _ in range(count):
        sock = socket.socket()
        sock.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            sock.connect(("127.0.0.1", port))
        sockets.append(sock)
    time.sleep(0.5)
    for n, sock in enumerate(sockets):
        with contextlib.suppress(OSError):
            sock.send(f"GET /?n={n} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1".encode())
    return sockets


def _closed_by_server(sock: socket.socket) -> bool:
    sock.setblocking(True)
    sock.settimeout(0.2)
    try:
        data = sock.recv(4096)
    except TimeoutError:
        return False
    except OSError:
        return True
    return data == b"" or data.startswith(b"HTTP/1.1 408")


@pytest.mark.parametrize("http", ["httptools", "h11"])  # auto is httptools when installed
async def test_half_sent_requests_do_not_lock_out_healthz_or_a_new_fan(start_server, http):
    server = start_server(
        "serve",
        nofile=FILES,
        env={"CREASE_HTTP_HEAD_TIMEOUT": "2", "CREASE_HTTP_MAX_INCOMPLETE": "50"},
        extra_args=["--http", http],
    )
    lorises = _half_requests(server.port, FILES + 100)  # more than the worker has descriptors
    try:
        started = time.monotonic()
        assert await asyncio.to_thread(_healthz, server) == 200
        assert await _fan_served(server)
        assert time.monotonic() - started < 5
        # Within the head deadline, every half-sent request has been answered 408 and closed.
        await asyncio.sleep(2.5)
        still_open = [sock for sock in lorises if not _closed_by_server(sock)]
        assert not still_open, f"{len(still_open)} half-sent requests still held open"
    finally:
        for sock in lorises:
            sock.close()
    assert await asyncio.to_thread(_healthz, server) == 200
    assert "Traceback" not in server.log()


async def test_over_the_connection_cap_fans_get_1013_healthz_is_answered_and_it_is_logged(
    start_server,
):
    server = start_server("serve", nofile=FILES, env={"CREASE_MAX_CONNECTIONS": str(FILES - 60)})
    fans = []
    refused = []
    try:
        for _ in range(FILES - 40):
            ws = await connect(server.ws_url + "/practice", origin=server.origin, open_timeout=5)
            try:
                await ws.send("PING")
                await asyncio.wait_for(ws.recv(), 3)
                fans.append(ws)
            except ConnectionClosed as closed:
                refused.append(closed.rcvd.code if closed.rcvd else None)
                await ws.close()
        assert len(fans) >= FILES - 70
        assert refused
        assert set(refused) == {1013}
        # At the cap a page is refused with a reason and a Retry-After; /healthz is answered.
        with pytest.raises(urllib.error.HTTPError) as page:
            await asyncio.to_thread(urllib.request.urlopen, server.http_url + "/", timeout=3)
        page.value.close()
        assert page.value.code == 503
        assert page.value.headers["Retry-After"]
        assert await asyncio.to_thread(_healthz, server) == 200
        deadline = time.monotonic() + 5
        while "file descriptors running short" not in server.log():
            assert time.monotonic() < deadline, server.log()
            await asyncio.sleep(0.2)
        assert "at capacity" in server.log()
    finally:
        for ws in fans:
            await ws.close()
    assert await _fan_served(server)


def test_a_body_that_trickles_in_gets_408_after_the_body_timeout(start_server):
    server = start_server("serve", env={"CREASE_BODY_TIMEOUT": "1"})
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(
            b"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n"
            b"username=a"
        )
        started = time.monotonic()
        answer = b""
        while chunk := sock.recv(4096):  # to the end: the server closes the connection
            answer += chunk
        assert time.monotonic() - started < 3
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert answer.endswith(b"the request body did not arrive within 1 s\n")
