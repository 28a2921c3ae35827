"""Fuzz every WebSocket endpoint through the full ASGI app (docs/protocol.md).

Every hostile frame gets the documented answer (an error frame with the right code, or close
1009), the connection then serves a valid request, a bystander on the same endpoint sees nothing
it should not, and the database changes only for frames that were valid.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.utils import timezone
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from chat.models import Message, Mute
from chat.services import MAX_MUTE_MINUTES, room_ensure
from scores.models import LogEntry, Match
from tests.fuzz import strategies as fz
from tests.fuzz.harness import (
    DOCUMENTED_CLOSE_CODES,
    Endpoint,
    Outcome,
    assert_generic,
    assert_single_error,
    classify,
    collect,
    exchange,
    open_endpoint,
    send_frame,
)
from tests.scores.helpers import events, match_with, real_match
from tests.support.auth import session_cookie

pytestmark = [
    pytest.mark.usefixtures("hub_teardown"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.db,
]


def fuzz(examples: int) -> hsettings:
    """Bounded examples (the whole fuzz set stays well under two minutes), no deadline."""
    return hsettings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


LIMIT = 64 * 1024


@pytest.fixture(autouse=True)
def limits(settings):
    settings.CREASE_MAX_MESSAGE_BYTES = LIMIT
    settings.CHAT_RATE_LIMIT = (100_000, 10)  # the fuzzer posts far faster than a fan may


def frames_of(messages: st.SearchStrategy[Any]) -> st.SearchStrategy[list[Any]]:
    """1 to 4 frames: raw hostile ones and documented messages (dicts, encoded at send time)."""
    return st.lists(st.one_of(fz.raw_frames(LIMIT), messages), min_size=1, max_size=4)


def encode(item: Any, **placeholders: Any) -> str | bytes:
    if isinstance(item, (str, bytes)):
        return item
    return json.dumps(_fill(item, placeholders), ensure_ascii=False)


def _fill(value: Any, placeholders: dict[str, Any]) -> Any:
    if isinstance(value, str) and value.startswith("$") and value[1:] in placeholders:
        return placeholders[value[1:]]
    if isinstance(value, dict):
        return {k: _fill(v, placeholders) for k, v in value.items()}
    return value


def is_ping(frame: str | bytes) -> int:
    kind, content = classify(frame, LIMIT)
    return int(kind == "ok" and content["type"] == "ping")


def pong(value: Any) -> bool:
    return isinstance(value, dict) and value.get("type") == "pong"


async def reopen_if_closed(comm, endpoint: Endpoint, outcome: Outcome):
    if outcome.close_code is None:
        return comm
    assert outcome.close_code in DOCUMENTED_CLOSE_CODES, outcome
    await comm.disconnect()
    comm, _ = await open_endpoint(endpoint)
    return comm


async def bystander_frames(comm, endpoint: Endpoint) -> list[Any]:
    await send_frame(comm, endpoint.sentinel)
    outcome = await collect(comm, endpoint)
    assert outcome.close_code is None, outcome
    return outcome.frames


# The dependency-free app at / and PING/PONG at /practice.

RAW = Endpoint("/", "ping", lambda v: v == "pong!", lambda f: int(f == "ping"), json=False)


@fuzz(60)
@given(frames=st.lists(fz.raw_frames(LIMIT), min_size=1, max_size=4))
async def test_the_root_app_answers_every_frame_and_keeps_serving(frames):
    comm, _ = await open_endpoint(RAW)
    other, _ = await open_endpoint(RAW)
    for frame in frames:
        outcome = await exchange(comm, RAW, frame)
        size = len(frame) if isinstance(frame, bytes) else len(frame.encode())
        if size > LIMIT:
            assert outcome.frames == [f"error: frames are limited to {LIMIT} bytes"]
            assert outcome.close_code == 1009
            comm = await reopen_if_closed(comm, RAW, outcome)
            continue
        assert outcome.close_code is None
        if frame == "ping":
            assert outcome.frames == []
        elif isinstance(frame, bytes):
            assert outcome.frames == [
                "error: binary frames are not understood; send the text 'ping'"
            ]
        else:
            assert outcome.frames == ["error: unknown message; send the text 'ping'"]
    assert await bystander_frames(other, RAW) == []
    await comm.disconnect()
    await other.disconnect()


PRACTICE = Endpoint("/practice", '{"type": "ping"}', pong, is_ping)
practice_messages = fz.mutated({"type": "ping"}) | st.sampled_from(["PING", "ping", "PING "])


@fuzz(60)
@given(frames=frames_of(practice_messages))
async def test_practice_answers_every_frame_with_pong_or_an_error_that_says_what_is_accepted(
    frames,
):
    comm, _ = await open_endpoint(PRACTICE)
    other, _ = await open_endpoint(PRACTICE)
    for item in frames:
        frame = encode(item)
        outcome = await exchange(comm, PRACTICE, frame)
        if frame == "PING":
            assert outcome.frames == ["PONG"]
            continue
        assert_ping_only(frame, outcome)
        for error in outcome.frames:
            assert "PING" in error["reason"]
        comm = await reopen_if_closed(comm, PRACTICE, outcome)
    assert await bystander_frames(other, PRACTICE) == []
    await comm.disconnect()
    await other.disconnect()


# Live scores: fans, the match list, scorers.


async def scored_match(scorer: str | None = None) -> Match:
    return await sync_to_async(match_with)(scored=12, scorer=scorer)


@sync_to_async
def score_state() -> tuple[int, tuple[int, ...]]:
    return LogEntry.objects.count(), tuple(
        Match.objects.order_by("pk").values_list("seq", flat=True)
    )


def assert_ping_only(frame: str | bytes, outcome: Outcome) -> None:
    kind, content = classify(frame, LIMIT)
    if kind != "ok":
        assert_generic(kind, outcome)
    elif content["type"] == "ping":
        assert outcome.frames == []
    else:
        assert_single_error(outcome, "unknown_type")


async def send_expecting_ping_only(comm, endpoint: Endpoint, frames):
    """Send each fuzzed frame to an endpoint that answers only ping; reopen after a close.
    Returns the communicator still open at the end."""
    for item in frames:
        frame = encode(item)
        outcome = await exchange(comm, endpoint, frame)
        assert_ping_only(frame, outcome)
        comm = await reopen_if_closed(comm, endpoint, outcome)
    return comm


fan_messages = st.one_of(
    fz.mutated({"type": "ping"}),
    st.builds(dict, type=st.sampled_from(["command", "chat.message", "snapshot", "update"])),
    fz.mutated({"type": "command", "id": "c1", "expect_seq": 12, "command": {"kind": "undo"}}),
)


@pytest.fixture
async def fuzz_match():
    return await scored_match(scorer="sam")


@fuzz(50)
@given(frames=frames_of(fan_messages), since=st.one_of(st.none(), st.integers(-3, 20), fz.odd_text))
async def test_a_fan_endpoint_refuses_everything_but_ping_and_changes_nothing(
    fuzz_match, frames, since
):
    from urllib.parse import quote

    query = "" if since is None else f"?since={quote(str(since))}"
    fan = Endpoint(f"/ws/matches/{fuzz_match.id}/{query}", '{"type": "ping"}', pong, is_ping)
    before = await score_state()
    comm, initial = await open_endpoint(fan)
    # A snapshot, or the stored frames after a usable `since` (none when it is the current seq).
    if since == 12:
        assert initial == []
    else:
        assert initial[0]["type"] in ("snapshot", "update")
        assert [f["seq"] for f in initial][-1] == 12
    other, _ = await open_endpoint(fan)
    comm = await send_expecting_ping_only(comm, fan, frames)
    assert await bystander_frames(other, fan) == []
    assert await score_state() == before
    await comm.disconnect()
    await other.disconnect()


LIST = Endpoint("/ws/matches/", '{"type": "ping"}', pong, is_ping)


@fuzz(40)
@given(frames=frames_of(fan_messages))
async def test_the_match_list_refuses_everything_but_ping_and_changes_nothing(fuzz_match, frames):
    before = await score_state()
    comm, initial = await open_endpoint(LIST)
    assert initial[0]["type"] == "matches"
    other, _ = await open_endpoint(LIST)
    comm = await send_expecting_ping_only(comm, LIST, frames)
    assert await bystander_frames(other, LIST) == []
    assert await score_state() == before
    await comm.disconnect()
    await other.disconnect()


def _names() -> list[str]:
    setup, _ = real_match()
    return [setup.home.name, setup.away.name, *setup.home.players[:4], *setup.away.players[:4]]


scorer_messages = st.one_of(
    fz.mutated({"type": "ping"}),
    st.fixed_dictionaries(
        {
            "type": st.just("command"),
            "expect_seq": st.one_of(st.just("$seq"), st.just("$stale"), fz.json_values),
            "command": st.one_of(st.just("$next"), fz.scorer_commands(_names())),
        },
        optional={
            "id": st.one_of(fz.odd_text, st.integers(), fz.json_values, st.just("x" * 101)),
            "commentary": st.one_of(fz.odd_text, fz.json_values, st.just("c" * 501)),
        },
    ).flatmap(lambda m: st.one_of(st.just(m), fz.mutated(m))),
    st.builds(dict, type=fz.odd_text),
)


def valid_id(content: dict[str, Any]) -> bool:
    value = content.get("id")
    return value is None or (
        isinstance(value, (str, int)) and not isinstance(value, bool) and len(str(value)) <= 100
        and "\x00" not in str(value)  # an id is stored with the entry: no NUL (PostgreSQL text)
    )  # fmt: skip


def valid_seq(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _cmd(command: Any, **extra: Any) -> list[dict[str, Any]]:
    return [{"type": "command", "expect_seq": "$seq", "command": command, **extra}]


@fuzz(100)
@given(frames=frames_of(scorer_messages))
@example(frames=_cmd("$next", commentary="a\x00"))
@example(frames=_cmd("$next", id="\x00"))
@example(frames=_cmd({"kind": "new_batter", "player": "\x00"}))
@example(frames=_cmd({"kind": "result", "outcome": "draw", "text": "\x00"}))
@example(frames=_cmd({"kind": "abandon", "reason": "rain\x00"}))
@example(frames=_cmd({"kind": "end_innings", "reason": "\u202e\x00"}))
async def test_a_scorer_gets_an_ack_or_a_documented_error_for_every_frame(fuzz_match, frames):
    cookie = [await session_cookie("sam")]
    scorer = Endpoint(
        f"/ws/matches/{fuzz_match.id}/score/", '{"type": "ping"}', pong, is_ping, headers=cookie
    )
    fan = Endpoint(f"/ws/matches/{fuzz_match.id}/", '{"type": "ping"}', pong, is_ping)
    comm, _ = await open_endpoint(scorer)
    other, _ = await open_endpoint(fan)
    log, seqs = await score_state()
    seq = seqs[0]
    acked: list[int] = []
    broadcasts: list[int] = []  # fan frames the scorer received (they may trail the ack)
    for item in frames:
        frame = encode(item, seq=seq, stale=max(seq - 1, 0) if seq else 1, next=_next(seq))
        outcome = await exchange(comm, scorer, frame)
        broadcasts += _take_broadcasts(outcome, seq)
        kind, content = classify(frame, LIMIT)
        if kind != "ok":
            assert_generic(kind, outcome)
        elif content["type"] == "ping":
            assert outcome.frames == []
        elif content["type"] != "command":
            assert_single_error(outcome, "unknown_type")
        elif not valid_id(content):
            assert assert_single_error(outcome, "invalid_command")["id"] is None
        elif not valid_seq(content.get("expect_seq")):
            assert assert_single_error(outcome, "invalid_command")["id"] == content.get("id")
        else:
            seq = _check_command(content, outcome, seq, acked)
        if outcome.close_code is not None:
            broadcasts = acked.copy()  # a new connection starts from a snapshot
        comm = await reopen_if_closed(comm, scorer, outcome)
        assert await score_state() == (log + len(acked), (seq,))
    assert broadcasts + await fan_frames(comm, scorer, len(acked) - len(broadcasts)) == acked
    assert await fan_frames(other, fan, len(acked)) == acked
    await comm.disconnect()
    await other.disconnect()


def _take_broadcasts(outcome: Outcome, seq: int) -> list[int]:
    """Remove the fan frames (update / snapshot broadcasts) from an outcome; return their seqs.
    The snapshot that answers a stale command (right after its error, at the current seq) stays.
    """
    kept, seqs = [], []
    stale_reply_due = False
    for frame in outcome.frames:
        if frame.get("type") == "error" and frame.get("code") == "stale_seq":
            stale_reply_due = True
        elif frame.get("type") in ("update", "snapshot"):
            if stale_reply_due and frame["type"] == "snapshot" and frame["seq"] == seq:
                stale_reply_due = False
            else:
                seqs.append(frame["seq"])
                continue
        kept.append(frame)
    outcome.frames = kept
    return seqs


async def fan_frames(comm, endpoint: Endpoint, count: int) -> list[int]:
    """The seqs of the next `count` fan frames (broadcasts trail direct replies a little)."""
    seqs: list[int] = []
    for _ in range(50):
        if len(seqs) >= count:
            break
        await send_frame(comm, endpoint.sentinel)
        outcome = await collect(comm, endpoint)
        assert outcome.close_code is None, outcome
        assert all(f["type"] in ("update", "snapshot") for f in outcome.frames), outcome
        seqs += [f["seq"] for f in outcome.frames]
    return seqs


def _next(seq: int) -> Any:
    upcoming = events(1, seq)
    return upcoming[0] if upcoming else {"kind": "undo"}


def _check_command(content: dict[str, Any], outcome: Outcome, seq: int, acked: list[int]) -> int:
    """A well-formed command: acked (stored) or refused with a documented code, nothing else."""
    assert outcome.close_code is None, outcome
    (reply,) = (f for f in outcome.frames if f["type"] in ("ack", "error"))
    if reply["type"] == "ack":
        assert outcome.frames == [reply], outcome
        assert content["expect_seq"] == seq
        assert reply == {"type": "ack", "id": content.get("id"), "seq": seq + 1}
        acked.append(seq + 1)
        return seq + 1
    assert reply["id"] == content.get("id")
    assert reply["code"] in ("illegal_event", "stale_seq", "invalid_command"), outcome
    assert isinstance(reply["reason"], str)
    assert reply["reason"]
    if reply["code"] == "stale_seq":
        assert content["expect_seq"] != seq
        assert reply["seq"] == seq
        assert [f["type"] for f in outcome.frames] == ["error", "snapshot"], outcome
    else:
        assert outcome.frames == [reply], outcome
    return seq


# Chat: a staff member fuzzes the lobby (so posting, deleting and muting are all reachable).


@sync_to_async
def chat_setup() -> list[int]:
    room = room_ensure(slug="lobby", title="Lobby")
    users = {}
    for name in ("mod", "fan"):
        users[name], _ = get_user_model().objects.get_or_create(
            username=name, defaults={"is_staff": name == "mod"}
        )
    other = room_ensure(slug="match-9", title="Elsewhere")
    now = timezone.now()
    made = [
        Message.objects.create(room=room, author=users["fan"], body=f"hello {n}", created_at=now)
        for n in range(3)
    ]
    elsewhere = Message.objects.create(room=other, author=users["fan"], body="x", created_at=now)
    return [m.pk for m in made] + [elsewhere.pk]


def stored_under(username: str, client_id: object) -> str | None:
    """The text a user's message with this client id was stored with, if there is one."""
    if not isinstance(client_id, str):
        return None
    found = Message.objects.filter(author__username=username, client_id=client_id).first()
    return found.body if found else None


