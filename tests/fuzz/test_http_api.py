"""Fuzz the HTTP publish API (docs/api.md): every request gets 201 or a 4xx with a JSON reason,
nothing is stored but what was answered 201, and a fan of the match sees exactly those."""

from __future__ import annotations

import json
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.test import AsyncClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from scores.models import LogEntry, Match
from scores.services import matches, tokens
from tests.fuzz import strategies as fz
from tests.scores.helpers import events, make_match, real_match, score
from tests.support.ws import communicator, receive_until

pytestmark = [
    pytest.mark.usefixtures("hub_teardown"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.db,
]

MAX_BODY = 16 * 1024


@sync_to_async
def api_setup() -> dict[str, Any]:
    match = make_match()
    score(match, 12)
    other = make_match(title="Elsewhere")
    feed, _ = get_user_model().objects.get_or_create(username="feed")
    stranger, _ = get_user_model().objects.get_or_create(username="stranger")
    matches.scorer_grant(user=feed, match=match)
    matches.scorer_grant(user=stranger, match=other)
    _, good = tokens.scorer_token_create(user=feed)
    _, foreign = tokens.scorer_token_create(user=stranger)
    revoked_row, revoked = tokens.scorer_token_create(user=feed)
    tokens.scorer_token_revoke(token=revoked_row)
    return {"match": match.id, "other": other.id, "good": good, "foreign": foreign,
            "revoked": revoked}  # fmt: skip


@sync_to_async
def state() -> tuple[int, tuple[int, ...]]:
    return LogEntry.objects.count(), tuple(
        Match.objects.order_by("pk").values_list("seq", flat=True)
    )


@pytest.fixture
async def api():
    return await api_setup()


def _names() -> list[str]:
    setup, _ = real_match()
    return [setup.home.name, setup.away.name, *setup.home.players[:4], *setup.away.players[:4]]


documented_body = st.fixed_dictionaries(
    {"command": st.one_of(st.just("$next"), fz.scorer_commands(_names()))},
    optional={
        "expect_seq": st.one_of(st.just("$seq"), fz.json_values),
        "commentary": st.one_of(fz.odd_text, fz.json_values, st.just("c" * 501)),
        "id": fz.json_values,
        "type": fz.json_values,
    },
).flatmap(lambda body: st.one_of(st.just(body), fz.mutated(body)))

bodies = st.one_of(
    documented_body,
    fz.raw_frames(MAX_BODY),
    st.binary(max_size=200),
    st.just(b"\xff\xfe{}"),
    st.just(json.dumps({"command": {"kind": "undo"}, "commentary": "x" * MAX_BODY})),
)

TOKENS = ["good", "good", "good", "foreign", "revoked", "none", "wrong", "basic", "empty", "odd"]
token_names = st.sampled_from(TOKENS)
content_types = st.sampled_from(
    ["application/json", "application/json", "application/json; charset=utf-8", "text/plain",
     "application/x-www-form-urlencoded", ""]
)  # fmt: skip


def _headers(token: str, api: dict[str, Any]) -> dict[str, str]:
    return {
        "good": {"Authorization": f"Bearer {api['good']}"},
        "foreign": {"Authorization": f"Bearer {api['foreign']}"},
        "revoked": {"Authorization": f"Bearer {api['revoked']}"},
        "none": {},
        "wrong": {"Authorization": "Bearer crs_" + "A" * 43},
        "basic": {"Authorization": "Basic Zm9vOmJhcg=="},
        "empty": {"Authorization": "Bearer "},
        "odd": {"Authorization": "Bearer \xe9\xff\x00"},
    }[token]


def _fill(body: Any, seq: int) -> Any:
    if isinstance(body, dict):
        body = dict(body)
        if body.get("command") == "$next":
            upcoming = events(1, seq)
            body["command"] = upcoming[0] if upcoming else {"kind": "undo"}
        if body.get("expect_seq") == "$seq":
            body["expect_seq"] = seq
        return json.dumps(body, ensure_ascii=False)
    return body


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    requests=st.lists(
        st.tuples(
            bodies, token_names, content_types, st.sampled_from(["match", "match", "other", 0])
        ),
        min_size=1,
        max_size=3,
    )
)
@example(requests=[({"command": "$next", "expect_seq": "$seq", "commentary": "\x00"}, "good",
                     "application/json", "match")])  # fmt: skip
@example(requests=[({"command": "$next", "expect_seq": 10**40}, "good", "application/json",
                     "match")])  # fmt: skip
async def test_every_api_request_gets_201_or_a_4xx_and_only_201s_are_stored(api, requests):
    fan = communicator(f"/ws/matches/{api['match']}/")
    assert (await fan.connect())[0]
    await receive_until(fan, "snapshot")
    client = AsyncClient()
    created: list[int] = []
    log, seqs = await state()
    for body, token, content_type, target in requests:
        match_id = api[target] if isinstance(target, str) else target
        data = _fill(body, seqs[0] + len(created))
        response = await client.post(
            f"/api/matches/{match_id}/events", data=data, content_type=content_type,
            headers=_headers(token, api),
        )  # fmt: skip
        assert response.status_code == 201 or 400 <= response.status_code < 500, response.content
        reply = response.json()
        if response.status_code == 201:
            assert token == "good"
            assert target == "match"
            created.append(reply["seq"])
        else:
            assert isinstance(reply["error"], str)
            assert reply["reason"]
            if token in ("none", "wrong", "basic", "empty", "odd", "revoked"):
                assert response.status_code in (401, 413), reply
            elif token == "foreign" and match_id == api["match"]:
                assert response.status_code in (403, 413), reply
        now = await state()
        assert now[0] == log + len(created)
        assert now[1][0] == seqs[0] + len(created)
        assert now[1][1:] == seqs[1:]  # no other match moved
    for seq in created:
        frame = await receive_until(fan, "update")
        assert frame["seq"] == seq
    while not await fan.receive_nothing(timeout=0.05):
        assert json.loads(await fan.receive_from())["type"] == "presence"
    # Still serving: the public read of the match.
    assert (await client.get(f"/api/matches/{api['match']}")).json()["seq"] == seqs[0] + len(
        created
    )
    await fan.disconnect()


async def test_other_methods_get_405_and_store_nothing(api):
    client = AsyncClient()
    before = await state()
    for method in ("get", "put", "patch", "delete", "options"):
        response = await getattr(client, method)(
            f"/api/matches/{api['match']}/events", headers=_headers("good", api)
        )
        assert response.status_code == 405
        assert response["Allow"] == "POST"
    assert await state() == before
