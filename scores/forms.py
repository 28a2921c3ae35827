"""The form that sets up a new match in the browser: teams, playing XIs (with the captain and
keeper marked), format, toss, and where and when it is played.

The form checks what a person can get wrong in a text box (blank or repeated names, too many or
too few players); the engine's `MatchSetup.preset` then checks the cricket, and its reason is
shown as a form error. Nothing is created until both agree.
"""

from __future__ import annotations

from typing import Any

from django import forms

from cricket.conditions import PRESETS, TIE_BREAKS, Preset, preset_key
from cricket.cricsheet_info import MatchDetails
from cricket.errors import IllegalEvent
from cricket.setup import MatchSetup

NAME_MAX = 80
"""Team and player names; two team names and " v " fit the match title (200)."""
TITLE_MAX = 200
MIN_PLAYERS = 2
MAX_PLAYERS = 11
FORMAT_CHOICES = [(p.key, p.label) for p in PRESETS.values()]
SIDE_CHOICES = [("", "not decided"), ("home", "Home team"), ("away", "Away team")]
DECISION_CHOICES = [("", "–"), ("bat", "bat"), ("field", "field")]
OVERRIDES = (
    "overs",
    "balls_per_over",
    "max_overs_per_bowler",
    "max_balls_per_bowler",
    "max_consecutive_overs",
    "no_ball_runs",
    "match_days",
    "super_over_wickets",
)
"""Form fields that are Rules fields of the same name, left to the preset when blank."""
NO_BALL_CHOICES = [("", "the format's"), ("1", "1 run"), ("2", "2 runs")]
FREE_HIT_CHOICES = [
    ("", "the format's"),
    ("none", "no free hits"),
    ("every", "after every no-ball"),
    ("front_foot", "after a front-foot no-ball only"),
]
TIE_BREAK_LABELS = {
    "none": "a tie stands",
    "super_over": "one super over",
    "super_overs": "super overs until one is won",
    "boundary_count": "boundary count",
    "super_over_boundary_count": "a super over, then boundary count",
    "fewer_wickets": "fewer wickets lost",
}
TIE_BREAK_CHOICES = [("", "the format's")] + [(t, TIE_BREAK_LABELS[t]) for t in TIE_BREAKS]
IMPACT_CHOICES = [("", "the format's"), ("no", "no"), ("yes", "one per side")]


class PresetField(forms.ChoiceField):
    """The playing conditions' preset by key; the format names of the first release ("T20",
    "ODI", "Hundred", "Test") are still understood."""

    def to_python(self, value: Any) -> str:
        text = str(super().to_python(value))
        try:
            return preset_key(text) if text else text
        except IllegalEvent:
            return text  # not a preset: refused as an invalid choice


CAPTAIN_MARKS = ("(c)", "*")
KEEPER_MARKS = ("(wk)", "†", "(†)")
PLAYERS_HELP = (
    "One player per line, 2 to 11. Mark the captain (c) and the wicket-keeper (wk), "
    "e.g. “MS Dhoni (c) (wk)”."
)


def _roles(line: str) -> tuple[str, bool, bool]:
    """A line of a team sheet as (name, is captain, is keeper): marks may come in any order
    at the end or start of the name, e.g. "MS Dhoni (c) (wk)", "†WP Saha", "HH Pandya*"."""
    name, captain, keeper = " ".join(line.split()), False, False
    found = True
    while found:
        found = False
        for marks, role in ((CAPTAIN_MARKS, "c"), (KEEPER_MARKS, "wk")):
            for mark in marks:
                lower = name.casefold()
                if lower.endswith(mark) or lower.startswith(mark):
                    name = name[: -len(mark)] if lower.endswith(mark) else name[len(mark) :]
                    name = name.strip()
                    captain, keeper = captain or role == "c", keeper or role == "wk"
                    found = True
    return name, captain, keeper


def _players(text: str, team: str) -> tuple[list[str], str, str]:
    """One player per line, trimmed, blank lines skipped; 2 to 11 unique names; at most one
    captain and one keeper marked. Returns the names, the captain and the keeper ("" if none)."""
    lines = [_roles(line) for line in text.splitlines()]
    lines = [line for line in lines if line[0]]
    names = [name for name, _, _ in lines]
    too_long = [n for n in names if len(n) > NAME_MAX]
    if too_long:
        raise forms.ValidationError(
            f"{team}: player names are limited to {NAME_MAX} characters "
            f"({too_long[0][:20]}… is {len(too_long[0])})"
        )
    if not MIN_PLAYERS <= len(names) <= MAX_PLAYERS:
        raise forms.ValidationError(
            f"{team}: list {MIN_PLAYERS} to {MAX_PLAYERS} players, one per line "
            f"({len(names)} given)"
        )
    seen: set[str] = set()
    for name in names:
        if name.casefold() in seen:
            raise forms.ValidationError(f"{team}: {name} is listed twice")
        seen.add(name.casefold())
    captains = [name for name, captain, _ in lines if captain]
    keepers = [name for name, _, keeper in lines if keeper]
    for role, marked in (("captain", captains), ("wicket-keeper", keepers)):
        if len(marked) > 1:
            raise forms.ValidationError(
                f"{team}: mark one {role}, not {len(marked)} ({', '.join(marked)})"
            )
    return names, (captains or [""])[0], (keepers or [""])[0]


