"""Writes of the chat app: rooms, posting (with its limits), deletion and mutes.

Every refusal raises ChatRefused with a code and a reason, and stores nothing. The limits are
checked inside the transaction that stores the message, against the database, so they hold
across server processes.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from chat.models import Message, Mute, Room
from chat.selectors import iso, mute_until
from realtime.errors import Refused
from realtime.values import is_whole_number

MAX_MESSAGE_CHARS = 500
MAX_MUTE_MINUTES = 7 * 24 * 60
DEFAULT_RATE_LIMIT = (5, 10)


class ChatRefused(Refused):
    """A chat action was refused; `code`, `reason` and `extra` go into the client's error frame."""


def rate_limit() -> tuple[int, int]:
    """(messages, seconds): at most this many messages per user in any window of that length."""
    count, seconds = getattr(settings, "CHAT_RATE_LIMIT", DEFAULT_RATE_LIMIT)
    return int(count), int(seconds)


def room_ensure(*, slug: str, title: str) -> Room:
    """Return the room with this slug, creating it with `title` if it does not exist yet."""
    room, _ = Room.objects.get_or_create(slug=slug, defaults={"title": title})
    return room


def _clean_body(body: object) -> str:
    if not isinstance(body, str) or not body.strip():
        raise ChatRefused("empty_message", "a message needs some text")
    text = body.strip()
    if len(text) > MAX_MESSAGE_CHARS:
        raise ChatRefused(
            "message_too_long", f"messages are limited to {MAX_MESSAGE_CHARS} characters"
        )
    if "\x00" in text:  # PostgreSQL cannot store NUL; refuse it on every database alike
        raise ChatRefused("invalid_message", "messages may not contain NUL characters")
    return text


MAX_CLIENT_ID_CHARS = 64


def _clean_client_id(client_id: object) -> str | None:
    if client_id is None:
        return None
    if (
        not isinstance(client_id, str)
        or not 0 < len(client_id) <= MAX_CLIENT_ID_CHARS
        or not client_id.isprintable()
    ):
        raise ChatRefused(
            "invalid_message", f"'id' must be a string of 1 to {MAX_CLIENT_ID_CHARS} characters"
        )
    return client_id


def message_post(*, room: Room, author: User, body: object, client_id: object = None) -> Message:
    """Store a message after checking its text, the author's mute and the rate limit.

    With a `client_id`, posting is idempotent: the author's message already stored under that id
    is returned as it is (nothing stored, nothing counted), so a client may safely send a message
    again when it could not tell whether the first try was stored.
    """
    if not author.is_authenticated:
        raise ChatRefused("login_required", "log in to post; anonymous fans may only read")
    client_key = _clean_client_id(client_id)
    text = _clean_body(body)
    limit, seconds = rate_limit()
    with transaction.atomic():
        # Serialise one author's posts (PostgreSQL row lock; SQLite transactions are IMMEDIATE),
        # so two processes cannot both pass the count below, nor store one client id twice.
        get_user_model().objects.select_for_update().filter(pk=author.pk).exists()
        if client_key is not None:
            stored = Message.objects.filter(author=author, client_id=client_key).first()
            if stored is not None:
                if stored.room_id != room.pk:
                    raise ChatRefused(
                        "invalid_message", "that 'id' names a message of another room"
                    )
                return stored
        now = timezone.now()
        until = mute_until(user=author, now=now)
        if until is not None:
            raise ChatRefused(
                "muted", f"a moderator muted you until {iso(until)}", until=iso(until)
            )
        recent = Message.objects.filter(
            author=author, created_at__gt=now - timedelta(seconds=seconds)
        ).count()
        if recent >= limit:
            raise ChatRefused(
                "rate_limited",
                f"at most {limit} messages every {seconds} seconds; wait a moment",
                retry_after=seconds,
            )
        return Message.objects.create(
            room=room, author=author, body=text, client_id=client_key, created_at=now
        )


def _require_staff(user: User) -> None:
    if not (user.is_authenticated and getattr(user, "is_staff", False)):
        raise ChatRefused("not_staff", "only staff moderators may do that")


def message_delete(*, room: Room, message_id: object, moderator: User) -> Message:
    """Hide a message of this room from everyone (soft delete); staff only."""
    _require_staff(moderator)
    if not is_whole_number(message_id):
        raise ChatRefused("invalid_message", "'id' must be a message id (an integer)")
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(room=room, pk=message_id).first()
        if message is None:
            raise ChatRefused("not_found", f"no message {message_id} in this room")
        if message.deleted_at is None:
            message.deleted_at = timezone.now()
            message.deleted_by = moderator  # type: ignore[assignment]
            message.save(update_fields=["deleted_at", "deleted_by"])
    return message


def user_mute(*, username: object, minutes: object, moderator: User) -> Mute | None:
    """Stop a user posting for `minutes` (0 lifts any mute); staff only. Returns the mute."""
    _require_staff(moderator)
    if not isinstance(username, str) or not username:
        raise ChatRefused("invalid_message", "'username' must be a user's name")
    if not is_whole_number(minutes) or not 0 <= minutes <= MAX_MUTE_MINUTES:
        raise ChatRefused(
            "invalid_message", f"'minutes' must be a whole number from 0 to {MAX_MUTE_MINUTES}"
        )
    # No user name holds a NUL (and PostgreSQL refuses one in a query): nobody to look up.
    user = (
        None if "\x00" in username else get_user_model().objects.filter(username=username).first()
    )
    if user is None:
        raise ChatRefused("not_found", f"no user named {username!r}")
    if user.pk == moderator.pk:
        raise ChatRefused("invalid_message", "you cannot mute yourself")
    now = timezone.now()
    with transaction.atomic():
        Mute.objects.filter(user=user, until__gt=now).update(until=now)
        if minutes == 0:
            return None
        return Mute.objects.create(
            user=user, until=now + timedelta(minutes=minutes), created_by=moderator
        )
