"""Who may be pushed to, on which device, about what; and every push sent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What a push is about; each may be switched off in a person's settings."""

    DIRECT = "direct", _("knocks and direct messages")
    MENTION = "mention", _("@mentions")
    REPLY = "reply", _("replies to me")
    URGENT = "urgent", _("urgent notices")
    CALLOUT = "callout", _("call-outs for me")
    DECISION = "decision", _("decisions on my applications")
    LETTER = "letter", _("letters")
    CASES = "cases", _("my cases, and deadlines passed on cases I handle")
    DIGEST = "digest", _("the daily digest")
    CLEAR = "clear", _("read elsewhere")  # tells a device to close what was read


class PushSubscription(models.Model):
    """One browser on one device that accepted pushes (the Push API's subscription)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)  # the browser's public key (base64url)
    auth = models.CharField(max_length=100)  # the shared auth secret (base64url)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0)  # in a row; reset by a success

    class Meta:
        indexes = [models.Index(fields=["user"], name="push_subscription_user")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.endpoint[:60]}"


class NotificationSettings(models.Model):
    """What one person wants to be told, and when not. Defaults: everything, no quiet
    hours, no digest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    direct = models.BooleanField(default=True)
    mention = models.BooleanField(default=True)
    reply = models.BooleanField(default=True)
    urgent = models.BooleanField(default=True)
    callout = models.BooleanField(default=True)
    decision = models.BooleanField(default=True)
    letter = models.BooleanField(default=True)
    cases = models.BooleanField(default=True)
    digest = models.BooleanField(default=False)
    # Nothing is pushed from quiet_start to quiet_end (the place's time zone; may wrap
    # midnight), except urgent notices.
    quiet_start = models.TimeField(null=True, blank=True)
    quiet_end = models.TimeField(null=True, blank=True)
    muted_conversations = models.JSONField(default=list, blank=True)  # conversation ids

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(quiet_start__isnull=True, quiet_end__isnull=True)
                    | models.Q(quiet_start__isnull=False, quiet_end__isnull=False)
                ),
                name="notification_quiet_hours_both_or_none",
            ),
        ]

    def __str__(self) -> str:
        return f"notification settings of {self.user_id}"


class Delivery(models.Model):
    """One push to one device. ``key`` names what it is about (a message, a notice …) so
    an event heard on several streams still reaches each device once."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        RETRY = "retry", _("waiting to retry")
        FAILED = "failed", _("failed")
        GONE = "gone", _("subscription expired")

    # Null once the subscription expired and was removed (the row still counts).
    subscription = models.ForeignKey(
        PushSubscription,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    key = models.CharField(max_length=80)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    payload = models.JSONField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscription", "key"], name="delivery_once"),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="delivery_status")]

    def __str__(self) -> str:
        return f"{self.key} → {self.subscription_id} ({self.status})"
