"""manage.py import_cricsheet FILE.json: a match (teams, players, setup) from a Cricsheet file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cricket import codec, cricsheet
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

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            setup, events = cricsheet.load(path)
        except IllegalEvent as exc:
            raise CommandError(str(exc)) from None
        source = f"cricsheet:{path.stem}"
        match = None
        if options["reuse"]:
            match = selectors.match_unfinished_from(source=source)
        if match is None:
            match = matches.match_create(
                setup=setup,
                title=options["title"],
                source=source,
                replay_events=[codec.event_to_dict(e) for e in events],
            )
            self.stderr.write(f"created match {match.id}: {match.title} ({len(events)} events)")
        if options["scorer"]:
            user, _ = get_user_model().objects.get_or_create(username=options["scorer"])
            matches.scorer_grant(user=user, match=match)
        self.stdout.write(str(match.id))
