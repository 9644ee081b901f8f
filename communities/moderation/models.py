"""Moderation of a community: reports, the word filter, mutes and suspensions, who is
handling which console item, the party secretary's gatekeeping, and the audit log."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import Place


class TargetKind(models.TextChoices):
    """What a report, a claim or a gate points at (``target_id`` is its primary key)."""

    MESSAGE = "message", _("chat message")
    POST = "post", _("board post")
    COMMENT = "comment", _("comment")
    APPLICATION = "application", _("join application")
    TOPIC_PROPOSAL = "topic_proposal", _("topic group proposal")
    TOPIC_APPLICATION = "topic_application", _("topic group application")
    LETTER = "letter", _("letter to the committee")
    REPORT = "report", _("report")
    CONVERSATION = "conversation", _("conversation")
    MEMBERSHIP = "membership", _("membership")
    USER = "user", _("member")
    WORD_FILTER = "word_filter", _("word filter")
    DELEGATION = "delegation", _("delegation")
    REPORT_IN = "report_in", _("party report-in")
    CASE = "case", _("case (things nearby)")


class AuditAction(models.TextChoices):
    HIDE = "hide", _("hid")
    REMOVE = "remove", _("removed")
    RESTORE = "restore", _("restored")
    PIN = "pin", _("pinned")
    UNPIN = "unpin", _("unpinned")
    LOCK = "lock", _("locked")
    UNLOCK = "unlock", _("unlocked")
    MUTE = "mute", _("muted")
    UNMUTE = "unmute", _("unmuted")
    SUSPEND = "suspend", _("suspended")
    UNSUSPEND = "unsuspend", _("lifted a suspension")
    REVOKE = "revoke", _("revoked a membership")
    APPROVE = "approve", _("approved")
    REJECT = "reject", _("rejected")
    DISMISS = "dismiss", _("dismissed a report")
    FILTER = "filter", _("changed the word filter")
    REFER = "refer", _("referred to the party secretary")
    DELEGATE = "delegate", _("delegated gatekeeping")
    UNDELEGATE = "undelegate", _("ended a delegation")
    # Cases moving between the tiers (docs/cases.md).
    ESCALATE = "escalate", _("escalated a case")
    ASSIGN = "assign", _("assigned a case to an office")
    REFER_CASE = "refer_case", _("referred a case to a department")
    HAND_OFF = "hand_off", _("handed a case to the city grid platform")
    SEND_BACK = "send_back", _("sent a case back")
    MERGE = "merge", _("merged a case into another")
    URGE = "urge", _("urged a case (督办)")


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise PermissionError("the audit log cannot be changed")

    def delete(self) -> NoReturn:
        raise PermissionError("the audit log cannot be changed")


class AuditEntry(models.Model):
    """One moderation action: who did what to what, when, why, and the state before/after.

    Written in the transaction of the action it records. Nobody can change or delete an
    entry: the model refuses, and on the database a trigger refuses UPDATE and DELETE
    (migration 0002), so not even a raw query or the admin can.
    """

    community = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=16, choices=AuditAction.choices)
    target_kind = models.CharField(max_length=20, choices=TargetKind.choices)
    target_id = models.BigIntegerField()
    # Whose content or standing the action touched, when it was a person's.
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=500, blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["community", "-id"], name="audit_community_id"),
            models.Index(fields=["target_kind", "target_id"], name="audit_target"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.action} {self.target_kind} {self.target_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("the audit log cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError("the audit log cannot be changed")


class Report(models.Model):
    """Residents' reports of one message, post or comment: one row per item while it is
    open, however many people report it (``count`` of distinct reporters)."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ACTIONED = "actioned", _("acted on")
        DISMISSED = "dismissed", _("dismissed")

    community = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+")
    target_kind = models.CharField(max_length=20, choices=TargetKind.choices)
    target_id = models.BigIntegerField()
    # The reported content's author and an excerpt, so the console needs no extra reads.
    target_author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    excerpt = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    count = models.PositiveIntegerField(default=1)
    first_at = models.DateTimeField(default=timezone.now)
    last_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(
                fields=["target_kind", "target_id"],
                condition=Q(status="open"),
                name="report_one_open_per_item",
            ),
        ]
        indexes = [models.Index(fields=["community", "status"], name="report_community_status")]

    def __str__(self) -> str:
        return f"{self.target_kind} {self.target_id} ×{self.count} ({self.status})"


class ReportReason(models.TextChoices):
    SPAM = "spam", _("spam or advertising")
    ABUSE = "abuse", _("abuse or harassment")
    RUMOUR = "rumour", _("false information or rumour")
    PRIVACY = "privacy", _("someone's private information")
    ILLEGAL = "illegal", _("illegal content")
    OTHER = "other", _("other")


class ReportEntry(models.Model):
    """One person's report of an item; a second report by the same person changes nothing."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="entries")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(max_length=12, choices=ReportReason.choices)
    note = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "reporter"], name="report_entry_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.reporter_id} reports {self.report_id}: {self.reason}"


class WordFilter(models.Model):
    """A community's optional list of words: posts containing one go to review."""

    community = models.OneToOneField(Place, on_delete=models.CASCADE, related_name="word_filter")
    enabled = models.BooleanField(_("enabled"), default=True)
    words = models.JSONField(default=list, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("word filter")
        verbose_name_plural = _("word filters")

    def __str__(self) -> str:
        return f"word filter of {self.community_id} ({len(self.words)} words)"


class Restriction(models.Model):
    """A mute (no posting in one conversation) or a suspension (no posting anywhere in a
    community: groups, boards, comments) until ``until``, or until lifted."""

    class Kind(models.TextChoices):
        MUTE = "mute", _("muted")
        SUSPENSION = "suspension", _("suspended")

    kind = models.CharField(max_length=12, choices=Kind.choices)
    community = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+")
    # Set for a mute: the conversation it applies to.
    conversation = models.ForeignKey(
        "chat.Conversation", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="restrictions"
    )
    reason = models.CharField(_("reason"), max_length=200)
    until = models.DateTimeField(_("until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("restriction")
        verbose_name_plural = _("restrictions")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="mute") & Q(conversation__isnull=False))
                | (Q(kind="suspension") & Q(conversation__isnull=True)),
                name="restriction_mute_has_conversation",
            ),
        ]
        indexes = [models.Index(fields=["user", "until"], name="restriction_user_until")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} until {self.until:%Y-%m-%d %H:%M}"


class Claim(models.Model):
    """A committee member handling a console item; others see who has it."""

    community = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="+")
    target_kind = models.CharField(max_length=20, choices=TargetKind.choices)
    target_id = models.BigIntegerField()
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    claimed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["target_kind", "target_id"], name="claim_one_per_item"),
        ]

    def __str__(self) -> str:
        return f"{self.claimed_by_id} handles {self.target_kind} {self.target_id}"


class Gate(models.Model):
    """An item that needs the party secretary's decision (把关): only the community's party
    secretary, or whoever they delegate to, may decide it."""

    community = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="+")
    target_kind = models.CharField(max_length=20, choices=TargetKind.choices)
    target_id = models.BigIntegerField()
    # NULL when the rule put it there (posts on the party board), not a person.
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["target_kind", "target_id"], name="gate_one_per_item"),
        ]

    def __str__(self) -> str:
        return f"gate on {self.target_kind} {self.target_id}"


class Delegation(models.Model):
    """The party secretary lets someone else decide gated items of the community."""

    community = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="+")
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="gate_delegations"
    )
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community", "delegate"],
                condition=Q(ended_at__isnull=True),
                name="delegation_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.secretary_id} → {self.delegate_id} @ {self.community_id}"
