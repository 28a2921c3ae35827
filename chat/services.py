"""Writes of the chat app: rooms, posting (with its limits), deletion and mutes."""

from __future__ import annotations

from chat.models import Room


def room_ensure(*, slug: str, title: str) -> Room:
    """Return the room with this slug, creating it with `title` if it does not exist yet."""
    room, _ = Room.objects.get_or_create(slug=slug, defaults={"title": title})
    return room
