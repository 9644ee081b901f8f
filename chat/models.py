"""Conversations, messages and letters (the event log is realtime's: realtime/models.py)."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Conversation(models.Model):
    """An estate group, a topic group or a one-to-one "knock on the door" conversation."""

    class Kind(models.TextChoices):
        ESTATE = "estate", _("estate group")
        TOPIC = "topic", _("topic group")
        DIRECT = "direct", _("knock on the door")

    kind = models.CharField(max_length=8, choices=Kind.choices)
    # The estate of an estate group; the community of a topic group or a knock.
    place = models.ForeignKey(
        "communities.Place", on_delete=models.PROTECT, related_name="conversations"
    )
    title = models.CharField(_("title"), max_length=60, blank=True)
    description = models.CharField(_("description"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Topic groups proposed by residents wait for the committee before they open.
    approved = models.BooleanField(default=True)
    locked = models.BooleanField(_("locked"), default=False)
    # For knocks: "min(user id):max(user id)", so one pair has one conversation.
    direct_key = models.CharField(max_length=40, null=True, blank=True)  # noqa: DJ001

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["place"], condition=Q(kind="estate"), name="conversation_one_per_estate"
            ),
            models.UniqueConstraint(fields=["direct_key"], name="conversation_direct_pair"),
            models.CheckConstraint(
                condition=Q(kind="direct") | Q(direct_key__isnull=True),
                name="conversation_direct_key_only_direct",
            ),
        ]
        indexes = [models.Index(fields=["place", "kind"], name="conversation_place_kind")]

    def __str__(self) -> str:
        return self.title or f"{self.kind} {self.pk}"


class Participant(models.Model):
    """A person in a topic group or a knock conversation (estate groups follow memberships)."""

    class Role(models.TextChoices):
        MEMBER = "member", _("member")
        ADMIN = "admin", _("group admin")

    class Status(models.TextChoices):
        PENDING = "pending", _("applied")
        ACTIVE = "active", _("member")
        LEFT = "left", _("left")
        REMOVED = "removed", _("removed")
        REJECTED = "rejected", _("rejected")

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_participations"
    )
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    joined_at = models.DateTimeField(auto_now_add=True)
    # What an applicant to a topic group wrote to its admins.
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "user"], name="participant_unique"),
        ]
        indexes = [models.Index(fields=["user", "status"], name="participant_user_status")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.conversation_id} ({self.status})"


class Moderated(models.TextChoices):
    HIDDEN = "hidden", _("hidden by a moderator")
    REMOVED = "removed", _("removed by a moderator")


class Message(models.Model):
    """One message; its id orders the conversation."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="chat_messages"
    )
    # Chosen by the sending client; a retried send with the same id is the same message.
    client_id = models.CharField(max_length=64)
    body = models.TextField()
    reply_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    mentions = models.JSONField(default=list, blank=True)  # user ids
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Set by a moderator: hidden or removed messages leave everyone's history except the
    # moderators', who see them marked; restoring clears the three fields.
    moderated = models.CharField(max_length=8, choices=Moderated.choices, blank=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    pinned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["author", "client_id"], name="message_client_id"),
        ]
        indexes = [
            # "A page of history before id X" and "everything after id X".
            models.Index(fields=["conversation", "-id"], name="message_conversation_id"),
        ]

    def __str__(self) -> str:
        return f"{self.pk}: {self.body[:30]}"


def private_storage() -> Storage:
    """Where chat's files live: ``STORAGES["private"]``, outside MEDIA_ROOT, so only
    the view that checks the reader sends them."""
    return storages["private"]


class Attachment(models.Model):
    """A photo or a PDF for a message. Uploaded into a conversation, it is its uploader's
    alone until a message of theirs there carries it; then it is the message's, fetched
    by whoever may read that message (``chat.selectors.attachment_for``)."""

    class Kind(models.TextChoices):
        IMAGE = "image", _("photo")
        FILE = "file", _("PDF file")

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    # Checked (and, for photos, re-encoded without metadata) by communities.uploads.
    file = models.FileField(upload_to="chat/files/", storage=private_storage)
    thumbnail = models.FileField(upload_to="chat/thumbs/", storage=private_storage, blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    # A PDF's name as uploaded (made safe), shown and used for the download.
    name = models.CharField(max_length=200, blank=True)
    size = models.PositiveIntegerField(default=0)  # bytes of the stored file
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        indexes = [
            # What the daily prune looks for: uploads never sent.
            models.Index(
                fields=["created_at"],
                condition=Q(message__isnull=True),
                name="attachment_unsent",
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.file.name


class MessageLike(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="likes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message", "user"], name="like_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} likes {self.message_id}"


class ReadMark(models.Model):
    """How far a person has read a conversation."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="+")
    last_read_id = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "conversation"], name="readmark_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.conversation_id} to {self.last_read_id}"


class ChatSettings(models.Model):
    """A person's privacy choices for chat."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_settings"
    )
    # Refuse knocks from people I have never talked to.
    refuse_strangers = models.BooleanField(default=False)
    hide_presence = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"chat settings of {self.user_id}"


class Block(models.Model):
    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"


class Letter(models.Model):
    """Asynchronous mail to a neighbour or to a community's committee."""

    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="letters_sent"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letters_received",
    )
    # A letter to the committee: any committee member of this community may read it.
    committee = models.ForeignKey(
        "communities.Place", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject = models.CharField(_("subject"), max_length=100)
    body = models.TextField(_("body"))
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(recipient__isnull=False) & Q(committee__isnull=True))
                | (Q(recipient__isnull=True) & Q(committee__isnull=False)),
                name="letter_one_addressee",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-id"], name="letter_recipient"),
            models.Index(fields=["committee", "-id"], name="letter_committee"),
            models.Index(fields=["sender", "-id"], name="letter_sender"),
        ]

    def __str__(self) -> str:
        return self.subject
