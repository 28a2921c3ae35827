"""Frames a client gets wrong cannot flood the server's log with errors and tracebacks."""

from __future__ import annotations

import base64
import os
import socket
import time

import pytest

pytestmark = [pytest.mark.server, pytest.mark.db]


def _invalid_utf8_frame(port: int) -> bytes:
    """Open /practice over a raw socket, send a text frame that is not UTF-8, return the reply."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        key = base64.b64encode(os.urandom(16)).decode()
        sock.sendall(
            f"GET /practice HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Origin: http://127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode()
        )
        head = b""
        while b"\r\n\r\n" not in head:
            head += sock.recv(4096)
        assert head.startswith(b"HTTP/1.1 101")
        payload = b"\xff\xfe\xfd"
        sock.sendall(bytes([0x81, 0x80 | len(payload)]) + b"\x00\x00\x00\x00" + payload)
        return sock.recv(4096)


def test_fifty_invalid_utf8_frames_log_one_info_line_and_no_traceback(start_server):
    server = start_server("serve", extra_args=["--ws", "websockets-sansio"])
    for _ in range(50):
        close = _invalid_utf8_frame(server.port)
        assert close[:1] == b"\x88"  # a close frame
        assert close[2:4] == (1007).to_bytes(2, "big")
    time.sleep(0.5)
    log = server.log_path.read_text()
    assert "Traceback" not in log
    assert "ERROR" not in log
    assert log.count("not UTF-8") == 1
