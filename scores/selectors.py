"""Reads of the scores app: matches and lists, scorebooks and snapshots, the stored log for
resume, and scorer rights. Nothing here writes (a scorebook rebuilt from the log is cached)."""

from __future__ import annotations

import datetime
import time
from typing import Any, TypedDict

from django.contrib.auth.models import AnonymousUser, User
from django.db import DatabaseError
from django.db.models import Case, IntegerField, Sum, Value, When
from django.db.models.functions import Length

from cricket import codec
from cricket.conditions import describe
from cricket.scorebook import commentary_entry
from realtime.db import in_db_thread
from scores.messages import MatchInfo, MatchItem, Snapshot, match_item, snapshot_message
from scores.models import LogEntry, Match, Scorer
from scores.scorebook import Scorebook, cache, scorebook_replay, setup_decode

RESUME_LIMIT = 500
"""A fan further behind than this many entries gets a fresh snapshot instead of the missed ones."""
RESUME_MAX_BYTES = 32 * 1024
"""Nor are more bytes of missed frames than this resent: a snapshot (about 15 KB for a whole
T20) is then cheaper. `?since=0` on a long match used to send every frame (946 KiB)."""
LIST_LIMIT = 100
SEQ_FRESH_SECONDS = 1.0
"""How old a match's seq in a pong may be: at most one query per match per second per process."""

