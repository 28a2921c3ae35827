"""A match, chat rooms and messages whose every user- or file-controlled text is a script payload.

Used in process by the HTML tests and through `manage.py shell` by the browser test.
"""

from __future__ import annotations

from typing import Any

# Each payload runs code if it is ever parsed as HTML: it sets window.__xss.
SCRIPT = "<script>window.__xss='script'</script>"
IMG = "<img src=x onerror=\"window.__xss='img'\">"
TEAM = f"{SCRIPT}XI"
AWAY = f"{IMG}XI"
PLAYER = f"{IMG} Smith"
TITLE = f"{SCRIPT} final"
COMMENTARY = f"{IMG} edged"
CHAT = f"{SCRIPT}{IMG} hello"
PAYLOADS = [SCRIPT, IMG]


def seed() -> dict[str, Any]:
    """Create it all; return ids and a scorer token for the live part of the browser test."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from chat.models import Message, Room
    from chat.services import room_ensure
    from cricket.setup import MatchSetup
    from scores.services import matches, tokens
    from tests.scores.helpers import record

    setup = MatchSetup.preset(
        "T20", home=TEAM, away=AWAY, home_players=[PLAYER, "P2", "P3"],
        away_players=["Q1", "Q2", "Q3"],
    )  # fmt: skip
    match = matches.match_create(setup=setup, title=TITLE, source="cricsheet:evil")
    boss, _ = get_user_model().objects.get_or_create(
        username="boss", defaults={"is_staff": True, "is_superuser": True}
    )
    matches.scorer_grant(user=boss, match=match)
    commands = [
        {"kind": "start_innings", "batting": TEAM},
        {"kind": "new_batter", "player": PLAYER},
        {"kind": "new_batter", "player": "P2"},
        {"kind": "new_bowler", "bowler": "Q1"},
        {"kind": "delivery", "runs": 4},
    ]
    for seq, command in enumerate(commands):
        record(
            match_id=match.id, user=boss, command=command, expect_seq=seq,
            commentary=COMMENTARY if command["kind"] == "delivery" else None,
        )  # fmt: skip
    author, _ = get_user_model().objects.get_or_create(username="fan")
    now = timezone.now()
    lobby = room_ensure(slug="lobby", title="Lobby")
    for room in (lobby, Room.objects.get(slug=f"match-{match.id}")):
        Message.objects.create(room=room, author=author, body=CHAT, created_at=now)
    _, token = tokens.scorer_token_create(user=boss)
    return {"match": match.id, "token": token, "seq": len(commands)}


def pages(match_id: int) -> list[str]:
    """Every page that shows some of that text."""
    return [
        "/", "/matches/", f"/matches/{match_id}/", f"/matches/{match_id}/score/", "/chat/",
        f"/chat/match-{match_id}/", "/admin/scores/match/", "/admin/scores/team/",
        "/admin/chat/message/", f"/admin/scores/match/{match_id}/change/",
    ]  # fmt: skip
