"""Template helpers of the scores pages: match status labels, from the one list of statuses
(Match.Status), for the server-rendered text and for the page's scripts."""

from __future__ import annotations

import re

from django import template
from django.utils.html import json_script
from django.utils.safestring import SafeString

from scores import selectors
from scores.messages import MatchInfo
from scores.models import Match

register = template.Library()


@register.filter
def status_label(status: str) -> str:
    """ "innings_break" -> "Innings break"; an unknown status as it is."""
    try:
        return str(Match.Status(status).label)
    except ValueError:
        return status


@register.simple_tag
def status_labels_script() -> SafeString:
    """The labels as a JSON script element (#status-labels) for scores/scoreboard.js."""
    return json_script(
        {value: str(label) for value, label in Match.Status.choices}, "status-labels"
    )


@register.simple_tag
def player_name(info: MatchInfo | str, team: str, name: str) -> str:
    """A scorecard row's player name with its captain and keeper marks, from the page's
    snapshot match info (`snapshot.match`; a page without one gets the bare name)."""
    if not isinstance(info, dict):
        return name
    return selectors.player_name_marked(info=info, team=team, name=name)


@register.simple_tag
def dismissal(info: MatchInfo | str, team: str, text: str) -> str:
    """A batting row's dismissal with the fielding side's keeper marked (`team`: the bowling
    team), from the page's snapshot match info."""
    if not isinstance(info, dict):
        return text
    return selectors.dismissal_marked(info=info, team=team, dismissal=text)


SCORE_LINE = re.compile(r".+ \d+/\d+d? \([^)]*\)( \[SO\])?")
"""One innings in a summary line ("CSK 171/5 (15)"); scores/list.js has the same pattern."""


@register.filter
def summary_lines(summary: str) -> list[dict[str, str]]:
    """A match's summary line ("GT 214/4 (20) · CSK 171/5 (15) · CSK won ...") as the lines
    of a card: each innings a "score" line, the rest (equation, result) a "note"."""
    parts = [p.strip() for p in (summary or "not started").split(" · ") if p.strip()]
    return [{"kind": "score" if SCORE_LINE.fullmatch(p) else "note", "text": p} for p in parts]
