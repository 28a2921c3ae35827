"""Per-IP limits count the address the trusted proxy saw, and remember a bounded set of them."""

from __future__ import annotations

import re
import urllib.request

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

PROXY_SAW = "203.0.113.7"  # the client's address, as nginx's $proxy_add_x_forwarded_for appends it


async def _served(server, forwarded_for: str) -> bool:
    """Open /practice with this X-Forwarded-For: True if served, False if closed with 4029."""
    async with connect(
        server.ws_url + "/practice",
        origin=server.origin,
        additional_headers={"X-Forwarded-For": forwarded_for},
    ) as ws:
        try:
            await ws.send("PING")
            return await ws.recv() == "PONG"
        except ConnectionClosed as closed:
            code = closed.rcvd.code if closed.rcvd else None
    assert code == 4029
    return False


def _tracked_ips(server) -> float:
    with urllib.request.urlopen(server.http_url + "/metrics") as response:
        text = response.read().decode()
    return float(re.search(r"^crease_ws_tracked_ips (\S+)$", text, re.M).group(1))


@pytest.mark.server
@pytest.mark.db
async def test_a_client_writing_its_own_first_hop_is_still_limited_on_a_real_server(
    start_server,
):
    # The deployment's documented settings before and after the fix: one trusted proxy.
    server = start_server(
        "uvicorn",
        env={
            "CREASE_TRUST_X_FORWARDED_FOR": "1",
            "CREASE_TRUSTED_PROXIES": "1",
            "CREASE_WS_NEW_PER_IP_PER_MINUTE": "5",
            "CREASE_WS_MAX_OPEN_PER_IP": "0",
            "CREASE_WS_TRACKED_IPS": "50",
        },
    )
    served = [await _served(server, f"198.51.100.{n}, {PROXY_SAW}") for n in range(12)]
    assert served == [True] * 5 + [False] * 7
    # Another client behind the same proxy is counted on its own.
    assert await _served(server, "198.51.100.1, 203.0.113.8")
    # A flood of distinct addresses cannot grow what the limit remembers past its bound.
    for n in range(120):
        await _served(server, f"10.1.{n // 250}.{n % 250}")
    assert 0 < _tracked_ips(server) <= 50
    assert "Traceback" not in server.log()


@pytest.mark.parametrize(
    ("peer", "header", "proxies", "expected"),
    [
        ("10.0.0.1", ["1.1.1.1"], 0, "10.0.0.1"),  # no proxy trusted: the header is ignored
        ("10.0.0.1", ["forged, 1.1.1.1"], 1, "1.1.1.1"),
        ("10.0.0.1", ["forged", "1.1.1.1"], 1, "1.1.1.1"),  # two header lines join in order
        ("10.0.0.1", ["forged, 1.1.1.1, 10.0.0.9"], 2, "1.1.1.1"),  # CDN, then nginx
        ("10.0.0.1", ["1.1.1.1"], 2, "1.1.1.1"),  # shorter than the chain: the leftmost
        ("10.0.0.1", [""], 1, "10.0.0.1"),
        ("10.0.0.1", [], 1, "10.0.0.1"),
    ],
)
def test_the_client_is_the_hop_the_outermost_trusted_proxy_appended(
    peer, header, proxies, expected
):
    from realtime.limits import forwarded_client

    assert forwarded_client(peer, header, proxies) == expected


def test_addresses_are_forgotten_when_their_minute_is_over_and_capped_meanwhile():
    from realtime.limits import RecentConnections

    recent = RecentConnections()
    for n in range(10):
        assert recent.admit(f"10.0.0.{n}", 2, 1000, now=float(n))
    assert len(recent) == 10
    assert recent.admit("10.0.0.0", 2, 1000, now=30.0)
    assert not recent.admit("10.0.0.0", 2, 1000, now=31.0)  # its third in a minute
    # A minute after the last of them, every address but the one seen at 30 s is gone.
    assert recent.admit("10.0.0.99", 2, 1000, now=70.0)
    assert len(recent) == 2
    assert recent.admit("10.0.0.0", 2, 1000, now=91.0)  # its window moved on
    # A hard cap: the least recently admitted address is dropped first.
    for n in range(50):
        recent.admit(f"192.0.2.{n}", 2, 20, now=100.0 + n / 100)
    assert len(recent) == 20
