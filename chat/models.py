"""Chat rooms (one per match plus the lobby), their messages, moderators' mutes, and the log-in
attempts that throttle password guessing (the fans' accounts live in this app)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Room(models.Model):
    """A chat room, addressed by its slug: `lobby`, or `match-<id>` for a match's room."""

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.title or self.slug


class Message(models.Model):
    """One posted message. Deletion by a moderator is soft: the row stays for the record."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_messages"
    )
    body = models.TextField()
    # NULL, not "": posts without an id must not collide in the unique constraint below.
    client_id = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    """The poster's own id for this message: a retry with the same id stores nothing twice."""
    created_at = models.DateTimeField(db_index=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["id"]
        indexes = [
            # History pages: newest visible messages of a room before an id.
            models.Index(fields=["room", "id"], name="chat_msg_room_id"),
            # Rate limit: one author's recent messages.
            models.Index(fields=["author", "created_at"], name="chat_msg_author_time"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "client_id"],
                condition=models.Q(client_id__isnull=False),
                name="chat_msg_author_client_id",
            )
        ]

    def __str__(self) -> str:
        return f"{self.author_id}@{self.room_id}: {self.body[:40]}"


class Mute(models.Model):
    """A user may not post anywhere until `until` (site-wide, set by a staff moderator)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_mutes"
    )
    until = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["user", "until"], name="chat_mute_user_until")]

    def __str__(self) -> str:
        return f"{self.user_id} muted until {self.until:%Y-%m-%d %H:%M}"


class LoginAttempt(models.Model):
    """A log-in attempt not proven good, counted against its account and its client address.

    Written before the password is checked and deleted when it succeeds, so that attempts made
    at the same moment, on any server process, count against each other (chat.logins).
    """

    username = models.CharField(max_length=150)
    address = models.CharField(max_length=64)
    at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["username", "at"], name="chat_login_user_at"),
            models.Index(fields=["address", "at"], name="chat_login_addr_at"),
            models.Index(fields=["at"], name="chat_login_at"),
        ]

    def __str__(self) -> str:
        return f"{self.username} from {self.address} at {self.at:%Y-%m-%d %H:%M:%S}"


class PasswordResetRequest(models.Model):
    """A password-reset request, counted against its email address and its client address.

    Written before the email is sent, so that requests made at the same moment, on any server
    process, count against each other (chat.resets).
    """

    email = models.CharField(max_length=254)
    address = models.CharField(max_length=64)
    at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["email", "at"], name="chat_reset_email_at"),
            models.Index(fields=["address", "at"], name="chat_reset_addr_at"),
            models.Index(fields=["at"], name="chat_reset_at"),
        ]

    def __str__(self) -> str:
        return f"{self.email} from {self.address} at {self.at:%Y-%m-%d %H:%M:%S}"