@sync_to_async
def chat_state() -> tuple[int, int, int]:
    return (
        Message.objects.count(),
        Message.objects.filter(deleted_at__isnull=False).count(),
        Mute.objects.count(),
    )


@pytest.fixture
async def message_ids():
    return await chat_setup()


HISTORY_SENTINEL = -7
CHAT = Endpoint(
    "/ws/chat/lobby/",
    json.dumps({"type": "chat.history", "before": HISTORY_SENTINEL}),
    lambda v: isinstance(v, dict) and v.get("type") == "chat.history"
    and v.get("before") == HISTORY_SENTINEL,
    lambda f: int(
        classify(f, LIMIT)[0] == "ok"
        and json.loads(f).get("type") == "chat.history"
        and json.loads(f).get("before") == HISTORY_SENTINEL
        and not isinstance(json.loads(f).get("before"), bool)
    ),
)  # fmt: skip

chat_messages = st.one_of(
    fz.mutated({"type": "chat.message", "message": "hello"}),
    st.builds(lambda m: {"type": "chat.message", "message": m}, fz.odd_text),
    st.just({"type": "chat.message", "message": "m" * 501}),
    st.just({"type": "chat.message", "message": "  " + "m" * 500 + "\n"}),
    fz.mutated({"type": "chat.history", "before": 3}),
    st.builds(lambda b: {"type": "chat.history", "before": b}, fz.huge_ints),
    fz.mutated({"type": "chat.delete", "id": "$own"}),
    fz.mutated({"type": "chat.delete", "id": "$elsewhere"}),
    fz.mutated({"type": "chat.mute", "username": "fan", "minutes": 1}),
    st.builds(
        lambda u, m: {"type": "chat.mute", "username": u, "minutes": m},
        st.sampled_from(["fan", "mod", "nobody", ""]) | fz.odd_text,
        st.sampled_from([0, 1, MAX_MUTE_MINUTES, MAX_MUTE_MINUTES + 1, -1]) | fz.json_values,
    ),
    st.builds(dict, type=st.sampled_from(["chat.messages", "ping", "CHAT.MESSAGE"])),
)


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _expect_chat(content: dict[str, Any], ids: list[int], who: str) -> tuple[str, Any]:
    """What the fuzzer's message earns: ("error", code) or (reply type, detail). `who` is
    "mod" (staff), "fan" (logged in) or "" (anonymous)."""
    kind = content["type"]
    if kind in ("chat.delete", "chat.mute") and who != "mod":
        return "error", "not_staff"
    if kind == "chat.message" and not who:
        return "error", "login_required"
    if kind == "chat.message":
        body = content.get("message")
        client_id = content.get("id")
        if client_id is not None and not (
            isinstance(client_id, str) and 0 < len(client_id) <= 64 and client_id.isprintable()
        ):
            return "error", "invalid_message"
        if not isinstance(body, str) or not body.strip():
            return "error", "empty_message"
        if len(body.strip()) > 500:
            return "error", "message_too_long"
        if "\x00" in body:
            return "error", "invalid_message"
        return "chat.message", body.strip()
    if kind == "chat.history":
        before = content.get("before")
        return ("chat.history", before) if _int(before) else ("error", "invalid_message")
    if kind == "chat.delete":
        value = content.get("id")
        if not _int(value):
            return "error", "invalid_message"
        return ("chat.deleted", value) if value in ids[:3] else ("error", "not_found")
    if kind == "chat.mute":
        username, minutes = content.get("username"), content.get("minutes")
        if not isinstance(username, str) or not username:
            return "error", "invalid_message"
        if not _int(minutes) or not 0 <= minutes <= MAX_MUTE_MINUTES:
            return "error", "invalid_message"
        if username not in ("mod", "fan"):
            return "error", "not_found"
        if username == who:
            return "error", "invalid_message"
        return "chat.muted", (username, minutes)
    return "error", "unknown_type"


