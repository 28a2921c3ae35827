"""Chat moderation in the admin: rooms, messages (deleted ones included) and mutes."""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib import admin
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest

from chat import services
from chat.models import Message, Mute, Room
from realtime.groups import chat_group


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

    @admin.action(description="Delete the selected messages for everyone (live)")
    def hide(self, request: HttpRequest, queryset: QuerySet[Message]) -> None:
        layer = get_channel_layer()
        assert isinstance(request.user, User)  # the admin is for staff users only
        for message in queryset.select_related("room"):
            services.message_delete(
                room=message.room, message_id=message.pk, moderator=request.user
            )
            async_to_sync(layer.group_send)(
                chat_group(message.room.slug),
                {"type": "chat.deleted", "id": message.pk, "room": message.room.slug},
            )


@admin.register(Mute)
class MuteAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "until", "created_by", "created_at")
    search_fields = ("user__username",)
    autocomplete_fields = ("user",)
