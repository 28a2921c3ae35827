"""Everything of the scores app in the Django admin; the log is read-only (append-only)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

from scores.models import LogEntry, Match, Player, Scorer, ScorerToken, Team
from scores.services import matches, tokens


class PlayerInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Player
    extra = 0


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "short_name"]
    search_fields = ["name"]
    inlines = [PlayerInline]


@admin.register(Player)
class PlayerAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "team"]
    list_filter = ["team"]
    search_fields = ["name"]


class ScorerInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Scorer
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Match)
class MatchAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "id",
        "title",
        "competition",
        "start_date",
        "status",
        "seq",
        "summary",
        "updated",
    ]
    list_filter = ["status", "format"]
    search_fields = ["title", "competition", "venue"]
    readonly_fields = ["seq", "status", "summary", "created", "updated"]
    inlines = [ScorerInline]
    actions = ["refresh_status"]

    @admin.action(description="Recompute status and summary from the log")
    def refresh_status(self, request: HttpRequest, queryset: Any) -> None:
        for match in queryset:
            matches.match_status_refresh(match=match)
        self.message_user(request, f"refreshed {queryset.count()} match(es)")


@admin.register(LogEntry)
class LogEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Append-only: entries are written by the scoring service and never changed here."""

    list_display = ["match", "seq", "kind", "author", "created"]
    list_filter = ["kind"]
    search_fields = ["match__title"]
    readonly_fields = [
        "match",
        "seq",
        "kind",
        "payload",
        "frame",
        "commentary",
        "author",
        "created",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Scorer)
class ScorerAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["user", "match", "created"]
    autocomplete_fields = ["user", "match"]


@admin.register(ScorerToken)
class ScorerTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Adding a token shows its text once (in the success message); only its hash is kept."""

    list_display = ["prefix", "user", "name", "created", "last_used", "revoked"]
    list_filter = ["revoked"]
    search_fields = ["user__username", "name", "prefix"]
    fields = ["user", "name", "prefix", "created", "last_used", "revoked"]
    readonly_fields = ["prefix", "created", "last_used", "revoked"]
    autocomplete_fields = ["user"]
    actions = ["revoke"]

    def save_model(self, request: HttpRequest, obj: ScorerToken, form: Any, change: bool) -> None:
        if change:
            obj.save(update_fields=["name"])
            return
        token, raw = tokens.scorer_token_create(user=obj.user, name=obj.name)
        obj.pk, obj.prefix, obj.digest, obj.created = (
            token.pk,
            token.prefix,
            token.digest,
            token.created,
        )
        self.message_user(
            request,
            f"Token for {obj.user}: {raw}  (copy it now: it is not stored and will not be shown"
            " again)",
            messages.WARNING,
        )

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        for token in queryset:
            tokens.scorer_token_revoke(token=token)
        self.message_user(request, "revoked")
