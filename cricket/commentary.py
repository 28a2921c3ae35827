"""Ball-by-ball commentary: one line per event, written as the event is applied.

`cricket.Match` applies every event through `step`, so its commentary stays aligned with its
events through undo and edits (a replay rewrites the lines it replays) with no second pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from cricket import events as ev
from cricket.apply import apply_event
from cricket.state import Innings, MatchState, overs_text

BallKind = Literal["dot", "runs", "four", "six", "extra", "wicket", "event"]
"""How a ball looks in an over or the commentary: the CSS class of its chip."""


def ball_kind(label: str | None) -> BallKind:
    """The kind of a ball from its label ("4", "1lb", "2wd", "nb+1", "W", "1 W", "0 +5p");
    "event" for something that is not a ball. The one rule: pages and clients use its output."""
    if not label:
        return "event"
    if label == "W" or " W" in label:
        return "wicket"
    if label in ("4", "6"):
        return "four" if label == "4" else "six"
    if any(extra in label for extra in ("wd", "nb", "b", "p")):
        return "extra"
    return "dot" if label == "0" else "runs"


@dataclass(frozen=True)
class Line:
    """What the commentary says of one event: where in the match, the ball's label (None for an
    event that is not a ball), its kind and a description ("Chahar to Saha, FOUR")."""

    innings: int | None
    over: str | None
    label: str | None
    kind: BallKind
    description: str
    # On the last ball of an over: "End of over 2: 4 runs, GT 8/0, Saha 4 (7), Chahar 1-0-4-0".
    summary: str | None = None


def step(state: MatchState, event: ev.Event) -> Line:
    """Apply `event` to `state` (IllegalEvent leaves it unchanged) and describe it."""
    inn = state.live
    if isinstance(event, ev.Delivery) and inn is not None:
        striker = event.striker or inn.striker
        bowler = event.bowler or inn.bowler
        over = f"{inn.overs}.{inn.balls + 1}"
        overs_before = inn.overs
        apply_event(state, event)
        labels = inn.this_over or inn.last_over
        label = labels[-1] if labels else None
        return Line(
            innings=inn.number,
            over=over,
            label=label,
            kind=ball_kind(label),
            description=f"{bowler} to {striker}, {delivery_words(event)}",
            summary=over_summary(state, inn) if inn.overs > overs_before else None,
        )
    apply_event(state, event)
    now = state.live or (state.innings[-1] if state.innings else None)
    return Line(
        innings=now.number if now else None,
        over=now.overs_display if now else None,
        label=None,
        kind="event",
        description=describe(event),
    )


def over_summary(state: MatchState, inn: Innings) -> str:
    """The line after an over, e.g. "End of over 2: 4 runs, GT 8/0, Saha 4 (7), Chahar 1-0-4-0"."""
    runs, wickets, bowler = inn.over_log[-1]
    parts = [f"End of over {inn.overs}: {_plural(runs, 'run')}"]
    if wickets:
        parts[0] += f", {_plural(wickets, 'wicket')}"
    short = state.setup.team(inn.batting).short
    parts.append(f"{short} {inn.runs}/{inn.wickets}")
    for name in (inn.striker, inn.non_striker):
        card = inn.batters.get(name) if name else None
        if card is not None:
            parts.append(f"{card.name} {card.runs} ({card.balls})")
    bc = inn.bowlers.get(bowler)
    if bc is not None:
        bpo = state.setup.rules.balls_per_over
        overs = overs_text(bc.balls // bpo, bc.balls % bpo)
        parts.append(f"{bc.name} {overs}-{bc.maidens}-{bc.runs}-{bc.wickets}")
    return ", ".join(parts)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def delivery_words(d: ev.Delivery) -> str:
    """What happened on a ball, e.g. "OUT (caught)", "FOUR", "2 runs, 1 no ball"."""
    words = []
    if d.wickets:
        words.append("OUT (" + ", ".join(w.kind for w in d.wickets) + ")")
    if d.wides:
        words.append(_plural(d.wides, "wide"))
    if d.noballs:
        words.append("no ball")
    if d.boundary is not False and d.runs in (4, 6):
        words.append("FOUR" if d.runs == 4 else "SIX")
    elif d.runs:
        words.append(_plural(d.runs, "run"))
    if d.byes:
        words.append(_plural(d.byes, "bye"))
    if d.legbyes:
        words.append(_plural(d.legbyes, "leg bye"))
    if d.penalty:
        words.append(f"{d.penalty} penalty")
    return ", ".join(words) or "no run"


def describe(event: ev.Event) -> str:
    """A line for an event that is not a ball (or a ball with no innings to place it in)."""
    match event:
        case ev.StartInnings(batting=batting, super_over=super_over):
            return f"{batting or 'the next side'} to bat" + (" (super over)" if super_over else "")
        case ev.NewBatter(player=player):
            return f"{player} comes in"
        case ev.NewBowler(bowler=bowler):
            return f"{bowler} to bowl"
        case ev.Retirement(player=player, reason=reason):
            return f"{player} retires {reason}"
        case ev.TimedOut(player=player):
            return f"{player} timed out"
        case ev.Absent(player=player, reason=reason):
            return f"{player} absent {reason}"
        case ev.Substitute(team=team, player_in=player_in, player_out=player_out):
            return f"{player_in} on for {player_out} ({team})"
        case ev.PenaltyRuns(team=team, runs=runs):
            return f"{_plural(runs, 'penalty run')} to {team}"
        case ev.RevisedTarget(runs=runs, overs=overs, method=method, par=par):
            parts = [f"target {runs}" if runs is not None else ""]
            parts.append(f"{overs} overs" if overs is not None else "")
            parts.append("with a par table" if par is not None else "")
            return f"revised ({method}): " + ", ".join(p for p in parts if p)
        case ev.Result(text=text, outcome=result):
            return text or f"result: {result}"
    text = ev.kind_of(event).replace("_", " ")
    reason = getattr(event, "reason", "")
    return f"{text} ({reason})" if reason else text
