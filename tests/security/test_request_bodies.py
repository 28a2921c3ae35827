"""A huge request body is refused at once (413), never read to its end nor spooled to disk."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.server, pytest.mark.db, pytest.mark.slow]

CHUNK = 64 * 1024


def _spooled(pid: int, spool: Path) -> list[str]:
    """Files of the server process in its temporary directory (Django's spooled bodies)."""
    found = []
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith(str(spool)):
            found.append(target)
    return found


def _head(path: str, port: int, *headers: str) -> bytes:
    lines = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", *headers, "", ""]
    return "\r\n".join(lines).encode()


def _response(sock: socket.socket) -> bytes:
    """What the server has answered so far (without waiting)."""
    sock.setblocking(False)
    try:
        return sock.recv(65536)
    except BlockingIOError:
        return b""
    except ConnectionResetError:
        return b"<reset>"
    finally:
        sock.setblocking(True)


def _until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes (a reset after the answer ends it too)."""
    answer = b""
    try:
        while chunk := sock.recv(65536):
            answer += chunk
    except ConnectionResetError:
        pass
    return answer


@pytest.fixture
def server(start_server, tmp_path):
    spool = tmp_path / "spool"
    spool.mkdir()
    server = start_server("uvicorn", env={"TMPDIR": str(spool)})
    server.spool = spool
    return server


def test_a_declared_512_mib_body_is_refused_with_413_before_it_is_sent(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        started = time.monotonic()
        sock.sendall(
            _head(
                "/api/matches/1/events",
                server.port,
                "Content-Type: application/json",
                f"Content-Length: {512 * 1024 * 1024}",
            )
            + b"x" * CHUNK
        )
        sock.settimeout(3)
        answer = _until_closed(sock)
        elapsed = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"too_large" in answer
    assert elapsed < 2
    assert not _spooled(server.process.pid, server.spool)


def test_a_chunked_body_without_a_length_is_cut_off_at_the_limit_unspooled(server):
    """Streamed without Content-Length, 64 KiB at a time: the 413 comes once the API's 16 KiB
    are passed, and the server never holds a temporary file (Django spools past 2.5 MiB)."""
    sent = 0
    answer = b""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(
            _head(
                "/api/matches/1/events",
                server.port,
                "Content-Type: application/json",
                "Transfer-Encoding: chunked",
            )
        )
        chunk = f"{CHUNK:x}\r\n".encode() + b"x" * CHUNK + b"\r\n"
        while sent < 8 * 1024 * 1024 and not answer:
            try:
                sock.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += CHUNK
            assert not _spooled(server.process.pid, server.spool), f"spooled after {sent} bytes"
            answer = _response(sock)
        sock.settimeout(3)
        answer = answer or sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 413"), (sent, answer[:200])
    assert sent < 4 * 1024 * 1024  # refused long before the 8 MiB the client meant to send


def test_a_form_post_over_a_mebibyte_is_refused_and_a_normal_one_served(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(
            _head(
                "/accounts/login/",
                server.port,
                "Content-Type: application/x-www-form-urlencoded",
                f"Content-Length: {2 * 1024 * 1024}",
            )
        )
        sock.settimeout(3)
        assert sock.recv(65536).startswith(b"HTTP/1.1 413")
    body = b"username=a&password=b"
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(
            _head(
                "/accounts/login/",
                server.port,
                "Content-Type: application/x-www-form-urlencoded",
                f"Content-Length: {len(body)}",
                "Connection: close",
            )
            + body
        )
        sock.settimeout(5)
        answer = sock.recv(65536)
    # Django answers (403: no CSRF token), not the body limit.
    assert answer.startswith(b"HTTP/1.1 403"), answer[:200]
