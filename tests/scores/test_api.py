"""The HTTP publish API: every status, and a published ball reaching fans."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.test import AsyncClient

from scores.models import LogEntry, Match
from scores.services import matches, tokens
from tests.scores.helpers import events, make_match
from tests.support.ws import communicator, receive_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.db]


@sync_to_async
def feed_setup(grant: bool = True) -> tuple[Match, str]:
    user, _ = get_user_model().objects.get_or_create(username="feed")
    match = make_match()
    if grant:
        matches.scorer_grant(user=user, match=match)
    _, raw = tokens.scorer_token_create(user=user, name="test")
    return match, raw


@sync_to_async
def log_count(match: Match) -> int:
    return LogEntry.objects.filter(match=match).count()


async def post(match_id, body, token=None, content_type="application/json", **headers):
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return await AsyncClient().post(
        f"/api/matches/{match_id}/events", data=data, content_type=content_type, headers=headers
    )


@pytest.mark.usefixtures("hub_teardown")
async def test_published_command_is_stored_and_reaches_fans():
    match, token = await feed_setup()
    fan = communicator(f"/ws/matches/{match.id}/")
    assert (await fan.connect())[0]
    await receive_until(fan, "snapshot")
    response = await post(match.id, {"expect_seq": 0, "command": events(1)[0]}, token)
    assert response.status_code == 201
    assert response.json()["seq"] == 1
    assert (await receive_until(fan, "update"))["seq"] == 1
    # expect_seq may be left out by feeds that only append.
    response = await post(match.id, {"command": events(1, 1)[0], "commentary": "hi"}, token)
    assert (response.status_code, response.json()["seq"]) == (201, 2)
    await fan.disconnect()


async def test_missing_wrong_and_revoked_tokens_get_401():
    match, token = await feed_setup()
    body = {"expect_seq": 0, "command": events(1)[0]}
    for bad in (None, "crs_wrong"):
        response = await post(match.id, body, bad)
        assert response.status_code == 401
        assert response.json()["error"] == "unauthorized"
        assert response["WWW-Authenticate"].startswith("Bearer")
    response = await post(match.id, body, None, Authorization="Basic abc")
    assert response.status_code == 401
    token_row = await sync_to_async(lambda: get_user_model().objects.get(username="feed"))()
    rows = await sync_to_async(list)(token_row.scorer_tokens.all())
    for row in rows:
        await sync_to_async(tokens.scorer_token_revoke)(token=row)
    assert (await post(match.id, body, token)).status_code == 401
    assert await log_count(match) == 0


async def test_token_of_a_non_scorer_gets_403():
    match, token = await feed_setup(grant=False)
    response = await post(match.id, {"expect_seq": 0, "command": events(1)[0]}, token)
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
    assert await log_count(match) == 0


async def test_unknown_match_gets_404():
    _, token = await feed_setup()
    response = await post(98765, {"expect_seq": 0, "command": events(1)[0]}, token)
    assert (response.status_code, response.json()["error"]) == (404, "not_found")


async def test_stale_seq_gets_409_with_the_current_seq():
    match, token = await feed_setup()
    assert (
        await post(match.id, {"expect_seq": 0, "command": events(1)[0]}, token)
    ).status_code == 201
    response = await post(match.id, {"expect_seq": 0, "command": events(1, 1)[0]}, token)
    assert response.status_code == 409
    assert response.json() == {
        "error": "stale_seq",
        "reason": response.json()["reason"],
        "seq": 1,
    }


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"{nope", "invalid_json"),
        (b"[]", "invalid_command"),
        ({"expect_seq": 0}, "invalid_command"),
        ({"expect_seq": "0", "command": {"kind": "undo"}}, "invalid_command"),
        ({"expect_seq": 0, "command": {"kind": "undo"}, "extra": 1}, "invalid_command"),
        ({"expect_seq": 0, "command": {"kind": "delivery", "runs": 1}}, "illegal_event"),
        ({"expect_seq": 0, "command": {"kind": "warp"}}, "illegal_event"),
    ],
)
async def test_bad_bodies_get_400_with_a_reason(body, code):
    match, token = await feed_setup()
    response = await post(match.id, body, token)
    assert response.status_code == 400
    assert response.json()["error"] == code
    assert response.json()["reason"]
    assert await log_count(match) == 0


async def test_oversized_body_gets_413():
    match, token = await feed_setup()
    body = {"expect_seq": 0, "command": events(1)[0], "commentary": "x" * 20_000}
    response = await post(match.id, body, token)
    assert (response.status_code, response.json()["error"]) == (413, "too_large")
    assert await log_count(match) == 0


async def test_wrong_content_type_gets_415():
    match, token = await feed_setup()
    response = await post(
        match.id, "runs=4", token, content_type="application/x-www-form-urlencoded"
    )
    assert (response.status_code, response.json()["error"]) == (415, "unsupported_media_type")


async def test_other_methods_get_405_and_the_state_endpoint_says_where_scoring_is():
    match, token = await feed_setup()
    response = await AsyncClient().get(f"/api/matches/{match.id}/events")
    assert response.status_code == 405
    await post(match.id, {"expect_seq": 0, "command": events(1)[0]}, token)
    state = (await AsyncClient().get(f"/api/matches/{match.id}")).json()
    assert (state["id"], state["seq"], state["status"]) == (match.id, 1, "live")
    assert (await AsyncClient().get("/api/matches/98765")).status_code == 404


@sync_to_async
def into_the_chase(match: Match, balls: int) -> int:
    """Score the real match through the service until Chennai's chase has `balls` legal
    balls; the seq then."""
    from cricket import Match as Engine
    from cricket import codec
    from tests.scores.helpers import real_match, score

    setup, evs = real_match()
    engine = Engine(setup)
    n = 0
    while not (live := engine.state.live) or live.number != 2 or live.legal_balls != balls:
        engine.apply(codec.event_from_dict(evs[n]))
        n += 1
    return score(match, n)


async def test_a_feed_posts_a_revised_target_with_its_par_table():
    from scores import selectors

    match, token = await feed_setup()
    seq = await into_the_chase(match, 6)
    table = [[6 * o, [min(170, 11 * o + 4 * w) for w in range(10)]] for o in range(1, 16)]
    bad = {"kind": "revised_target", "runs": 171, "overs": 15, "par": [table[1], table[0]]}
    response = await post(match.id, {"expect_seq": seq, "command": bad}, token)
    assert (response.status_code, response.json()["error"]) == (400, "illegal_event")
    assert response.json()["reason"] == (
        "par table row 2: balls must be in ascending order (6 after 12)"
    )
    good = {"kind": "revised_target", "runs": 171, "overs": 15, "par": table}
    response = await post(match.id, {"expect_seq": seq, "command": good}, token)
    assert response.status_code == 201
    snap = await sync_to_async(selectors.match_snapshot)(match_id=match.id)
    assert (
        snap["scoreboard"]["current"]["par"]["score"]
        == 11 + 4 * snap["scoreboard"]["innings"][1]["wickets"]
    )
    assert await log_count(match) == seq + 1
