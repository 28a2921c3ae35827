"""API tokens: stored hashed, shown once, revocable; the token check costs no extra connection."""

from __future__ import annotations

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from channels.db import DatabaseSyncToAsync
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.backends.signals import connection_created
from django.test import AsyncClient

from scores.models import LogEntry, Match, ScorerToken
from scores.services import matches, scoring, tokens
from tests.scores.helpers import events, make_match

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.db]


@sync_to_async
def feed(username: str = "feed") -> tuple[Match, str]:
    user, _ = get_user_model().objects.get_or_create(username=username)
    match = make_match()
    matches.scorer_grant(user=user, match=match)
    _, raw = tokens.scorer_token_create(user=user, name="test")
    return match, raw


async def post(match_id: int, body: object, token: str) -> object:
    return await AsyncClient().post(
        f"/api/matches/{match_id}/events",
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


def _every_stored_text() -> str:
    """Every text column of every scores and auth row, to look for a raw token in."""
    rows = [
        *ScorerToken.objects.values_list("name", "prefix", "digest"),
        *LogEntry.objects.values_list("payload", "frame", "commentary"),
        *get_user_model().objects.values_list("username", "password"),
    ]
    return json.dumps([list(map(str, row)) for row in rows])


def test_the_database_never_holds_a_raw_token():
    user = get_user_model().objects.create(username="alice")
    _, raw = tokens.scorer_token_create(user=user, name="feed")
    row = ScorerToken.objects.get()
    assert raw.startswith("crs_")
    assert len(raw) > 40
    assert row.digest == tokens.token_digest(raw)
    assert row.digest != raw
    assert raw not in _every_stored_text()
    assert raw[len(row.prefix) :] not in _every_stored_text()
    # The prefix shown to tell tokens apart is too short to be the token.
    assert len(row.prefix) <= 10


def test_the_token_command_shows_the_token_once_and_stores_only_its_hash(capsys):
    get_user_model().objects.create(username="alice")
    call_command("scorer_token", "alice", "--name", "my feed")
    raw = capsys.readouterr().out.strip().split()[-1]
    assert raw.startswith("crs_")
    assert ScorerToken.objects.get().digest == tokens.token_digest(raw)
    assert raw not in _every_stored_text()
    # Nothing can show it again: the row has no field from which it could be recovered.
    assert {f.name for f in ScorerToken._meta.get_fields()} >= {"digest", "prefix"}
    assert not any(raw in str(getattr(row, f.attname, "")) for row in ScorerToken.objects.all()
                   for f in ScorerToken._meta.concrete_fields)  # fmt: skip


async def test_a_revoked_token_stops_working_at_once_and_writes_nothing():
    match, raw = await feed()
    assert (
        await post(match.id, {"expect_seq": 0, "command": events(1)[0]}, raw)
    ).status_code == 201
    token = await sync_to_async(ScorerToken.objects.get)()
    await sync_to_async(tokens.scorer_token_revoke)(token=token)
    response = await post(match.id, {"expect_seq": 1, "command": events(1, 1)[0]}, raw)
    assert response.status_code == 401
    assert await sync_to_async(LogEntry.objects.count)() == 1
    assert (await sync_to_async(Match.objects.get)(pk=match.id)).seq == 1


async def test_a_token_of_an_inactive_user_is_refused():
    match, raw = await feed()
    await sync_to_async(get_user_model().objects.filter(username="feed").update)(is_active=False)
    response = await post(match.id, {"expect_seq": 0, "command": events(1)[0]}, raw)
    assert response.status_code == 401
    assert await sync_to_async(LogEntry.objects.count)() == 0


async def test_a_published_command_checks_its_token_and_writes_on_one_database_connection(
    monkeypatch,
):
    """With CONN_MAX_AGE=0 every thread hop to the database opens a new connection (tens of ms
    on PostgreSQL, more on a remote one): the token check and the write share one hop."""
    match, raw = await feed()
    hops: list[object] = []
    opened: list[object] = []
    real_handler = DatabaseSyncToAsync.thread_handler

    def counting_handler(self, loop, *args, **kwargs):
        hops.append(self.func)
        return real_handler(self, loop, *args, **kwargs)

    def count(sender: object, **kwargs: object) -> None:
        opened.append(kwargs.get("connection"))

    monkeypatch.setattr(DatabaseSyncToAsync, "thread_handler", counting_handler)
    connection_created.connect(count)
    try:
        for expect_seq, status in ((0, 201), (0, 409)):
            hops.clear()
            opened.clear()
            body = {"expect_seq": expect_seq, "command": events(1)[0]}
            assert (await post(match.id, body, raw)).status_code == status
            assert len(hops) == 1
            # In-memory SQLite keeps its one connection; PostgreSQL opens one per hop.
            assert len(opened) <= 1
    finally:
        connection_created.disconnect(count)


async def test_requests_for_many_unknown_matches_leave_no_state_behind():
    """A stranger posting to a million match ids must not grow the server's memory."""
    _, raw = await feed()
    for match_id in range(900_000, 900_040):
        response = await post(match_id, {"command": {"kind": "undo"}}, raw)
        assert response.status_code == 404
        response = await post(match_id, {"command": {"kind": "undo"}}, "crs_wrong")
        assert response.status_code == 401
    locks = scoring._publish_locks.get(asyncio.get_running_loop(), {})
    assert len(locks) == 0


def test_a_token_made_in_the_admin_is_shown_once_stored_hashed_and_revocable_there():
    import re

    from django.test import Client

    boss = get_user_model().objects.create_superuser("boss", password="pw-boss-Secret9")
    match = make_match()
    matches.scorer_grant(user=boss, match=match)
    admin = Client()
    admin.force_login(boss)
    added = admin.post(
        "/admin/scores/scorertoken/add/", {"user": boss.pk, "name": "feed"}, follow=True
    )
    assert added.status_code == 200
    (raw,) = re.findall(r"crs_[A-Za-z0-9_-]{40,}", added.content.decode())
    row = ScorerToken.objects.get()
    assert row.digest == tokens.token_digest(raw)
    assert raw not in _every_stored_text()
    for page in ("/admin/scores/scorertoken/", f"/admin/scores/scorertoken/{row.pk}/change/"):
        assert raw not in admin.get(page).content.decode()  # never shown again

    def publish(seq: int) -> int:
        return Client().post(
            f"/api/matches/{match.id}/events", data=json.dumps({"command": events(1, seq)[0]}),
            content_type="application/json", headers={"Authorization": f"Bearer {raw}"},
        ).status_code  # fmt: skip

    assert publish(0) == 201
    admin.post("/admin/scores/scorertoken/", {"action": "revoke", "_selected_action": [row.pk]})
    assert publish(1) == 401
    assert LogEntry.objects.count() == 1