@pytest.mark.parametrize("who", ["mod", "fan", ""])
@fuzz(40)
@given(frames=frames_of(chat_messages))
@example(frames=[{"type": "chat.message", "message": "a\x00b"}])
@example(frames=[{"type": "chat.mute", "username": "f\x00n", "minutes": 1}])
@example(frames=[{"type": "chat.message", "message": "\u202eevil\u202c 😀\u0301"}])
@example(frames=[{"type": "chat.message", "message": "a", "id": "r-1"},
                 {"type": "chat.message", "message": "b", "id": "r-1"},
                 {"type": "chat.message", "message": "c", "id": 5}])  # fmt: skip
async def test_chat_answers_every_frame_and_stores_only_valid_messages(message_ids, who, frames):
    """Staff (every action reachable), a logged-in fan and an anonymous reader."""
    cookie = [await session_cookie(who, staff=who == "mod")] if who else []
    endpoint = Endpoint(CHAT.path, CHAT.sentinel, CHAT.is_sentinel_reply, CHAT.sentinels_in, cookie)
    reader = Endpoint(CHAT.path, CHAT.sentinel, CHAT.is_sentinel_reply, CHAT.sentinels_in)
    comm, _ = await open_endpoint(endpoint)
    other, _ = await open_endpoint(reader)
    messages, deleted, mutes = await chat_state()
    posted: list[str] = []
    broadcast: list[str] = []
    deletions: list[int] = []
    for item in frames:
        frame = encode(item, own=message_ids[0], elsewhere=message_ids[3])
        kind, content = classify(frame, LIMIT)
        before = None
        if kind == "ok" and content["type"] == "chat.message" and who:
            before = await sync_to_async(stored_under)(who, content.get("id"))
        outcome = await exchange(comm, endpoint, frame)
        if kind != "ok":
            assert_generic(kind, outcome)
            comm = await reopen_if_closed(comm, endpoint, outcome)
            continue
        expected, detail = _expect_chat(content, message_ids, who)
        if expected == "chat.message" and before is not None:
            detail = before  # a retried client id: the message stored before, not a new one
        assert outcome.close_code is None, outcome
        if expected == "error":
            assert_single_error(outcome, detail)
        elif expected == "chat.history" and detail == HISTORY_SENTINEL:
            assert outcome.frames == []
        elif expected == "chat.message":
            # The broadcast (the poster is a member too) and the poster's own ack, in any order.
            by_type = {f["type"]: f for f in outcome.frames}
            assert sorted(by_type) == ["chat.ack", "chat.message"], outcome
            assert len(outcome.frames) == 2, outcome
            reply = by_type["chat.message"]
            assert (reply["username"], reply["message"], reply["room"]) == (who, detail, "lobby")
            ack = by_type["chat.ack"]
            assert ack == {"type": "chat.ack", "id": content.get("id"), "message_id": reply["id"]}
            if before is None:
                posted.append(detail)
            broadcast.append(detail)
        else:
            (reply,) = outcome.frames
            assert reply["type"] == expected, outcome
            if expected == "chat.history":
                assert reply["before"] == detail
                assert all(m["id"] < detail for m in reply["messages"])
            elif expected == "chat.deleted":
                assert reply == {"type": "chat.deleted", "id": detail, "room": "lobby"}
                deletions.append(detail)
            else:
                assert reply["username"] == detail[0]
                assert (reply["until"] is None) == (detail[1] == 0)
        now = await chat_state()
        assert now[0] == messages + len(posted)
        assert now[1] <= deleted + len(set(deletions))
        if not any(isinstance(i, dict) and i.get("type") == "chat.mute" for i in frames):
            assert now[2] == mutes
    seen = await bystander_frames(other, reader)
    assert [f["message"] for f in seen if f["type"] == "chat.message"] == broadcast
    assert [f["id"] for f in seen if f["type"] == "chat.deleted"] == deletions
    assert {f["type"] for f in seen} <= {"chat.message", "chat.deleted"}
    await comm.disconnect()
    await other.disconnect()


