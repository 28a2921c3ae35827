"""Reads of the chat app: rooms, history pages, the client payload of a message, mutes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.contrib.auth.models import User

from chat.models import Message, Mute, Room

HISTORY_PAGE = 50


def iso(moment: datetime) -> str:
    """ISO 8601 in UTC with a Z, to the millisecond: the `ts` of every chat frame."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def room_get(*, slug: str) -> Room | None:
    """The room with this slug, or None."""
    return Room.objects.filter(slug=slug).first()


def message_payload(message: Message) -> dict[str, Any]:
    """A message as clients see it (the keys of a `chat.message` frame, without `type`)."""
    return {
        "id": message.pk,
        "room": message.room.slug,
        "username": message.author.get_username(),
        "message": message.body,
        "ts": iso(message.created_at),
    }


def history_page(
    *, room: Room, before: int | None = None, limit: int = HISTORY_PAGE
) -> tuple[list[dict[str, Any]], bool]:
    """The `limit` newest visible messages older than id `before` (oldest first), and whether
    there are more before them."""
    query = Message.objects.filter(room=room, deleted_at__isnull=True)
    if before is not None:
        query = query.filter(pk__lt=before)
    rows = list(query.select_related("author", "room").order_by("-pk")[: limit + 1])
    has_more = len(rows) > limit
    return [message_payload(m) for m in reversed(rows[:limit])], has_more


def mute_until(*, user: User, now: datetime) -> datetime | None:
    """When the user's longest active mute ends, or None when they may post."""
    mute = Mute.objects.filter(user=user, until__gt=now).order_by("-until").first()
    return mute.until if mute else None
