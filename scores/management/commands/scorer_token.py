"""manage.py scorer_token USERNAME: create an API token for the HTTP publish API, shown once."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from scores.services import tokens


class Command(BaseCommand):
    help = (
        "Create a scorer API token for USERNAME and print it (only its hash is stored, so this "
        "is the one time it is shown). Use it as `Authorization: Bearer <token>` (docs/api.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="what the token is for")
        parser.add_argument(
            "--create-user", action="store_true", help="create the user if it does not exist"
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="revoke the user's other tokens of the same --name first",
        )
        parser.add_argument("--revoke", metavar="PREFIX", help="revoke the token with this prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist:
            if not options["create_user"]:
                raise CommandError(f"no user {options['username']!r} (see --create-user)") from None
            user = User.objects.create(username=options["username"])
            user.set_unusable_password()
            user.save()
        if options["revoke"]:
            if not tokens.scorer_tokens_revoke(user=user, prefix=options["revoke"]):
                raise CommandError("no such token")
            self.stderr.write("revoked")
            return
        if options["replace"]:
            tokens.scorer_tokens_revoke(user=user, name=options["name"])
        _, raw = tokens.scorer_token_create(user=user, name=options["name"])
        self.stdout.write(raw)
