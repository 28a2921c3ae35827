"""Reads of the scores app: match lists, snapshots, the stored log, and scorer rights."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Case, IntegerField, Value, When

from cricket import codec
from cricket.match import Match as EngineMatch
from scores.engine import Engine, cache, engine_replay, setup_decode
from scores.frames import snapshot_payload
from scores.models import LogEntry, Match, Scorer

RESUME_LIMIT = 500
"""A fan further behind than this many entries gets a fresh snapshot instead of the missed ones."""
LIST_LIMIT = 100

_STATUS_ORDER = Case(
    When(status=Match.Status.LIVE, then=Value(0)),
    When(status=Match.Status.INNINGS_BREAK, then=Value(1)),
    When(status=Match.Status.SCHEDULED, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


def match_get(*, match_id: int) -> Match:
    """The match, or Match.DoesNotExist."""
    return Match.objects.get(pk=match_id)


def match_item(match: Match, *, watching: int | None = None) -> dict[str, Any]:
    """One match as the list shows it (also the `match` frame of ws/matches/)."""
    return {
        "id": match.id,
        "title": match.title,
        "status": match.status,
        "summary": match.summary,
        "teams": match.teams,
        "format": match.format,
        "seq": match.seq,
        "watching": watching,
    }


def match_list(*, limit: int = LIST_LIMIT) -> list[dict[str, Any]]:
    """Matches for the list page: live first, then innings breaks, scheduled, finished;
    newest activity first within each. `watching` is None here (the live socket sends counts)."""
    matches = Match.objects.annotate(rank=_STATUS_ORDER).order_by("rank", "-updated", "-id")
    return [match_item(m) for m in matches[:limit]]


def match_ids_followed(*, limit: int = LIST_LIMIT) -> list[int]:
    """Matches a list page follows live: every one not finished (most recent first)."""
    return list(
        Match.objects.exclude(status=Match.Status.FINISHED)
        .order_by("-updated", "-id")
        .values_list("id", flat=True)[:limit]
    )


def scorer_can_score(*, user: AbstractBaseUser | AnonymousUser | None, match: Match) -> bool:
    """Superusers may score anything; others need scorer rights for this match."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return Scorer.objects.filter(user=user, match=match).exists()


def engine_get(*, match: Match) -> Engine:
    """The engine state of a match at its stored seq: the cached one if current, else rebuilt
    from the log (all entries up to `match.seq`). Callers that mutate it hold cache.lock()."""
    with cache.lock(match.id):
        engine = cache.get(match.id)
        if engine is not None and engine.seq == match.seq and engine.stamp == match.created:
            return engine
        rows = (
            LogEntry.objects.filter(match_id=match.id, seq__lte=match.seq)
            .order_by("seq")
            .values_list("seq", "payload", "commentary")
        )
        engine = engine_replay(setup_decode(match.setup), rows)
        engine.stamp = match.created
        if engine.seq == match.seq:
            cache.put(match.id, engine)
        return engine


def match_snapshot(*, match_id: int) -> dict[str, Any]:
    """The `snapshot` message for a match as now stored (Match.DoesNotExist if none)."""
    with cache.lock(match_id):
        match = Match.objects.get(pk=match_id)
        engine = engine_get(match=match)
        return snapshot_payload(match, engine)


def log_frames_after(
    *, match_id: int, since: int, limit: int = RESUME_LIMIT
) -> list[tuple[int, str]]:
    """Stored fan frames with seq > since, in order (at most `limit`)."""
    return list(
        LogEntry.objects.filter(match_id=match_id, seq__gt=since)
        .order_by("seq")
        .values_list("seq", "frame")[:limit]
    )


def event_context(*, match: Match, at: int) -> dict[str, Any] | None:
    """Engine event `at` (1-based) as scored, with who was batting and bowling just before it
    and the fielding side then (the console pre-fills its edit form); None if there is none."""
    with cache.lock(match.id):
        engine = engine_get(match=match)
        events, seq, setup = engine.match.events, engine.seq, engine.setup
        entry = engine.entries[at - 1] if 1 <= at <= len(engine.entries) else None
    if entry is None:
        return None
    before = EngineMatch.from_events(setup, events[: at - 1]).state
    live = before.live
    return {
        "at": at,
        "seq": seq,
        "event": codec.event_to_dict(events[at - 1]),
        "over": entry.over,
        "description": entry.description,
        "striker": live.striker if live else None,
        "non_striker": live.non_striker if live else None,
        "bowler": live.bowler if live else None,
        "fielders": list(before.active[live.bowling]) if live else [],
    }
