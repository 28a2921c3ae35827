"""The scoring service: stored before broadcast, refused commands store and send nothing."""

from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.db import connection

from chat.models import Room
from scores import selectors
from scores.commands import CommandRefused
from scores.models import LogEntry, Match, ScorerToken
from scores.scorebook import cache
from scores.services import matches, tokens
from tests.scores.helpers import events, make_match, real_match, record, score, submit
from tests.support.ws import communicator, receive_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.db]


@contextmanager
def log_writes_fail():
    """A real database failure on every log insert (a trigger), as a full disk would give."""
    if connection.vendor == "postgresql":
        create = [
            "CREATE FUNCTION crease_fail() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'disk full'; END; $$ LANGUAGE plpgsql",
            "CREATE TRIGGER crease_fail BEFORE INSERT ON scores_logentry "
            "FOR EACH ROW EXECUTE FUNCTION crease_fail()",
        ]
        drop = ["DROP TRIGGER crease_fail ON scores_logentry", "DROP FUNCTION crease_fail()"]
    else:
        create = [
            "CREATE TRIGGER crease_fail BEFORE INSERT ON scores_logentry "
            "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
        ]
        drop = ["DROP TRIGGER crease_fail"]
    with connection.cursor() as cursor:
        for sql in create:
            cursor.execute(sql)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for sql in drop:
                cursor.execute(sql)


def test_match_creation_stores_setup_teams_players_and_a_chat_room():
    match = make_match()
    assert match.teams == ["Gujarat Titans", "Chennai Super Kings"]
    assert match.format == "T20"
    assert match.status == "scheduled"
    home = real_match()[0].home
    assert match.home.players.count() == len(home.players) + len(home.substitutes)
    assert Room.objects.filter(slug=f"match-{match.id}").exists()


def test_each_command_is_stored_with_its_frame_and_the_match_moves_on():
    match = make_match()
    assert score(match, 12) == 12
    match.refresh_from_db()
    assert (match.seq, match.status) == (12, "live")
    assert match.summary.startswith("Gujarat Titans")
    entries = list(LogEntry.objects.filter(match=match).order_by("seq"))
    assert [e.seq for e in entries] == list(range(1, 13))
    assert [e.payload for e in entries] == events(12)
    frame = json.loads(entries[-1].frame)
    assert (frame["type"], frame["seq"]) == ("update", 12)


def test_state_rebuilt_from_the_log_matches_the_cached_state():
    match = make_match()
    score(match, 40)
    record(match_id=match.id, user=None, command={"kind": "undo"}, expect_seq=40)
    cached = selectors.match_snapshot(match_id=match.id)
    cache.clear()
    rebuilt = selectors.match_snapshot(match_id=match.id)
    assert cached == rebuilt
    assert rebuilt["seq"] == 41


def test_stale_seq_is_refused_with_the_current_seq():
    match = make_match()
    score(match, 3)
    with pytest.raises(CommandRefused) as caught:
        record(match_id=match.id, user=None, command=events(1, 3)[0], expect_seq=2)
    assert (caught.value.code, caught.value.seq) == ("stale_seq", 3)
    assert LogEntry.objects.filter(match=match).count() == 3


@pytest.mark.parametrize(
    ("command", "code"),
    [
        ({"kind": "new_batter", "player": "Nobody"}, "illegal_event"),
        ({"kind": "delivery", "runs": "four"}, "illegal_event"),
        ({"kind": "insert", "at": "1"}, "invalid_command"),
        ([], "invalid_command"),
    ],
)
def test_illegal_or_malformed_command_stores_nothing(command, code):
    match = make_match()
    score(match, 3)
    with pytest.raises(CommandRefused) as caught:
        record(match_id=match.id, user=None, command=command, expect_seq=3)
    assert caught.value.code == code
    assert caught.value.reason
    match.refresh_from_db()
    assert match.seq == 3
    assert LogEntry.objects.filter(match=match).count() == 3
    # The cached engine state was not touched: the next real ball follows on.
    assert score(match, 1) == 4


