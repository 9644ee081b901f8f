"""Things nearby (身边事) as cases: a problem a resident raises, routed up the tiers, run
against deadlines, supervised, rated and counted (docs/cases.md).

The tiers (问题分层处置): a case starts with its community's committee; the committee may
escalate it to its street's case desk; the street assigns it to one of its offices (科室),
refers it to a district department (职能部门) or hands it to the city grid platform (网格化).
Every unit above the community is a ``Unit`` with named officers; the community tier is
its committee (the staff roles of ``communities.rules``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import Place, User


def private_storage() -> Storage:
    """``STORAGES["private"]``: a case carries personal data, so its photos live outside
    MEDIA_ROOT and only the view that checks the reader sends them."""
    return storages["private"]


class Tier(models.TextChoices):
    """Who holds a case now."""

    COMMUNITY = "community", _("community")
    STREET = "street", _("street / town")
    OFFICE = "office", _("street office")
    DEPARTMENT = "department", _("district department")
    GRID = "grid", _("city grid platform")


class Category(models.Model):
    """What a problem is about: a list kept as data per district, edited by the district."""

    district = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=40)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(_("offered to residents"), default=True)

    class Meta:
        verbose_name = _("case category")
        verbose_name_plural = _("case categories")
        ordering = ["district", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="case_category_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A unit above the community that handles cases: a street's case desk (one per street),
    one of its offices (科室), or a district department (职能部门)."""

    class Kind(models.TextChoices):
        STREET = "street", _("street case desk")
        OFFICE = "office", _("street office")
        DEPARTMENT = "department", _("district department")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    # The street (a desk, an office) or the district (a department) it belongs to.
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="case_units")
    name = models.CharField(_("name"), max_length=60)
    active = models.BooleanField(_("active"), default=True)
    officers: models.ManyToManyField[User, UnitOfficer] = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="UnitOfficer", related_name="case_units", blank=True
    )

    class Meta:
        verbose_name = _("case unit")
        verbose_name_plural = _("case units")
        ordering = ["place", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["place", "name"], name="case_unit_name_unique"),
            models.UniqueConstraint(
                fields=["place"], condition=Q(kind="street"), name="case_unit_one_desk_per_street"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class UnitOfficer(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "user"], name="case_unit_officer_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.unit_id}"


class Deadline(models.Model):
    """How long a tier has to respond to and to resolve a case, in working hours (a working
    day counts 24 hours; weekends and holidays of ``CalendarDay`` do not count). A row
    without a category is the tier's default."""

    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, null=True, blank=True, related_name="deadlines"
    )
    tier = models.CharField(_("tier"), max_length=12, choices=Tier.choices)
    respond_hours = models.PositiveIntegerField(_("respond within (working hours)"))
    resolve_hours = models.PositiveIntegerField(_("resolve within (working hours)"))

    class Meta:
        verbose_name = _("case deadline")
        verbose_name_plural = _("case deadlines")
        constraints = [
            models.UniqueConstraint(fields=["category", "tier"], name="case_deadline_unique"),
            models.UniqueConstraint(
                fields=["tier"], condition=Q(category__isnull=True), name="case_deadline_default"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category or '*'} @ {self.tier}: {self.respond_hours}/{self.resolve_hours}"


class CalendarDay(models.Model):
    """A day that breaks the weekday rule: a public holiday on a weekday (``working`` false),
    or a weekend day worked in exchange (调休, ``working`` true)."""

    date = models.DateField(_("date"), unique=True)
    working = models.BooleanField(_("a working day"), default=False)
    name = models.CharField(_("name"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("holiday calendar")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class Case(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        IN_PROGRESS = "in_progress", _("in progress")
        RESOLVED = "resolved", _("resolved")
        CLOSED = "closed", _("closed")
        MERGED = "merged", _("merged into another case")

    class Flag(models.TextChoices):
        """How near the current deadline is: amber in its last 20 %, red once it passed."""

        NONE = "", _("on time")
        AMBER = "amber", _("deadline near")
        RED = "red", _("overdue")

    # Where: the community (its committee always sees the case), and the street and district
    # above it, kept on the case so every queue and figure is one indexed filter.
    community = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="cases")
    street = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+")
    estate = models.ForeignKey(
        Place, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    building = models.CharField(_("building"), max_length=16, blank=True)
    location = models.CharField(_("where"), max_length=200, blank=True)

    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="cases")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases_reported"
    )
    description = models.TextField(_("description"))
    # Neighbours may see it (and its public replies) on the community's 身边事 board…
    public = models.BooleanField(_("neighbours may see it"), default=False)
    # … and, only if the reporter agrees, who reported it. The units always see the reporter.
    show_reporter = models.BooleanField(_("neighbours see who reported it"), default=False)

    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    tier = models.CharField(max_length=12, choices=Tier.choices, default=Tier.COMMUNITY)
    # The unit holding it above the community (a desk, an office, a department); at the grid
    # tier the street's desk, which enters the grid's updates.
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    grid_reference = models.CharField(_("city grid reference"), max_length=64, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged"
    )

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # The current tier's deadlines: it arrived at ``tier_since``; it must respond by
    # ``respond_by`` (until ``tier_responded_at``) and resolve by ``resolve_by``. ``flag`` is
    # kept by the task worker; ``deadline_version`` tells a deadline task whether the
    # deadline it was queued for still stands.
    tier_since = models.DateTimeField(default=timezone.now)
    tier_responded_at = models.DateTimeField(null=True, blank=True)
    respond_by = models.DateTimeField(null=True, blank=True)
    resolve_by = models.DateTimeField(null=True, blank=True)
    flag = models.CharField(max_length=8, choices=Flag.choices, default=Flag.NONE, blank=True)
    deadline_version = models.PositiveIntegerField(default=0)
    overdue = models.BooleanField(_("breached a deadline"), default=False)

    # What the figures count, set once each: the first answer to the reporter, the first
    # resolution, the close (working minutes since ``created_at`` for the durations).
    first_response_at = models.DateTimeField(null=True, blank=True)
    response_minutes = models.PositiveIntegerField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_minutes = models.PositiveIntegerField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    reopened = models.PositiveSmallIntegerField(default=0)
    open_urges = models.PositiveSmallIntegerField(default=0)

    followers: models.ManyToManyField[User, Follower] = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Follower", related_name="cases_followed", blank=True
    )

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="case_rating_1_to_5",
            ),
            models.CheckConstraint(condition=Q(reopened__lte=1), name="case_reopened_once"),
        ]
        indexes = [
            models.Index(fields=["community", "status", "-id"], name="case_community_status"),
            models.Index(fields=["street", "tier", "status"], name="case_street_tier"),
            models.Index(fields=["unit", "status"], name="case_unit_status"),
            models.Index(fields=["reporter", "-id"], name="case_reporter"),
            models.Index(fields=["district", "created_at"], name="case_district_created"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.description[:30]}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


OPEN = frozenset(
    {Case.Status.SUBMITTED, Case.Status.ACCEPTED, Case.Status.IN_PROGRESS, Case.Status.RESOLVED}
)


class Follower(models.Model):
    """Who hears of a case: its reporter, and the reporters of cases merged into it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    since = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="case_follower_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.case_id}"


class Entry(models.Model):
    """One line of a case's timeline: who, when, what was said, public or internal.

    Public entries are the reporter's (and, for a public case, the neighbours'); internal
    ones never leave the units that handle the case. Hops between units (escalate, assign,
    refer, hand off, send back) also write the audit log.
    """

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("raised the problem")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        STARTED = "started", _("started work")
        REPLY = "reply", _("replied")
        NOTE = "note", _("internal note")
        ESCALATED = "escalated", _("escalated")
        ASSIGNED = "assigned", _("assigned to an office")
        REFERRED = "referred", _("referred to a department")
        HANDED_OFF = "handed_off", _("handed to the city grid platform")
        GRID_UPDATE = "grid_update", _("update from the city grid platform")
        SENT_BACK = "sent_back", _("sent back")
        RESOLVED = "resolved", _("resolved")
        REOPENED = "reopened", _("reopened")
        CLOSED = "closed", _("confirmed and rated")
        AUTO_CLOSED = "auto_closed", _("closed without an answer")
        MERGED = "merged", _("merged")
        URGED = "urged", _("urged (督办)")
        URGE_ANSWERED = "urge_answered", _("answered the urge")
        AMBER = "amber", _("deadline near")
        BREACHED = "breached", _("deadline passed")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # Nobody for what the task worker writes (deadlines, the automatic close).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The unit the actor acted for, as shown ("美罗家园居委", "吴淞街道 城管科"), and the unit
    # a hop went to.
    from_unit = models.CharField(max_length=100, blank=True)
    to_unit = models.CharField(max_length=100, blank=True)
    public = models.BooleanField(default=True)
    body = models.TextField(blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    # The urge an URGE_ANSWERED entry answers.
    answers = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("case timeline entry")
        verbose_name_plural = _("case timeline entries")
        ordering = ["id"]
        indexes = [models.Index(fields=["case", "id"], name="case_entry_case_id")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class Urge(models.Model):
    """A supervisor urged a case (督办); open until the handling unit answers it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="urges")
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=500)
    entry = models.OneToOneField(Entry, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.OneToOneField(
        Entry, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(
                fields=["case"], condition=Q(answered_at__isnull=True), name="case_urge_open"
            ),
        ]

    def __str__(self) -> str:
        return f"urge on {self.case_id}"


class Photo(models.Model):
    """A picture of a problem (or of what was done). Uploaded first, it is its uploader's
    alone until a case or a timeline entry of theirs carries it; then whoever may read that
    case or entry may fetch it. Private storage: a case carries personal data."""

    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, null=True, blank=True, related_name="photos"
    )
    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, null=True, blank=True, related_name="photos"
    )
    image = models.FileField(upload_to="cases/photos/", storage=private_storage)
    thumbnail = models.FileField(upload_to="cases/thumbs/", storage=private_storage)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        indexes = [
            models.Index(
                fields=["created_at"], condition=Q(case__isnull=True), name="case_photo_unused"
            ),
        ]

    def __str__(self) -> str:
        return self.image.name


class DayFigures(models.Model):
    """One community's case figures for one day (in the place's time zone), kept up to date
    by the services as cases change, so a district's figures for a year are a sum over at
    most 550 × 365 small rows, never a scan of its cases. A case counts on the day each thing
    happened to it: raised the day it was raised, resolved the day it was resolved …
    ``response_minutes`` and ``resolution_minutes`` hold the durations of that day's first
    responses and first resolutions as a histogram {bucket: count} (see
    ``communities.cases.figures.bucket``) so that medians and percentiles add up exactly to
    the bucket."""

    community = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+")
    street = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    raised = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    declined = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    rated = models.PositiveIntegerField(default=0)
    rating_sum = models.PositiveIntegerField(default=0)
    response_minutes = models.JSONField(default=dict, blank=True)
    resolution_minutes = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "day"], name="case_figures_unique"),
        ]
        indexes = [
            models.Index(fields=["district", "day"], name="case_figures_district_day"),
            models.Index(fields=["street", "day"], name="case_figures_street_day"),
        ]

    def __str__(self) -> str:
        return f"{self.community_id} {self.day}"
