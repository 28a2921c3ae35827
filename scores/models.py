"""Matches, their append-only scoring log, and who may score them (in person or by API token)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class Team(models.Model):
    """A side, by name (unique); its players are listed per match in the match setup."""

    name = models.CharField(max_length=120, unique=True)
    short_name = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Player(models.Model):
    """A player known to have played for a team."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="players")
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["team", "name"]
        constraints = [
            models.UniqueConstraint(fields=["team", "name"], name="scores_player_team_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.team})"


class Match(models.Model):
    """One match: its engine setup, where scoring has got to (`seq`) and a cached summary line."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        LIVE = "live", "Live"
        INNINGS_BREAK = "innings_break", "Innings break"
        FINISHED = "finished", "Finished"

    title = models.CharField(max_length=200)
    home = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="home_matches")
    away = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="away_matches")
    format = models.CharField(max_length=40, blank=True)
    setup = models.JSONField(help_text="cricket.codec.setup_to_dict(...) of the match setup")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    seq = models.PositiveIntegerField(default=0, help_text="seq of the last log entry")
    summary = models.CharField(max_length=300, blank=True)
    source = models.CharField(
        max_length=200, blank=True, help_text="where the match came from, e.g. cricsheet:1370353"
    )
    replay_events = models.JSONField(
        null=True, blank=True, help_text="engine event dicts of an imported match, for replay"
    )
    # Match context that fans read but the engine does not need (the toss is in `setup`).
    competition = models.CharField(
        max_length=200, blank=True, help_text="e.g. Indian Premier League 2023"
    )
    stage = models.CharField(max_length=100, blank=True, help_text="e.g. Final, 2nd Test")
    venue = models.CharField(max_length=200, blank=True, help_text="ground and city")
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(
        null=True, blank=True, help_text="last day of a match of more than one day"
    )
    player_of_match = models.CharField(max_length=200, blank=True)
    umpires = models.CharField(max_length=200, blank=True, help_text="on-field umpires")
    home_captain = models.CharField(max_length=120, blank=True)
    home_keeper = models.CharField(max_length=120, blank=True, help_text="wicket-keeper")
    away_captain = models.CharField(max_length=120, blank=True)
    away_keeper = models.CharField(max_length=120, blank=True, help_text="wicket-keeper")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name_plural = "matches"
        indexes = [models.Index(fields=["status", "-updated"], name="scores_match_status")]

    def __str__(self) -> str:
        return self.title

    @property
    def teams(self) -> list[str]:
        setup: dict[str, Any] = self.setup
        return [setup["home"]["name"], setup["away"]["name"]]


class LogEntry(models.Model):
    """One scorer command, in order: never updated or deleted (undo and edits are entries too).

    `frame` is the fan message for this seq, rendered once when the entry was written; resuming
    fans are sent exactly these texts.
    """

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="log")
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=40)
    payload = models.JSONField(help_text="the scorer command (an engine event dict, undo or edit)")
    frame = models.TextField(help_text="the JSON text every fan received for this seq")
    commentary = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    command_id = models.CharField(  # noqa: DJ001 (NULL: no id, outside the unique index)
        max_length=100,
        null=True,
        blank=True,
        help_text="the client's id for the command (socket `id`, HTTP Idempotency-Key): "
        "a retry with it gets this entry's answer instead of a second entry",
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["match", "seq"]
        verbose_name_plural = "log entries"
        constraints = [
            models.UniqueConstraint(fields=["match", "seq"], name="scores_logentry_match_seq"),
            # The unique index is also what stops two racing retries storing twice.
            models.UniqueConstraint(
                fields=["match", "command_id"],
                condition=models.Q(command_id__isnull=False),
                name="scores_logentry_match_command_id",
            ),
        ]

    def __str__(self) -> str:
        return f"match {self.match_id} #{self.seq} {self.kind}"


class Scorer(models.Model):
    """The right of one user to score one match."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scorer_rights"
    )
    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="scorers")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "match"], name="scores_scorer_user_match")
        ]

    def __str__(self) -> str:
        return f"{self.user} scores {self.match}"


class ScorerToken(models.Model):
    """An API token of a scorer for the HTTP publish API: only its sha256 digest is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scorer_tokens"
    )
    name = models.CharField(max_length=100, blank=True, help_text="what the token is for")
    prefix = models.CharField(max_length=12, help_text="the token's first characters, to tell it")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)
    revoked = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user}{', revoked' if self.revoked else ''})"
