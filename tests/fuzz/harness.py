"""Drive one WebSocket endpoint through the full ASGI app with hostile frames.

Each hostile frame is followed by a sentinel (a valid request with a known reply, e.g. a ping);
everything the server sends before the sentinel's reply is its answer to the hostile frame. A
server that stays silent fails (every input must be answered), and the sentinel's reply proves
the connection still serves valid requests.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from channels.testing import WebsocketCommunicator

from realtime.frames import decode as decode_client_json
from tests.support.ws import communicator

DOCUMENTED_CLOSE_CODES = {1000, 1009, 1011, 1012, 4003, 4004, 4008, 4029}


@dataclass
class Endpoint:
    path: str
    sentinel: str
    is_sentinel_reply: Callable[[Any], bool]
    sentinels_in: Callable[[str | bytes], int] = lambda frame: 0
    """How many sentinel-like replies the hostile frame itself earns (e.g. it is a ping)."""
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    json: bool = True


@dataclass
class Outcome:
    frames: list[Any]
    """Replies to the hostile frame, presence frames left out."""
    close_code: int | None = None


def decode(text: str | None, as_json: bool) -> Any:
    if text is None or not as_json:
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text  # e.g. the practice endpoint's plain "PONG"


def is_presence(value: Any) -> bool:
    return isinstance(value, dict) and value.get("type") == "presence"


async def send_frame(comm: WebsocketCommunicator, frame: str | bytes) -> None:
    # send_input, not send_to: send_to refuses empty frames, which clients can send.
    key = "bytes" if isinstance(frame, bytes) else "text"
    await comm.send_input({"type": "websocket.receive", key: frame})


async def collect(
    comm: WebsocketCommunicator, endpoint: Endpoint, sentinels: int = 1, timeout: float = 5
) -> Outcome:
    """Frames up to the `sentinels`-th sentinel reply, or up to a close."""
    frames: list[Any] = []
    seen = 0
    while True:
        output = await comm.receive_output(timeout)
        if output["type"] == "websocket.close":
            return Outcome(frames, output.get("code", 1000))
        value = decode(output.get("text"), endpoint.json)
        if is_presence(value):
            continue
        if endpoint.is_sentinel_reply(value):
            seen += 1
            if seen == sentinels:
                return Outcome(frames)
            continue
        frames.append(value)


async def open_endpoint(endpoint: Endpoint) -> tuple[WebsocketCommunicator, list[Any]]:
    """Connect and read the frames sent on connect (snapshot, history...) up to a sentinel."""
    comm = communicator(endpoint.path, headers=endpoint.headers)
    connected, code = await comm.connect()
    assert connected, f"{endpoint.path} refused the connection ({code})"
    await send_frame(comm, endpoint.sentinel)
    initial = await collect(comm, endpoint)
    assert initial.close_code is None, f"{endpoint.path} closed on connect: {initial}"
    return comm, initial.frames


async def exchange(comm: WebsocketCommunicator, endpoint: Endpoint, frame: str | bytes) -> Outcome:
    """Send a hostile frame and a sentinel; the server's answer to the hostile frame."""
    await send_frame(comm, frame)
    await send_frame(comm, endpoint.sentinel)
    return await collect(comm, endpoint, sentinels=1 + endpoint.sentinels_in(frame))


def classify(frame: str | bytes, limit: int) -> tuple[str, Any]:
    """What the shared consumer base makes of a frame: binary, too_big, invalid_json,
    invalid_message, or ok with the decoded object (docs/protocol.md, Errors)."""
    if isinstance(frame, bytes):
        return "binary_not_accepted", None
    if len(frame.encode()) > limit:
        return "message_too_big", None
    try:
        content = decode_client_json(frame)  # the server's decoder: the same depth bound
    except ValueError:
        return "invalid_json", None
    if not isinstance(content, dict) or not isinstance(content.get("type"), str):
        return "invalid_message", None
    return "ok", content


def error_codes(outcome: Outcome) -> list[str]:
    return [f.get("code") for f in outcome.frames if isinstance(f, dict) and f["type"] == "error"]


def assert_single_error(outcome: Outcome, code: str) -> dict[str, Any]:
    assert len(outcome.frames) == 1, outcome
    (frame,) = outcome.frames
    assert isinstance(frame, dict), outcome
    assert frame["type"] == "error", outcome
    assert frame["code"] == code, outcome
    assert isinstance(frame["reason"], str), outcome
    assert frame["reason"], outcome
    return frame


def assert_generic(kind: str, outcome: Outcome) -> None:
    """The shared answers to frames that are not messages."""
    assert_single_error(outcome, kind)
    if kind == "message_too_big":
        assert outcome.close_code == 1009, outcome
    else:
        assert outcome.close_code is None, outcome