class MatchCreateForm(forms.Form):
    """A new match. Once valid, `cleaned_data["setup"]` holds the engine's MatchSetup and
    `cleaned_data["details"]` its context (competition, venue, date, captains, keepers)."""

    title = forms.CharField(
        max_length=TITLE_MAX,
        required=False,
        help_text="Optional; defaults to “Home v Away”.",
    )
    format = PresetField(choices=FORMAT_CHOICES, initial="t20", label="Playing conditions")
    overs = forms.IntegerField(
        min_value=1, max_value=200, required=False, label="Overs per innings",
        help_text="Leave blank for the format's own.",
    )  # fmt: skip
    balls_per_over = forms.IntegerField(
        min_value=1, max_value=12, required=False, label="Balls per over"
    )
    max_overs_per_bowler = forms.IntegerField(
        min_value=1, max_value=200, required=False, label="Max overs per bowler"
    )
    max_balls_per_bowler = forms.IntegerField(
        min_value=1, max_value=2400, required=False, label="Max balls per bowler"
    )
    max_consecutive_overs = forms.IntegerField(
        min_value=1, max_value=200, required=False, label="Overs a bowler may bowl in a row"
    )
    no_ball_runs = forms.TypedChoiceField(
        choices=NO_BALL_CHOICES, coerce=int, empty_value=None, required=False, label="No-ball"
    )
    free_hit = forms.ChoiceField(choices=FREE_HIT_CHOICES, required=False, label="Free hit")
    tie_break = forms.ChoiceField(choices=TIE_BREAK_CHOICES, required=False, label="A tie goes to")
    super_over_wickets = forms.IntegerField(
        min_value=1, max_value=10, required=False, label="Wickets in a super over"
    )
    match_days = forms.IntegerField(
        min_value=1, max_value=30, required=False, label="Days (two-innings matches)",
        help_text="Sets the follow-on margin (Law 14.1.1).",
    )  # fmt: skip
    impact_player = forms.ChoiceField(choices=IMPACT_CHOICES, required=False, label="Impact player")
    home = forms.CharField(max_length=NAME_MAX, label="Home team")
    away = forms.CharField(max_length=NAME_MAX, label="Away team")
    home_players = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 11}),
        label="Home playing XI",
        help_text=PLAYERS_HELP,
        max_length=MAX_PLAYERS * (NAME_MAX + 2) + 200,
    )
    away_players = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 11}),
        label="Away playing XI",
        help_text=PLAYERS_HELP,
        max_length=MAX_PLAYERS * (NAME_MAX + 2) + 200,
    )
    toss_winner = forms.ChoiceField(choices=SIDE_CHOICES, required=False, label="Toss won by")
    toss_decision = forms.ChoiceField(choices=DECISION_CHOICES, required=False, label="Chose to")
    competition = forms.CharField(
        max_length=200, required=False, help_text="e.g. County Championship 2026"
    )
    stage = forms.CharField(max_length=100, required=False, help_text="e.g. Final, Round 3")
    venue = forms.CharField(max_length=200, required=False, help_text="Ground and town")
    start_date = forms.DateField(
        required=False, label="Date", widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())

    def clean_home(self) -> str:
        return " ".join(self.cleaned_data["home"].split())

    def clean_away(self) -> str:
        return " ".join(self.cleaned_data["away"].split())

    def clean_home_players(self) -> list[str]:
        names, captain, keeper = _players(self.cleaned_data["home_players"], "Home playing XI")
        self.roles["home"] = (captain, keeper)
        return names

    def clean_away_players(self) -> list[str]:
        names, captain, keeper = _players(self.cleaned_data["away_players"], "Away playing XI")
        self.roles["away"] = (captain, keeper)
        return names

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.roles: dict[str, tuple[str, str]] = {}
        """"home"/"away" -> (captain, keeper) as marked in the playing XI."""

    def _clean_text(self, name: str) -> str:
        return " ".join(self.cleaned_data[name].split())

    def clean_competition(self) -> str:
        return self._clean_text("competition")

    def clean_stage(self) -> str:
        return self._clean_text("stage")

    def clean_venue(self) -> str:
        return self._clean_text("venue")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.errors:
            return data
        home, away = data["home"], data["away"]
        if home.casefold() == away.casefold():
            self.add_error("away", "The two teams need different names.")
            return data
        winner, decision = data.get("toss_winner") or None, data.get("toss_decision") or None
        if bool(winner) != bool(decision):
            self.add_error(
                "toss_decision", "Give both the toss winner and their decision, or neither."
            )
            return data
        overrides = _overrides(data)
        try:
            data["setup"] = MatchSetup.preset(
                data["format"],
                home=home,
                away=away,
                home_players=data["home_players"],
                away_players=data["away_players"],
                toss_winner={"home": home, "away": away}.get(winner or ""),
                toss_decision=decision,
                **overrides,
            )
        except IllegalEvent as exc:
            raise forms.ValidationError(str(exc)) from None
        (home_c, home_k), (away_c, away_k) = self.roles["home"], self.roles["away"]
        data["details"] = MatchDetails(
            competition=data.get("competition") or "",
            stage=data.get("stage") or "",
            venue=data.get("venue") or "",
            start_date=data["start_date"].isoformat() if data.get("start_date") else None,
            captains={t: n for t, n in ((home, home_c), (away, away_c)) if n},
            keepers={t: n for t, n in ((home, home_k), (away, away_k)) if n},
        )
        return data


def _overrides(data: dict[str, Any]) -> dict[str, Any]:
    """The Rules changes asked for on top of the preset (blank fields leave it as it is)."""
    changes = {k: data[k] for k in OVERRIDES if data.get(k) is not None}
    free_hit = data.get("free_hit")
    if free_hit:
        changes["free_hit"] = free_hit != "none"
        changes["free_hit_front_foot_only"] = free_hit == "front_foot"
    if data.get("tie_break"):
        changes["tie_break"] = data["tie_break"]
    if data.get("impact_player"):
        changes["impact_player"] = data["impact_player"] == "yes"
    return changes


def presets() -> list[Preset]:
    """The presets the form offers, in order (the page shows each one's summary)."""
    return list(PRESETS.values())
