"""Batting and bowling cards computed straight from a Cricsheet file, without the engine.

This is the independent reference the corpus test holds the engine's cards to. It counts as
Cricsheet records: a batter's runs are ``runs.batter`` and balls every delivery but wides; the
bowler is charged runs off the bat plus ``extras.wides`` plus ``extras.noballs`` (the whole
no-ball figure as recorded); the bowler's wickets are the dismissals credited to a bowler.
An over counts as one over to a bowler who bowled all of it once it is complete (ended before
the last over of the innings, or reached its number of balls, the umpire's miscount honoured);
otherwise the bowler's legal balls count. A maiden is such an over of at least the usual
number of balls from which the bowler was charged nothing.
"""

from __future__ import annotations

from typing import Any

BOWLERS_WICKETS = frozenset(
    {"bowled", "caught", "caught and bowled", "lbw", "stumped", "hit wicket"}
)


def _legal(d: dict[str, Any]) -> bool:
    e = d.get("extras") or {}
    return not e.get("wides") and not e.get("noballs")


def _overs(balls: int, bpo: int) -> str:
    return f"{balls // bpo}.{balls % bpo}" if balls % bpo else str(balls // bpo)


def batting(inn: dict[str, Any]) -> list[dict[str, Any]]:
    cards: dict[str, dict[str, Any]] = {}
    seen_at: dict[str, int] = {}
    out_at: dict[str, tuple[int, str]] = {}
    n = 0
    for over in inn.get("overs") or []:
        for d in over.get("deliveries") or []:
            n += 1
            for who in (d["batter"], d["non_striker"]):
                cards.setdefault(who, {"name": who, "runs": 0, "balls": 0})
                seen_at[who] = n
            card = cards[d["batter"]]
            card["runs"] += d["runs"]["batter"]
            if not (d.get("extras") or {}).get("wides"):
                card["balls"] += 1
            for w in d.get("wickets") or []:
                who = w["player_out"]
                cards.setdefault(who, {"name": who, "runs": 0, "balls": 0})
                out_at[who] = (n, w["kind"])
    for who, card in cards.items():
        at, kind = out_at.get(who, (0, "not out"))
        # A batter who retired and came back later is judged by the later innings.
        card["how_out"] = kind if at and at >= seen_at.get(who, 0) else "not out"
    return list(cards.values())


def bowling(inn: dict[str, Any], bpo: int) -> list[dict[str, Any]]:
    overs = inn.get("overs") or []
    miscounted = inn.get("miscounted_overs") or {}
    cards: dict[str, dict[str, Any]] = {}
    for i, over in enumerate(overs):
        ds = over.get("deliveries") or []
        bowlers = list(dict.fromkeys(d["bowler"] for d in ds))
        legal = sum(_legal(d) for d in ds)
        length = int((miscounted.get(str(over.get("over"))) or {}).get("balls") or bpo)
        complete = i < len(overs) - 1 or legal >= length
        conceded = 0
        for d in ds:
            e = d.get("extras") or {}
            card = cards.setdefault(
                d["bowler"],
                {"name": d["bowler"], "balls": 0, "maidens": 0, "runs": 0, "wickets": 0},
            )
            charged = d["runs"]["batter"] + int(e.get("wides") or 0) + int(e.get("noballs") or 0)
            card["runs"] += charged
            conceded += charged
            card["wickets"] += sum(
                1 for w in d.get("wickets") or [] if w["kind"] in BOWLERS_WICKETS
            )
            if len(bowlers) > 1 or not complete:
                card["balls"] += _legal(d)
        if len(bowlers) == 1 and complete:
            card = cards[bowlers[0]]
            card["balls"] += bpo
            if conceded == 0 and legal >= bpo:
                card["maidens"] += 1
    return [
        {
            "name": c["name"],
            "overs": _overs(c["balls"], bpo),
            "maidens": c["maidens"],
            "runs": c["runs"],
            "wickets": c["wickets"],
        }
        for c in cards.values()
    ]


def cards(data: dict[str, Any]) -> list[tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    """(batting, bowling) of every innings that has deliveries or was forfeited."""
    bpo = int(data["info"].get("balls_per_over") or 6)
    return [(batting(inn), bowling(inn, bpo)) for inn in data["innings"]]