@fuzz(40)
@given(
    path=st.one_of(
        st.builds(
            lambda r: f"/ws/chat/{r}/",
            fz.odd_text.filter(lambda s: "/" not in s and s not in ("", "lobby")),
        ),
        st.builds(lambda m: f"/ws/matches/{m}/", st.integers(0, 2**70)),
        st.builds(lambda m: f"/ws/matches/{m}/score/", st.integers(0, 2**70)),
        st.builds(lambda m: f"/ws/matches/{m}/", fz.odd_text.filter(lambda s: "/" not in s and s)),
    )
)
async def test_unknown_rooms_and_matches_are_refused_with_4004_and_nothing_else(path):
    from urllib.parse import quote

    from tests.support.ws import communicator

    comm = communicator(quote(path, safe="/"), headers=[await session_cookie("mod", staff=True)])
    connected, _ = await comm.connect()
    assert connected
    first = json.loads(await comm.receive_from())
    assert first["type"] == "error"
    assert first["code"] in ("not_found", "invalid_room")
    closed = await comm.receive_output()
    assert closed == {"type": "websocket.close", "code": 4004}
    await comm.disconnect()


@fuzz(30)
@given(
    path=st.one_of(
        st.builds(lambda p: "/" + p, fz.odd_text),
        st.sampled_from(
            ["/ws/matches//", "/ws/chat", "/ws/matches/1/score", "/practice/", "/ws//chat/x/"]
        ),
    ).filter(lambda p: not _served(p) and not p.startswith("//"))  # "//x": a host to urlparse
)
async def test_a_path_that_is_no_endpoint_is_refused_at_the_handshake(path):
    from urllib.parse import quote

    from tests.support.ws import communicator

    comm = communicator(quote(path, safe="/"))
    connected, code = await comm.connect()
    assert not connected
    assert code == 4004
    await comm.disconnect()
    # The server carries on.
    comm, _ = await open_endpoint(PRACTICE)
    await comm.disconnect()


def _served(path: str) -> bool:
    import re

    path = path.lstrip("/")  # as Channels' URLRouter does
    return path in ("", "practice") or bool(
        re.fullmatch(r"ws/(chat/[^/]*|matches/([^/]+/(score/)?)?)", path)
    )
