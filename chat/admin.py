"""Chat moderation in the admin: rooms, messages (deleted ones included) and mutes."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from chat.models import Message, Mute, Room


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("slug", "title", "created_at")
    search_fields = ("slug", "title")


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("id", "room", "author", "body", "created_at", "deleted_at")
    list_filter = ("room", ("deleted_at", admin.EmptyFieldListFilter))
    search_fields = ("body", "author__username")
    list_select_related = ("room", "author")
    readonly_fields = ("room", "author", "body", "created_at", "deleted_at", "deleted_by")
    actions = ["hide"]

    @admin.action(description="Hide the selected messages (not live: use the chat panel)")
    def hide(self, request: HttpRequest, queryset: QuerySet[Message]) -> None:
        queryset.filter(deleted_at__isnull=True).update(
            deleted_at=timezone.now(), deleted_by=request.user
        )


@admin.register(Mute)
class MuteAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "until", "created_by", "created_at")
    search_fields = ("user__username",)
    autocomplete_fields = ("user",)
