"""Only a match's assigned scorers can change it: every command kind, over the socket and the API.

Each refused attempt is checked against the database: no log entry, the match's seq unchanged.
A control test shows the same commands are accepted from the match's own scorer, so the refusals
are about rights and not about the cricket.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.test import AsyncClient

from cricket import events as ev
from scores.models import LogEntry, Match, Scorer
from scores.services import matches, tokens
from tests.scores.helpers import events, make_match, real_match, score
from tests.support.auth import session_cookie
from tests.support.ws import communicator, receive_json, receive_until

pytestmark = [
    pytest.mark.usefixtures("hub_teardown"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.db,
]

SCORED = 12  # real events scored before each test: an innings under way


def _commands() -> dict[str, dict[str, Any]]:
    """One command of every kind the console and the API accept, most of them legal here."""
    setup, _ = real_match()
    home, away = setup.home.name, setup.away.name
    nxt = events(1, SCORED)[0]
    samples: dict[str, dict[str, Any]] = {
        "delivery": nxt if nxt["kind"] == "delivery" else {"kind": "delivery", "runs": 1},
        "start_innings": {"kind": "start_innings", "batting": away},
        "new_batter": {"kind": "new_batter", "player": setup.home.players[5]},
        "new_bowler": {"kind": "new_bowler", "bowler": setup.away.players[9], "mid_over": True},
        "miscounted_over": {"kind": "miscounted_over", "balls": 5},
        "retirement": {"kind": "retirement", "player": setup.home.players[0], "reason": "hurt"},
        "timed_out": {"kind": "timed_out", "player": setup.home.players[6]},
        "absent": {"kind": "absent", "player": setup.home.players[7]},
        "substitute": {
            "kind": "substitute",
            "team": away,
            "player_in": "Sub Fielder",
            "player_out": setup.away.players[3],
        },
        "penalty_runs": {"kind": "penalty_runs", "team": home, "runs": 5},
        "declaration": {"kind": "declaration"},
        "forfeit": {"kind": "forfeit"},
        "revised_target": {"kind": "revised_target", "runs": 150, "overs": 15},
        "end_innings": {"kind": "end_innings", "reason": "bad light"},
        "abandon": {"kind": "abandon", "reason": "rain"},
        "bowl_out": {"kind": "bowl_out", "winner": home},
        "result": {"kind": "result", "outcome": "no result"},
        "undo": {"kind": "undo"},
        "replace": {"kind": "replace", "at": SCORED, "event": {"kind": "delivery", "runs": 6}},
        "insert": {"kind": "insert", "at": SCORED, "event": {"kind": "delivery", "runs": 2}},
        "delete": {"kind": "delete", "at": SCORED},
    }
    missing = set(ev.KINDS) - set(samples)
    assert not missing, f"add a sample for {missing}"
    return samples


COMMANDS = _commands()
# Legal at this point of the real match: the control test proves the match's scorer may send them.
LEGAL = ["delivery", "penalty_runs", "undo", "replace", "insert", "delete", "abandon"]


@sync_to_async
def two_matches() -> tuple[Match, Match]:
    match = make_match()
    score(match, SCORED)
    other = make_match(title="Another match")
    users = {n: get_user_model().objects.get_or_create(username=n)[0] for n in ("sam", "olly")}
    get_user_model().objects.get_or_create(username="nobody")
    matches.scorer_grant(user=users["sam"], match=match)
    matches.scorer_grant(user=users["olly"], match=other)
    match.refresh_from_db()
    return match, other


@sync_to_async
def written(match: Match) -> tuple[int, int]:
    return LogEntry.objects.filter(match=match).count(), Match.objects.get(pk=match.pk).seq


def message(kind: str) -> dict[str, Any]:
    return {"type": "command", "id": kind, "expect_seq": SCORED, "command": COMMANDS[kind]}


async def test_the_matchs_own_scorer_may_send_the_legal_commands():
    """The control: these commands are legal, so their refusal below is about rights."""
    for kind in LEGAL:
        match, _ = await two_matches()
        comm = communicator(f"/ws/matches/{match.id}/score/", headers=[await session_cookie("sam")])
        assert (await comm.connect())[0]
        await receive_until(comm, "snapshot")
        await comm.send_json_to(message(kind))
        ack = await receive_until(comm, "ack")
        assert ack == {"type": "ack", "id": kind, "seq": SCORED + 1}
        await comm.disconnect()


@pytest.mark.parametrize("kind", sorted(COMMANDS))
@pytest.mark.parametrize("who", ["anonymous", "nobody", "olly"])
async def test_someone_who_is_not_the_matchs_scorer_cannot_send_any_command(who, kind):
    match, _ = await two_matches()
    headers = [] if who == "anonymous" else [await session_cookie(who)]
    comm = communicator(f"/ws/matches/{match.id}/score/", headers=headers)
    assert (await comm.connect())[0]  # accepted only to say why, then closed
    error = await receive_json(comm)
    assert error["type"] == "error"
    assert error["code"] == ("login_required" if who == "anonymous" else "not_a_scorer")
    assert (await comm.receive_output())["code"] == 4003
    # Even a client that ignores the close and keeps sending stores nothing.
    await comm.send_json_to(message(kind))
    await comm.receive_nothing(timeout=0.1)
    assert await written(match) == (SCORED, SCORED)
    await comm.disconnect()


@pytest.mark.parametrize("kind", sorted(COMMANDS))
async def test_a_scorer_whose_rights_are_withdrawn_mid_connection_cannot_send_any_command(kind):
    match, _ = await two_matches()
    comm = communicator(f"/ws/matches/{match.id}/score/", headers=[await session_cookie("sam")])
    assert (await comm.connect())[0]
    await receive_until(comm, "snapshot")
    await sync_to_async(Scorer.objects.filter(user__username="sam").delete)()
    await comm.send_json_to(message(kind))
    error = await receive_until(comm, "error")
    assert (error["code"], error["id"]) == ("not_a_scorer", kind)
    while (output := await comm.receive_output())["type"] != "websocket.close":
        assert json.loads(output["text"])["type"] != "ack"
    assert output["code"] == 4003
    assert await written(match) == (SCORED, SCORED)
    await comm.disconnect()


async def test_a_fan_socket_cannot_score():
    match, _ = await two_matches()
    comm = communicator(f"/ws/matches/{match.id}/", headers=[await session_cookie("sam")])
    assert (await comm.connect())[0]
    await receive_until(comm, "snapshot")
    for kind in LEGAL:
        await comm.send_json_to(message(kind))
        assert (await receive_until(comm, "error"))["code"] == "unknown_type"
    assert await written(match) == (SCORED, SCORED)
    await comm.disconnect()


@sync_to_async
def api_tokens() -> dict[str, str | None]:
    sam = get_user_model().objects.get(username="sam")
    olly = get_user_model().objects.get(username="olly")
    revoked_row, revoked = tokens.scorer_token_create(user=sam)
    tokens.scorer_token_revoke(token=revoked_row)
    return {
        "no token": None,
        "wrong token": "crs_" + "x" * 43,
        "revoked token": revoked,
        "other match's scorer": tokens.scorer_token_create(user=olly)[1],
    }


@pytest.mark.parametrize("kind", sorted(COMMANDS))
async def test_the_api_refuses_every_command_without_a_valid_token_of_the_matchs_scorer(kind):
    match, _ = await two_matches()
    body = json.dumps({"expect_seq": SCORED, "command": COMMANDS[kind]})
    for who, token in (await api_tokens()).items():
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await AsyncClient().post(
            f"/api/matches/{match.id}/events", data=body, content_type="application/json",
            headers=headers,
        )  # fmt: skip
        expected = 403 if who == "other match's scorer" else 401
        assert response.status_code == expected, (who, response.content)
        assert await written(match) == (SCORED, SCORED)