def test_commentary_is_limited_and_stored():
    match = make_match()
    with pytest.raises(CommandRefused):
        record(
            match_id=match.id, user=None, command=events(1)[0], expect_seq=0, commentary="x" * 501
        )
    record(
        match_id=match.id, user=None, command=events(1)[0], expect_seq=0, commentary=" Off we go "
    )
    assert LogEntry.objects.get(match=match).commentary == "Off we go"


def test_unknown_match_is_not_found():
    with pytest.raises(CommandRefused) as caught:
        record(match_id=4242, user=None, command={"kind": "undo"}, expect_seq=0)
    assert caught.value.code == "not_found"


@pytest.mark.usefixtures("hub_teardown")
async def test_fan_receives_an_update_only_after_it_is_stored():
    match = await sync_to_async(make_match)()
    fan = communicator(f"/ws/matches/{match.id}/")
    assert (await fan.connect())[0]
    await receive_until(fan, "snapshot")
    applied = await submit(match_id=match.id, user=None, command=events(1)[0], expect_seq=0)
    update = await receive_until(fan, "update")
    assert update["seq"] == applied.seq == 1
    stored = await sync_to_async(LogEntry.objects.get)(match=match, seq=1)
    assert json.loads(stored.frame) == update
    await fan.disconnect()


@pytest.mark.usefixtures("hub_teardown")
async def test_refused_command_broadcasts_nothing():
    match = await sync_to_async(make_match)()
    fan = communicator(f"/ws/matches/{match.id}/")
    assert (await fan.connect())[0]
    await receive_until(fan, "snapshot")
    with pytest.raises(CommandRefused):
        await submit(match_id=match.id, user=None, command={"kind": "undo"}, expect_seq=0)
    assert await fan.receive_nothing(0.3)
    await fan.disconnect()


@pytest.mark.usefixtures("hub_teardown")
async def test_failed_write_broadcasts_nothing_and_the_scorer_is_told():
    match = await sync_to_async(make_match)()
    await sync_to_async(score)(match, 5)
    fan = communicator(f"/ws/matches/{match.id}/")
    assert (await fan.connect())[0]
    await receive_until(fan, "snapshot")

    def fail() -> CommandRefused:
        with log_writes_fail(), pytest.raises(CommandRefused) as caught:
            record(match_id=match.id, user=None, command=events(1, 5)[0], expect_seq=5)
        return caught.value

    error = await sync_to_async(fail)()
    assert error.code == "storage_failed"
    assert await fan.receive_nothing(0.3)
    await sync_to_async(match.refresh_from_db)()
    assert match.seq == 5
    # Once storage works again scoring resumes from the stored state, not the failed attempt.
    applied = await submit(match_id=match.id, user=None, command=events(1, 5)[0], expect_seq=5)
    assert applied.seq == 6
    assert (await receive_until(fan, "update"))["seq"] == 6
    await fan.disconnect()


def test_tokens_are_stored_hashed_shown_once_and_revocable():
    user = get_user_model().objects.create(username="feed")
    token, raw = tokens.scorer_token_create(user=user, name="feed")
    stored = ScorerToken.objects.get(pk=token.pk)
    assert stored.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {stored.digest, stored.prefix, stored.name}
    assert raw.startswith(stored.prefix)
    assert tokens.scorer_token_use(raw=raw) == user
    stored.refresh_from_db()
    assert stored.last_used is not None
    assert tokens.scorer_token_use(raw=raw + "x") is None
    tokens.scorer_token_revoke(token=stored)
    assert tokens.scorer_token_use(raw=raw) is None


def test_scorer_rights_are_per_match():
    user = get_user_model().objects.create(username="sam")
    one, two = make_match(), make_match()
    matches.scorer_grant(user=user, match=one)
    assert selectors.scorer_can_score(user=user, match=one)
    assert not selectors.scorer_can_score(user=user, match=two)
    assert not selectors.scorer_can_score(user=None, match=one)


def test_match_list_puts_live_matches_first():
    finished = make_match("finished one")
    Match.objects.filter(pk=finished.pk).update(status="finished")
    scheduled = make_match("scheduled one")
    live = make_match("live one")
    score(live, 5)
    ids = [item["id"] for item in selectors.match_list()]
    assert ids == [live.id, scheduled.id, finished.id]