_STATUS_ORDER = Case(
    When(status=Match.Status.LIVE, then=Value(0)),
    When(status=Match.Status.INNINGS_BREAK, then=Value(1)),
    When(status=Match.Status.SCHEDULED, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


# Matches


def match_get(*, match_id: int) -> Match:
    """The match, or Match.DoesNotExist."""
    return Match.objects.get(pk=match_id)


def match_or_none(*, match_id: int) -> Match | None:
    return Match.objects.filter(pk=match_id).first()


def match_exists(*, match_id: int) -> bool:
    return Match.objects.filter(pk=match_id).exists()


def match_unfinished_from(*, source: str) -> Match | None:
    """The newest unfinished match imported from `source` (e.g. "cricsheet:1370353"), if any."""
    return (
        Match.objects.filter(source=source)
        .exclude(status=Match.Status.FINISHED)
        .order_by("-id")
        .first()
    )


def match_item_get(*, match_id: int) -> MatchItem | None:
    """One match as lists show it (GET /api/matches/<id>), or None."""
    match = Match.objects.filter(pk=match_id).first()
    return match_item(match) if match is not None else None


def match_list(*, limit: int = LIST_LIMIT) -> list[MatchItem]:
    """Matches for the list page: live first, then innings breaks, scheduled, finished;
    newest activity first within each. `watching` is None here (the live socket sends counts)."""
    matches = Match.objects.annotate(rank=_STATUS_ORDER).order_by("rank", "-updated", "-id")
    return [match_item(m) for m in matches[:limit]]


class MatchLists(TypedDict):
    in_play: list[MatchItem]
    """Live, at an innings break or scheduled: live first, newest activity first."""
    results: list[MatchItem]
    """Finished, the most recently finished first."""


def match_lists(*, in_play: int = LIST_LIMIT, results: int = LIST_LIMIT) -> MatchLists:
    """The list page's and home page's two lists: matches in play (and coming up), results."""
    going = Match.objects.exclude(status=Match.Status.FINISHED).annotate(rank=_STATUS_ORDER)
    done = Match.objects.filter(status=Match.Status.FINISHED).order_by("-updated", "-id")
    return {
        "in_play": [match_item(m) for m in going.order_by("rank", "-updated", "-id")[:in_play]],
        "results": [match_item(m) for m in done[:results]],
    }


def match_items(*, match_ids: list[int]) -> list[MatchItem]:
    """These matches as lists show them, newest first."""
    return [match_item(m) for m in Match.objects.filter(pk__in=match_ids).order_by("-id")]


def match_ids_followed(*, limit: int = LIST_LIMIT) -> list[int]:
    """Matches a list page follows live: every one not finished (most recent first)."""
    return list(
        Match.objects.exclude(status=Match.Status.FINISHED)
        .order_by("-updated", "-id")
        .values_list("id", flat=True)[:limit]
    )


_seqs: dict[int, tuple[float, int]] = {}


async def match_seq_recent(*, match_id: int) -> int | None:
    """A match's stored seq, read at most once a SEQ_FRESH_SECONDS (the heartbeat asks for it);
    None if there is no such match or the database cannot be read."""
    now = time.monotonic()
    hit = _seqs.get(match_id)
    if hit is not None and now - hit[0] < SEQ_FRESH_SECONDS:
        return hit[1]
    try:
        seq = await in_db_thread(_match_seq)(match_id)
    except DatabaseError:
        return None
    if seq is None:
        _seqs.pop(match_id, None)
        return None
    _seqs[match_id] = (now, seq)
    return seq


def _match_seq(match_id: int) -> int | None:
    return Match.objects.filter(pk=match_id).values_list("seq", flat=True).first()


# Scorer rights


def scorer_can_score(*, user: User | AnonymousUser | None, match: Match) -> bool:
    """Superusers may score anything; others need scorer rights for this match."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return Scorer.objects.filter(user=user, match=match).exists()


def scorer_rights(*, user: User | AnonymousUser, match_id: int) -> bool | None:
    """Whether the user may score the match; None when there is no such match."""
    match = match_or_none(match_id=match_id)
    if match is None:
        return None
    return scorer_can_score(user=user, match=match)


# Scorebooks, snapshots and the stored log


def scorebook_get(*, match: Match) -> Scorebook:
    """The scorebook of a match at its stored seq: the cached one if current, else rebuilt
    from the log (all entries up to `match.seq`). Callers that mutate it hold cache.lock()."""
    with cache.lock(match.id):
        book = cache.get(match.id)
        if book is not None and book.seq == match.seq and book.stamp == match.created:
            return book
        book = _replayed(match, upto=match.seq)
        book.stamp = match.created
        if book.seq == match.seq:
            cache.put(match.id, book)
        return book


def match_state_at(*, match_id: int, seq: int) -> tuple[str, str]:
    """A match's (status, summary line) as they were after its entry `seq`: the match row's
    when that is the last entry, else replayed from the log (a retry of an older command)."""
    match = Match.objects.get(pk=match_id)
    if match.seq == seq:
        return match.status, match.summary
    after = snapshot_message(match, _replayed(match, upto=seq))
    return after["match"]["status"], after["summary"]


def _replayed(match: Match, *, upto: int) -> Scorebook:
    """A match's scorebook rebuilt from its stored log entries up to `upto` (not cached)."""
    rows = (
        LogEntry.objects.filter(match_id=match.id, seq__lte=upto)
        .order_by("seq")
        .values_list("seq", "payload", "commentary")
    )
    return scorebook_replay(setup_decode(match.setup), rows)


def match_snapshot(*, match_id: int) -> Snapshot:
    """The `snapshot` message for a match as now stored (Match.DoesNotExist if none)."""
    with cache.lock(match_id):
        match = Match.objects.get(pk=match_id)
        return snapshot_message(match, scorebook_get(match=match))


def resume_frames(*, match_id: int, since: int) -> list[tuple[int, str]] | None:
    """The stored frames a client at `since` is missing, in order; None when a snapshot is due
    instead (too far behind in entries or in bytes, ahead of the log, or rows missing from it)."""
    seq = _match_seq(match_id)
    if seq is None or since > seq or seq - since > RESUME_LIMIT:
        return None
    if since < seq and _frames_bytes(match_id, since, seq) > RESUME_MAX_BYTES:
        return None
    frames = log_frames_after(match_id=match_id, since=since)
    # The log is gap-free; anything else means rows were lost: start over from a snapshot.
    if [s for s, _ in frames] != list(range(since + 1, since + 1 + len(frames))):
        return None
    return frames


def _frames_bytes(match_id: int, since: int, upto: int) -> int:
    """The length of the stored frames after `since` up to `upto` (counted in the database)."""
    total = LogEntry.objects.filter(match_id=match_id, seq__gt=since, seq__lte=upto).aggregate(
        total=Sum(Length("frame"))
    )["total"]
    return int(total or 0)


def log_frames_after(
    *, match_id: int, since: int, limit: int = RESUME_LIMIT
) -> list[tuple[int, str]]:
    """Stored fan frames with seq > since, in order (at most `limit`)."""
    return list(
        LogEntry.objects.filter(match_id=match_id, seq__gt=since)
        .order_by("seq")
        .values_list("seq", "frame")[:limit]
    )


def log_payloads(*, match_id: int, upto: int) -> list[dict[str, Any]]:
    """The stored commands of log entries 1..upto, in order."""
    return list(
        LogEntry.objects.filter(match_id=match_id, seq__lte=upto)
        .order_by("seq")
        .values_list("payload", flat=True)
    )


SCORER_LOG_LIMIT = 5000
"""Log entries in one answer of the scorer log (a five-day Test is about 3,500)."""


def scorer_log(*, match: Match, after: int = 0) -> dict[str, Any]:
    """The log a scorer's browser replays offline (cricket/preview.py): the engine setup, the
    match info of the snapshot, and the stored commands after `after` up to the match's seq."""
    entries = [
        {"seq": seq, "command": payload, "commentary": text or None}
        for seq, payload, text in LogEntry.objects.filter(
            match_id=match.id, seq__gt=after, seq__lte=match.seq
        )
        .order_by("seq")
        .values_list("seq", "payload", "commentary")[:SCORER_LOG_LIMIT]
    ]
    return {
        "match_id": match.id,
        "seq": match.seq,
        "after": after,
        "complete": not entries or entries[-1]["seq"] == match.seq,
        "setup": match.setup,
        "match": match_snapshot(match_id=match.id)["match"],
        "entries": entries,
    }


COMMENTARY_PAGE = 60
"""Commentary entries per page of the fan page's ball-by-ball history."""


def commentary_page(
    *, match_id: int, before: int | None, limit: int = COMMENTARY_PAGE
) -> dict[str, Any]:
    """Up to `limit` commentary entries older than log entry `before` (all entries if None),
    newest first, and whether older ones remain (Match.DoesNotExist if no such match)."""
    with cache.lock(match_id):
        match = Match.objects.get(pk=match_id)
        entries = scorebook_get(match=match).entries()
    if before is not None:
        entries = [(line, tag) for line, tag in entries if tag.seq < before]
    page = entries[-limit:] if limit else []
    return {
        "entries": [commentary_entry(line, tag) for line, tag in reversed(page)],
        "more": len(entries) > len(page),
    }


def event_context(*, match: Match, at: int) -> dict[str, Any] | None:
    """Engine event `at` (1-based) as scored, with who was batting and bowling just before it
    and the fielding side then (the console pre-fills its edit form); None if there is none."""
    with cache.lock(match.id):
        book = scorebook_get(match=match)
        engine = book.engine
        if not 1 <= at <= engine.event_count:
            return None
        event = engine.events[at - 1]
        line = engine.commentary[at - 1]
        before = engine.state_before(at)
        seq = book.seq
    live = before.live
    return {
        "at": at,
        "seq": seq,
        "event": codec.event_to_dict(event),
        "over": line.over,
        "description": line.description,
        "striker": live.striker if live else None,
        "non_striker": live.non_striker if live else None,
        "bowler": live.bowler if live else None,
        "fielders": list(before.active[live.bowling]) if live else [],
    }


# Pages


def scoreboard_headline(snapshot: Snapshot) -> dict[str, Any]:
    """What a page's headline shows, picked out of a snapshot: the innings in progress (or the
    last one), the two batters at the crease, the bowler's figures, the cards newest first."""
    board = snapshot["scoreboard"]
    current = board["current"]
    innings = board["innings"]
    now = innings[current["innings"] - 1] if current.get("innings") else None
    batters: list[dict[str, Any]] = []
    bowler = None
    if now is not None and not now["closed"]:
        rows = {row["name"]: row for row in now["batting"]}
        for name in (current["striker"], current["non_striker"]):
            if name:
                batters.append(rows.get(name) or {"name": name, "runs": 0, "balls": 0})
        if current["bowler"]:
            bowler = next((b for b in now["bowling"] if b["name"] == current["bowler"]), None)
            bowler = bowler or {"name": current["bowler"], "overs": "0", "maidens": 0, "runs": 0,
                                "wickets": 0, "economy": None}  # fmt: skip
    return {
        "innings": now,
        "batters": batters,
        "bowler": bowler,
        "this_over": current["this_over"],
        "last_over": current["last_over"],
        "cards": list(reversed(innings)),
        "commentary": snapshot["commentary"],
    }


def match_facts(info: MatchInfo) -> list[dict[str, str]]:
    """The match's context as the fan page's header lists it, each fact once, from the
    snapshot's match info (one builder for the toss sentence: MatchSetup.toss_text)."""
    facts = [
        {"key": key, "text": text}
        for key, text in (("competition", info["competition"]), ("venue", info["venue"]))
        if text
    ]
    if info["start_date"]:
        day = datetime.date.fromisoformat(info["start_date"])
        facts.append({"key": "start_date", "text": f"{day.day} {day:%b %Y}"})
    if info["toss"]:
        facts.append({"key": "toss", "text": info["toss"]})
    if info["player_of_match"]:
        facts.append(
            {"key": "player_of_match", "text": f"Player of the match: {info['player_of_match']}"}
        )
    return facts


def player_name_marked(*, info: MatchInfo, team: str, name: str) -> str:
    """`name` with Cricinfo's marks if they are `team`'s captain or wicket-keeper in the
    match info: "Name (c)", "Name †", "Name (c) †" (scores/scoreboard.js's markedName is its
    twin for the live cards)."""
    marks = [
        mark
        for mark, role in (("(c)", info.get("captains")), ("†", info.get("keepers")))
        if role and role.get(team) == name
    ]
    return " ".join([name, *marks])


def dismissal_marked(*, info: MatchInfo, team: str, dismissal: str) -> str:
    """A scorecard's dismissal with Cricinfo's keeper mark on `team`'s (the fielding side's)
    wicket-keeper: "c †MS Dhoni b DL Chahar", "st †MS Dhoni b RA Jadeja", "run out (A/†K)"
    (scores/scoreboard.js's markedDismissal is its twin). The text is the engine's
    (cricket.apply._dismissal), so its shapes are known."""
    keeper = (info.get("keepers") or {}).get(team)
    if not keeper:
        return dismissal
    for how in ("c ", "st "):
        if dismissal.startswith(f"{how}{keeper} b "):
            return f"{how}†{dismissal.removeprefix(how)}"
    if dismissal.startswith("run out (") and dismissal.endswith(")"):
        names = dismissal.removeprefix("run out (").removesuffix(")").split("/")
        return "run out (" + "/".join(f"†{n}" if n == keeper else n for n in names) + ")"
    return dismissal


def playing_conditions(*, match: Match) -> list[str]:
    """The match's playing conditions in plain English, one line each (stored with it)."""
    return describe(setup_decode(match.setup).rules)


def squads(*, match: Match) -> dict[str, dict[str, list[str]]]:
    """Each team's named players and substitutes, for the console's substitution form."""
    setup: dict[str, Any] = match.setup or {}
    found = {}
    for side in ("home", "away"):
        team = setup.get(side) or {}
        if team.get("name"):
            found[team["name"]] = {
                "players": list(team.get("players") or []),
                "substitutes": list(team.get("substitutes") or []),
            }
    return found


def log_entry_by_command_id(*, match_id: int, command_id: str) -> LogEntry | None:
    """The entry stored for a client's command id (a retry's original), if any."""
    return (
        LogEntry.objects.filter(match_id=match_id, command_id=command_id)
        .only("seq", "payload", "commentary", "frame")
        .first()
    )


def matches_scored_by(*, user: User) -> list[MatchItem]:
    """The matches a user may score (creating one grants it), newest activity first."""
    matches = Match.objects.filter(scorers__user=user).order_by("-updated", "-id")
    return [match_item(m) for m in matches[:LIST_LIMIT]]
