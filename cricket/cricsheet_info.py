"""What a Cricsheet file says about a match besides its balls: competition, venue, dates,
player of the match, umpires (and captains and keepers, which some hand-made files add).

The toss is part of the match setup (cricket.cricsheet); everything here is context for fans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cricket.cricsheet import CricsheetError, _read


@dataclass(frozen=True)
class MatchDetails:
    """A match's context as read from the file's `info`; blank strings and None when absent."""

    competition: str = ""
    stage: str = ""
    venue: str = ""
    start_date: str | None = None
    """ISO date, YYYY-MM-DD (the engine keeps no clock: dates stay text here)."""
    end_date: str | None = None
    player_of_match: str = ""
    umpires: str = ""
    captains: dict[str, str] = field(default_factory=dict)
    keepers: dict[str, str] = field(default_factory=dict)


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _names(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(n for n in (_text(v) for v in value) if n)
    return _text(value)


_ISO_DATE = re.compile(r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])")


def _date(value: Any) -> str:
    text = str(value)
    if not _ISO_DATE.fullmatch(text):
        raise CricsheetError(f"info.dates: {value!r} is not a date (YYYY-MM-DD)")
    return text


def _competition(info: dict[str, Any]) -> tuple[str, str]:
    event = info.get("event")
    if isinstance(event, str):  # early files name the event only
        event = {"name": event}
    if not isinstance(event, dict):
        return "", ""
    name, season = _text(event.get("name")), _text(str(info.get("season") or ""))
    # "Indian Premier League" + season "2023"; a name that holds its year already stays as it is.
    if name and season and season.split("/")[0] not in name:
        name = f"{name} {season}"
    stage = _text(event.get("stage"))
    if not stage and event.get("match_number") is not None:
        stage = f"Match {event['match_number']}"
    return name, stage


def _venue(info: dict[str, Any]) -> str:
    venue, city = _text(info.get("venue")), _text(info.get("city"))
    if venue and city and city not in venue:
        return f"{venue}, {city}"
    return venue or city


def _roles(info: dict[str, Any], key: str) -> dict[str, str]:
    """`captains` / `wicket_keepers` as {team: player} where the file has them and they are in
    that team's list of players."""
    given = info.get(key)
    players = info.get("players") or {}
    if not isinstance(given, dict):
        return {}
    found = {}
    for team, name in given.items():
        name = _text(name)
        if name and name in (players.get(team) or []):
            found[str(team)] = name
    return found


def details(source: str | Path | dict[str, Any]) -> MatchDetails:
    """The context of a Cricsheet match (path or parsed dict); CricsheetError on bad data."""
    info = _read(source)["info"]
    dates = info.get("dates") or []
    if not isinstance(dates, list):
        raise CricsheetError("info.dates must be a list of dates")
    days = sorted(_date(d) for d in dates)
    competition, stage = _competition(info)
    umpires = (info.get("officials") or {}).get("umpires") if isinstance(info, dict) else None
    return MatchDetails(
        competition=competition,
        stage=stage,
        venue=_venue(info),
        start_date=days[0] if days else None,
        end_date=days[-1] if len(days) > 1 else None,
        player_of_match=_names(info.get("player_of_match")),
        umpires=_names(umpires),
        captains=_roles(info, "captains"),
        keepers=_roles(info, "wicket_keepers"),
    )
