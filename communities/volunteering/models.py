"""Party report-in, service projects, volunteer call-outs, sign-ups, check-in and hours."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import Place


class ReportIn(models.Model):
    """A party member registers with the branch of the community where they live (报到)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for the secretary")
        CONFIRMED = "confirmed", _("confirmed")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", _("withdrawn")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_ins"
    )
    community = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="report_ins")
    home_branch = models.CharField(_("home party organisation"), max_length=100)
    note = models.CharField(_("note"), max_length=200, blank=True)
    show_identity = models.BooleanField(_("show identity"), default=False)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("party report-in")
        verbose_name_plural = _("party report-ins")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "community"],
                condition=Q(status="pending"),
                name="report_in_one_pending",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reason=""),
                name="report_in_rejection_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["community", "status"], name="report_in_community_status")]

    def __str__(self) -> str:
        return f"{self.user} → {self.community} ({self.status})"


class Project(models.Model):
    """A community service project the party branch lists for its members to take on."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")

    community = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="party_projects")
    title = models.CharField(_("title"), max_length=80)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("service project")
        verbose_name_plural = _("service projects")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ProjectClaim(models.Model):
    """A party member has taken on (part of) a project."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="claims")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    claimed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["claimed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="project_claim_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ↔ {self.project}"


class ProjectNote(models.Model):
    """A progress note on a project."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.CharField(_("text"), max_length=500)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class Audience(models.TextChoices):
    PARTY = "party", _("party members")
    RESIDENTS = "residents", _("all residents")


class Callout(models.Model):
    """A call for volunteers: what, when, where, how many, and for whom."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CANCELLED = "cancelled", _("cancelled")

    community = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="callouts")
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=80)
    description = models.TextField(_("description"))
    location = models.CharField(_("location"), max_length=120)
    skills = models.CharField(_("what to bring"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(_("capacity"))
    audience = models.CharField(_("audience"), max_length=12, choices=Audience.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    cancel_reason = models.CharField(_("reason"), max_length=200, blank=True)
    # Its post on the party board, and the thank-you/diary post after it.
    post = models.ForeignKey(
        "boards.Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    thanks_post = models.ForeignKey(
        "boards.Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Sign-ups take the next number: the order of the waiting list.
    last_seq = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("volunteer call-out")
        verbose_name_plural = _("volunteer call-outs")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="callout_ends"),
            models.CheckConstraint(
                condition=Q(capacity__gte=1, capacity__lte=500), name="callout_capacity"
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                name="callout_cancel_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["community", "ends_at"], name="callout_community_ends")]

    def __str__(self) -> str:
        return self.title


class SignUp(models.Model):
    """One person on one call-out: confirmed, waiting (in ``seq`` order) or cancelled."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed")
        WAITING = "waiting", _("waiting list")
        CANCELLED = "cancelled", _("cancelled")

    class CheckedInBy(models.TextChoices):
        SELF = "self", _("by QR code")
        ORGANISER = "organiser", _("by the organiser")

    callout = models.ForeignKey(Callout, on_delete=models.CASCADE, related_name="signups")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signups"
    )
    status = models.CharField(max_length=12, choices=Status.choices)
    seq = models.PositiveIntegerField()  # taken from Callout.last_seq under its lock
    signed_up_at = models.DateTimeField(default=timezone.now)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_in_by = models.CharField(max_length=12, choices=CheckedInBy.choices, blank=True)
    minutes = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["seq"]
        constraints = [
            models.UniqueConstraint(fields=["callout", "user"], name="signup_once"),
            models.UniqueConstraint(fields=["callout", "seq"], name="signup_seq_unique"),
            models.CheckConstraint(
                condition=Q(checked_in_at__isnull=True) | Q(status="confirmed"),
                name="signup_checked_in_is_confirmed",
            ),
        ]
        indexes = [models.Index(fields=["user", "status"], name="signup_user_status")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.callout} ({self.status})"


class CalloutSeen(models.Model):
    """Someone has seen a call-out's notification: it is not shown to them again."""

    callout = models.ForeignKey(Callout, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["callout", "user"], name="callout_seen_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} saw {self.callout_id}"
