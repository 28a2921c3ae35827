"""manage.py import_cricsheet FILE.json: a match (teams, players, setup and its context: event,
venue, dates, toss, player of the match) from a Cricsheet file."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cricket import codec, cricsheet, cricsheet_info
from cricket.errors import IllegalEvent
from scores import selectors
from scores.services import matches


class Command(BaseCommand):
    help = (
        "Create a match from a Cricsheet JSON file (https://cricsheet.org): its teams, players "
        "and setup, ready to score from the first ball. The file's events are kept with the "
        "match so that `replay_match` can score them ball by ball. Prints the new match id."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="a Cricsheet match file (JSON)")
        parser.add_argument("--title", help="match title (default: 'Home v Away')")
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="if an unfinished match from the same file exists, print its id instead",
        )
        parser.add_argument("--scorer", help="username to give scorer rights (created if new)")
        parser.add_argument(
            "--captain",
            action="append",
            default=[],
            metavar="TEAM=PLAYER",
            help="a team's captain (Cricsheet files do not say); repeat for the other team",
        )
        parser.add_argument(
            "--keeper",
            action="append",
            default=[],
            metavar="TEAM=PLAYER",
            help="a team's wicket-keeper (Cricsheet files do not say); repeat for the other team",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            setup, events = cricsheet.load(path)
            details = cricsheet_info.details(path)
        except IllegalEvent as exc:
            raise CommandError(str(exc)) from None
        details = dataclasses.replace(
            details,
            captains={**details.captains, **_pairs(options["captain"], "--captain")},
            keepers={**details.keepers, **_pairs(options["keeper"], "--keeper")},
        )
        source = f"cricsheet:{path.stem}"
        match = None
        if options["reuse"]:
            match = selectors.match_unfinished_from(source=source)
        if match is None:
            try:
                match = matches.match_create(
                    setup=setup,
                    title=options["title"],
                    source=source,
                    replay_events=[codec.event_to_dict(e) for e in events],
                    details=details,
                )
            except IllegalEvent as exc:
                raise CommandError(str(exc)) from None
            self.stderr.write(f"created match {match.id}: {match.title} ({len(events)} events)")
        if options["scorer"]:
            user, _ = get_user_model().objects.get_or_create(username=options["scorer"])
            matches.scorer_grant(user=user, match=match)
        self.stdout.write(str(match.id))


def _pairs(given: list[str], option: str) -> dict[str, str]:
    """TEAM=PLAYER options as {team: player}."""
    found = {}
    for text in given:
        team, sep, player = text.partition("=")
        if not sep or not team.strip() or not player.strip():
            raise CommandError(f"{option} takes TEAM=PLAYER, not {text!r}")
        found[" ".join(team.split())] = " ".join(player.split())
    return found
