"""Bugs the fuzzers found, pinned as plain tests: NUL characters in user text.

PostgreSQL can hold NUL neither in text nor in jsonb, so such input failed there (storage_failed,
internal_error) and was stored on SQLite. It is refused alike everywhere now, with a clear code.
"""

from __future__ import annotations

import json

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.test import AsyncClient

from chat.models import Message, Mute
from chat.services import room_ensure
from scores.models import LogEntry
from scores.services import matches, tokens
from tests.scores.helpers import events, make_match
from tests.support.auth import session_cookie
from tests.support.ws import communicator, receive_until

pytestmark = [
    pytest.mark.usefixtures("hub_teardown"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.db,
]


@sync_to_async
def setup() -> tuple[int, str]:
    room_ensure(slug="lobby", title="Lobby")
    user, _ = get_user_model().objects.get_or_create(username="sam")
    get_user_model().objects.get_or_create(username="fan")
    match = make_match()
    matches.scorer_grant(user=user, match=match)
    _, raw = tokens.scorer_token_create(user=user)
    return match.id, raw


@sync_to_async
def stored() -> tuple[int, int, int]:
    return LogEntry.objects.count(), Message.objects.count(), Mute.objects.count()


async def test_chat_text_with_a_nul_is_refused_and_nothing_is_stored():
    await setup()
    comm = communicator("/ws/chat/lobby/", headers=[await session_cookie("mod", staff=True)])
    assert (await comm.connect())[0]
    await receive_until(comm, "chat.history")
    await comm.send_json_to({"type": "chat.message", "message": "hi\x00there"})
    assert (await receive_until(comm, "error"))["code"] == "invalid_message"
    await comm.send_json_to({"type": "chat.mute", "username": "fan\x00", "minutes": 5})
    assert (await receive_until(comm, "error"))["code"] == "not_found"
    assert await stored() == (0, 0, 0)
    await comm.disconnect()


@pytest.mark.parametrize(
    ("command", "commentary"),
    [
        ("first", "a\x00b"),
        ({"kind": "start_innings", "batting": "Gujarat\x00Titans"}, None),
        ({"kind": "abandon", "reason": "rain\x00"}, None),
        ({"kind": "result", "outcome": "draw", "text": "\x00"}, None),
        ({"kind": "replace", "at": 1, "event": {"kind": "abandon", "\x00": 1}}, None),
    ],
)
async def test_scorer_text_with_a_nul_is_refused_as_invalid_on_socket_and_api(command, commentary):
    match_id, token = await setup()
    command = events(1)[0] if command == "first" else command
    comm = communicator(f"/ws/matches/{match_id}/score/", headers=[await session_cookie("sam")])
    assert (await comm.connect())[0]
    await receive_until(comm, "snapshot")
    message = {"type": "command", "id": "n", "expect_seq": 0, "command": command}
    if commentary is not None:
        message["commentary"] = commentary
    await comm.send_json_to(message)
    error = await receive_until(comm, "error")
    assert (error["code"], error["id"]) == ("invalid_command", "n")
    assert "NUL" in error["reason"]
    await comm.disconnect()
    del message["type"]
    response = await AsyncClient().post(
        f"/api/matches/{match_id}/events", data=json.dumps(message),
        content_type="application/json", headers={"Authorization": f"Bearer {token}"},
    )  # fmt: skip
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_command"
    assert await stored() == (0, 0, 0)
