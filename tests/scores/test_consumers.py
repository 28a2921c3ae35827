"""Fans, scorers and the match list over WebSockets, through the full ASGI app."""

from __future__ import annotations

import itertools
import json

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model

from scores.models import LogEntry, Match
from scores.services import matches
from tests.scores.helpers import events, match_with, submit
from tests.support.auth import session_cookie
from tests.support.feed import fold
from tests.support.ws import communicator, receive_json, receive_until

pytestmark = [
    pytest.mark.usefixtures("hub_teardown"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.db,
]


new_match = sync_to_async(match_with)


@sync_to_async
def seq_of(match: Match) -> int:
    match.refresh_from_db()
    return match.seq


@sync_to_async
def log_count(match: Match) -> int:
    return LogEntry.objects.filter(match=match).count()


async def score_more(match: Match, n: int) -> int:
    """Score the next n real events through the service, broadcasting each after commit."""
    seq = await seq_of(match)
    for event in events(n, seq):
        applied = await submit(match_id=match.id, user=None, command=event, expect_seq=seq)
        seq = applied.seq
    return seq


async def connect(path: str, headers=None):
    comm = communicator(path, headers=headers)
    connected, _ = await comm.connect()
    assert connected
    return comm


async def scorer_for(match: Match, name: str = "sam"):
    return await connect(f"/ws/matches/{match.id}/score/", [await session_cookie(name)])


_ids = itertools.count(1)


async def command(comm, expect_seq, cmd, **extra):
    """Send a command with a fresh id (ids are idempotency keys: one per new command)."""
    extra.setdefault("id", f"t{next(_ids)}")
    await comm.send_json_to({"type": "command", "expect_seq": expect_seq, "command": cmd, **extra})


async def test_fan_gets_a_snapshot_on_connect():
    match = await new_match(scored=10)
    fan = await connect(f"/ws/matches/{match.id}/")
    snap = await receive_until(fan, "snapshot")
    assert snap["seq"] == 10
    assert snap["match"]["id"] == match.id
    assert snap["match"]["teams"] == ["Gujarat Titans", "Chennai Super Kings"]
    assert snap["match"]["status"] == "live"
    assert snap["scoreboard"]["innings"][0]["batting_team"] == "Gujarat Titans"
    assert snap["commentary"][0]["seq"] == 10
    await fan.disconnect()


async def test_unknown_match_is_refused_with_not_found():
    for path in ("/ws/matches/999/", "/ws/matches/abc/", "/ws/matches/999/score/"):
        comm = await connect(path, [await session_cookie("sam")])
        frame = await receive_json(comm)
        assert frame["code"] == "not_found"
        assert (await comm.receive_output(2))["code"] == 4004
        await comm.disconnect()


async def test_scored_ball_reaches_every_fan_as_one_update():
    match = await new_match(scored=4, scorer="sam")
    fans = [await connect(f"/ws/matches/{match.id}/") for _ in range(2)]
    states = [fold(None, await receive_until(fan, "snapshot")) for fan in fans]
    scorer = await scorer_for(match)
    assert (await receive_until(scorer, "snapshot"))["seq"] == 4
    await command(scorer, 4, events(1, 4)[0], commentary="a dot ball to start", id="c1")
    ack = await receive_until(scorer, "ack")
    assert ack == {"type": "ack", "id": "c1", "seq": 5}
    for fan, state in zip(fans, states, strict=True):
        update = await receive_until(fan, "update")
        assert (update["seq"], update["base"]) == (5, 4)
        # Only what the edit cannot say: the summary line and status are in the document.
        assert set(update) == {"type", "seq", "base", "sum", "edit"}
        state = fold(state, update)  # a fan folds the edit into its snapshot
        assert state["summary"].startswith("Gujarat Titans 0/0")
        assert state["commentary"][0]["text"] == "a dot ball to start"
        assert state["scoreboard"]["innings"][0]["legal_balls"] == 1
        assert state["scoreboard"]["current"]["striker"] == "WP Saha"
        await fan.disconnect()
    await scorer.disconnect()


async def test_fan_who_reconnects_receives_missed_balls_in_order():
    match = await new_match(scored=6)
    fan = await connect(f"/ws/matches/{match.id}/")
    assert (await receive_until(fan, "snapshot"))["seq"] == 6
    await fan.disconnect()
    await score_more(match, 5)
    fan = await connect(f"/ws/matches/{match.id}/?since=6")
    got = [(await receive_until(fan, "update"))["seq"] for _ in range(5)]
    assert got == [7, 8, 9, 10, 11]
    await score_more(match, 1)
    assert (await receive_until(fan, "update"))["seq"] == 12
    assert await fan.receive_nothing(0.2)
    await fan.disconnect()


async def test_fan_too_far_behind_or_ahead_gets_a_snapshot():
    match = await new_match(scored=3)
    for since in ("50", "-1", "x"):
        fan = await connect(f"/ws/matches/{match.id}/?since={since}")
        assert (await receive_until(fan, "snapshot"))["seq"] == 3
        await fan.disconnect()


async def test_fan_up_to_date_gets_nothing_until_the_next_ball():
    match = await new_match(scored=3)
    fan = await connect(f"/ws/matches/{match.id}/?since=3")
    assert await fan.receive_nothing(0.3) or (await receive_json(fan))["type"] == "presence"
    await score_more(match, 1)
    assert (await receive_until(fan, "update"))["seq"] == 4
    await fan.disconnect()


async def test_undo_reaches_fans_as_a_snapshot():
    match = await new_match(scored=8, scorer="sam")
    fan = await connect(f"/ws/matches/{match.id}/")
    await receive_until(fan, "snapshot")
    scorer = await scorer_for(match)
    await receive_until(scorer, "snapshot")
    await command(scorer, 8, {"kind": "undo"})
    assert (await receive_until(scorer, "ack"))["seq"] == 9
    snap = await receive_until(fan, "snapshot")
    assert snap["seq"] == 9
    assert snap["scoreboard"]["innings"][0]["legal_balls"] == 3
    await fan.disconnect()
    await scorer.disconnect()


async def test_fan_heartbeat_and_bad_frames_get_answers_and_the_connection_stays():
    match = await new_match()
    fan = await connect(f"/ws/matches/{match.id}/")
    await receive_until(fan, "snapshot")
    await fan.send_json_to({"type": "ping"})
    assert await receive_until(fan, "pong") == {"type": "pong"}
    await fan.send_to(text_data="{not json")
    assert (await receive_until(fan, "error"))["code"] == "invalid_json"
    await fan.send_json_to({"type": "command", "command": {"kind": "undo"}})
    assert (await receive_until(fan, "error"))["code"] == "unknown_type"
    await fan.send_to(bytes_data=b"\x00\x01")
    assert (await receive_until(fan, "error"))["code"] == "binary_not_accepted"
    await fan.send_json_to({"type": "ping"})
    assert await receive_until(fan, "pong") == {"type": "pong"}
    await fan.disconnect()


async def test_anonymous_and_non_scorers_cannot_open_the_scorer_socket():
    match = await new_match(scorer="sam")
    for headers, code in (([], "login_required"), ([await session_cookie("fan")], "not_a_scorer")):
        comm = await connect(f"/ws/matches/{match.id}/score/", headers)
        assert (await receive_json(comm))["code"] == code
        assert (await comm.receive_output(2))["code"] == 4003
        await comm.disconnect()
    assert await log_count(match) == 0


async def test_frames_after_a_refused_scorer_socket_are_ignored_quietly(caplog):
    match = await new_match(scorer="sam")
    comm = await connect(f"/ws/matches/{match.id}/score/", [await session_cookie("fan")])
    assert (await receive_json(comm))["code"] == "not_a_scorer"
    assert (await comm.receive_output(2))["code"] == 4003
    # A frame already in flight when the server closed: no handler error, nothing written.
    await comm.send_json_to({"type": "command", "expect_seq": 0, "command": events(1)[0]})
    assert await comm.receive_nothing(0.3)
    await comm.disconnect()
    assert "handler failed" not in caplog.text
    assert await log_count(match) == 0


async def test_superuser_may_score_any_match():
    match = await new_match()
    await sync_to_async(get_user_model().objects.create_superuser)("root", "r@x.org", "pw")
    scorer = await scorer_for(match, "root")
    await receive_until(scorer, "snapshot")
    await command(scorer, 0, events(1)[0])
    assert (await receive_until(scorer, "ack"))["seq"] == 1
    await scorer.disconnect()


@pytest.mark.parametrize(
    ("cmd", "code"),
    [
        ({"kind": "delivery", "runs": 4}, "illegal_event"),  # no innings started yet
        ({"kind": "delivery", "runs": -1}, "illegal_event"),
        ({"kind": "teleport"}, "illegal_event"),
        ({"kind": "replace", "at": 0, "event": {"kind": "delivery"}}, "invalid_command"),
        ({"kind": "delete"}, "invalid_command"),
        ({"kind": "undo"}, "illegal_event"),  # nothing to undo
        ("delivery", "invalid_command"),
        (None, "invalid_command"),
    ],
)
async def test_bad_commands_get_an_error_and_nothing_is_written(cmd, code):
    match = await new_match(scorer="sam")
    scorer = await scorer_for(match)
    await receive_until(scorer, "snapshot")
    fan = await connect(f"/ws/matches/{match.id}/")
    await receive_until(fan, "snapshot")
    await command(scorer, 0, cmd, id="c1")
    error = await receive_until(scorer, "error")
    assert error["code"] == code
    assert error["id"] == "c1"
    assert error["reason"]
    assert await log_count(match) == 0
    # The connection carries on: a good command after it is stored and sent.
    await command(scorer, 0, events(1)[0])
    assert (await receive_until(scorer, "ack"))["seq"] == 1
    assert (await receive_until(fan, "update"))["seq"] == 1
    await scorer.disconnect()
    await fan.disconnect()


async def test_malformed_scorer_frames_get_errors_and_change_nothing():
    match = await new_match(scorer="sam")
    scorer = await scorer_for(match)
    await receive_until(scorer, "snapshot")
    bad = [
        ("text", "nope", "invalid_json"),
        ("text", "[1, 2]", "invalid_message"),
        ("text", json.dumps({"type": "shout"}), "unknown_type"),
        ("text", json.dumps({"type": "command", "command": events(1)[0]}), "invalid_command"),
        ("text", json.dumps({"type": "command", "expect_seq": True, "command": {}}), None),
        ("bytes", b"\x00", "binary_not_accepted"),
    ]
    for kind, data, code in bad:
        if kind == "text":
            await scorer.send_to(text_data=data)
        else:
            await scorer.send_to(bytes_data=data)
        error = await receive_until(scorer, "error")
        assert error["code"] == (code or "invalid_command"), data
    assert await log_count(match) == 0
    await scorer.disconnect()


async def test_oversized_command_is_refused_with_1009_and_nothing_is_written():
    match = await new_match(scorer="sam")
    scorer = await scorer_for(match)
    fan = await connect(f"/ws/matches/{match.id}/")
    await receive_until(scorer, "snapshot")
    await receive_until(fan, "snapshot")
    await command(scorer, 0, events(1)[0], commentary="x" * 70_000)
    assert (await receive_until(scorer, "error"))["code"] == "message_too_big"
    assert (await scorer.receive_output(2))["code"] == 1009
    assert await log_count(match) == 0
    await fan.send_json_to({"type": "ping"})
    assert (await receive_until(fan, "pong"))["type"] == "pong"
    await scorer.disconnect()
    await fan.disconnect()


async def test_stale_command_is_refused_with_the_current_seq_and_a_snapshot():
    match = await new_match(scored=2, scorer="sam")
    first = await scorer_for(match)
    second = await scorer_for(match, "sam")
    await receive_until(first, "snapshot")
    await receive_until(second, "snapshot")
    await command(first, 2, events(1, 2)[0])
    assert (await receive_until(first, "ack"))["seq"] == 3
    await command(second, 2, {"kind": "undo"})
    error = await receive_until(second, "error")
    assert (error["code"], error["seq"]) == ("stale_seq", 3)
    assert (await receive_until(second, "snapshot"))["seq"] == 3
    assert await seq_of(match) == 3
    await first.disconnect()
    await second.disconnect()


async def test_scorer_whose_rights_are_withdrawn_is_closed_and_writes_nothing():
    match = await new_match(scorer="sam")
    scorer = await scorer_for(match)
    await receive_until(scorer, "snapshot")
    user = await sync_to_async(get_user_model().objects.get)(username="sam")
    await sync_to_async(matches.scorer_revoke)(user=user, match=match)
    await command(scorer, 0, events(1)[0])
    assert (await receive_until(scorer, "error"))["code"] == "not_a_scorer"
    assert (await scorer.receive_output(2))["code"] == 4003
    assert await log_count(match) == 0
    await scorer.disconnect()


async def test_every_kind_of_command_needs_rights_and_works_with_them():
    match = await new_match(scored=20, scorer="sam")
    scorer = await scorer_for(match)
    await receive_until(scorer, "snapshot")
    seq = 20
    start = (await sync_to_async(list)(LogEntry.objects.filter(match=match, seq=5)))[0].payload
    for cmd in (
        events(1, 20)[0],
        {"kind": "undo"},
        {"kind": "replace", "at": 5, "event": {**start, "runs": 2}},
        {"kind": "delete", "at": 20},
        {"kind": "insert", "at": 20, "event": events(1, 19)[0]},
    ):
        await command(scorer, seq, cmd)
        ack = await receive_until(scorer, "ack")
        seq += 1
        assert ack["seq"] == seq, cmd
    assert await log_count(match) == 25
    await scorer.disconnect()


async def test_match_list_follows_summaries_and_watchers():
    match = await new_match(scored=4)
    listing = await connect("/ws/matches/")
    first = await receive_until(listing, "matches")
    assert first["matches"][0]["id"] == match.id
    assert first["matches"][0]["status"] == "live"
    fan = await connect(f"/ws/matches/{match.id}/")
    while True:
        presence = await receive_until(listing, "presence")
        if presence["group"] == f"match.{match.id}" and presence["count"] == 1:
            break
    await score_more(match, 1)
    # The ball's own update frame goes to its fans, not to the list, which is in the match's
    # group for its watchers only: once the fan has it, the list would have it before a pong.
    update = await receive_until(fan, "update")
    assert update["seq"] == 5
    await listing.send_json_to({"type": "ping"})
    frames: dict[str, dict] = {}
    while not {"pong", "score"} <= frames.keys():
        frame = await receive_json(listing)
        frames.setdefault(frame["type"], frame)
    score = frames["score"]
    assert (score["match_id"], score["seq"], score["status"]) == (match.id, 5, "live")
    assert score["summary"].startswith("Gujarat Titans")
    assert "update" not in frames
    await fan.disconnect()
    await listing.disconnect()
