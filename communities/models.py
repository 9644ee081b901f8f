"""The neighbourhood: the place tree, people, their roles, and real-name joining."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TextSize(models.IntegerChoices):
    """How large a person reads the app (per cent of the phone's own text size)."""

    STANDARD = 100, _("standard")
    LARGE = 125, _("large")
    LARGER = 150, _("larger")


class User(AbstractUser):
    """A person. Residents log in with their phone number as username."""

    display_name = models.CharField(_("real name"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, default="")
    phone_verified_at = models.DateTimeField(_("phone verified at"), null=True, blank=True)
    # A party member who chose to show their identity (党员亮身份): their name carries the
    # badge everywhere. Kept in step with their roles by services.party_badge_refresh, so
    # showing a name never costs a query.
    party_badge = models.BooleanField(_("shows the party badge"), default=False)
    # The display the person chose (elder mode), kept on the account so it follows them to
    # another device. NULL until they choose: a device's own choice then stands.
    text_size = models.PositiveSmallIntegerField(
        _("text size"), choices=TextSize.choices, null=True, blank=True
    )
    high_contrast = models.BooleanField(_("high contrast"), null=True, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                fields=["phone"], condition=~Q(phone=""), name="user_phone_unique"
            ),
            models.CheckConstraint(
                condition=Q(text_size__isnull=True) | Q(text_size__in=TextSize.values),
                name="user_text_size_known",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def name(self) -> str:
        return self.display_name or self.username


class PlaceKind(models.TextChoices):
    DISTRICT = "district", _("district")
    STREET = "street", _("subdistrict")
    TOWN = "town", _("town")
    PARK = "park", _("industrial park")
    RESIDENTS_COMMITTEE = "residents_committee", _("residents' committee")
    VILLAGE = "village", _("village")
    ESTATE = "estate", _("estate")


STREET_KINDS = frozenset({PlaceKind.STREET, PlaceKind.TOWN, PlaceKind.PARK})
COMMUNITY_KINDS = frozenset({PlaceKind.RESIDENTS_COMMITTEE, PlaceKind.VILLAGE})
# Which kind of place may sit directly under which.
PARENT_KINDS: dict[str, frozenset[str] | None] = {
    PlaceKind.DISTRICT: None,
    **{kind: frozenset({PlaceKind.DISTRICT}) for kind in STREET_KINDS},
    **{kind: STREET_KINDS for kind in COMMUNITY_KINDS},
    PlaceKind.ESTATE: COMMUNITY_KINDS,
}


class Place(models.Model):
    """A node of the tree district → street/town/park → community → estate.

    ``path`` holds the ids from the root down ("/1/4/17/"), so "everything below X"
    is one indexed prefix query and "everything above X" needs no query at all.
    """

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=24, choices=PlaceKind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    path = models.CharField(max_length=255, editable=False, db_index=True)
    # NULL, not "", for places without one: the unique constraint ignores NULLs.
    join_code = models.CharField(_("join code"), max_length=32, null=True, blank=True)  # noqa: DJ001
    join_code_rotated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="place_name_unique_under_parent"
            ),
            models.UniqueConstraint(
                fields=["name"], condition=Q(parent__isnull=True), name="place_root_name_unique"
            ),
            models.UniqueConstraint(fields=["join_code"], name="place_join_code_unique"),
            models.CheckConstraint(
                condition=Q(kind=PlaceKind.ESTATE) | Q(join_code__isnull=True),
                name="place_join_code_only_on_estates",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to and including this place."""
        return [int(part) for part in self.path.strip("/").split("/") if part]

    @property
    def is_community(self) -> bool:
        return self.kind in COMMUNITY_KINDS

    @property
    def is_estate(self) -> bool:
        return self.kind == PlaceKind.ESTATE


class Membership(models.Model):
    """A resident's verified place in an estate (and so in its community)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        REVOKED = "revoked", _("revoked")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    estate = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="memberships")
    building = models.CharField(_("building"), max_length=16)
    unit = models.CharField(_("unit"), max_length=16, blank=True)
    room = models.CharField(_("room"), max_length=16)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    joined_at = models.DateTimeField(auto_now_add=True)
    application = models.OneToOneField(
        "JoinApplication", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "estate"],
                condition=Q(status="active"),
                name="membership_one_active_per_estate",
            ),
        ]
        indexes = [models.Index(fields=["estate", "status"], name="membership_estate_status")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.estate}"


class AwayMembership(models.Model):
    """A villager who lives elsewhere (乡愁乡音): follows the village's notices and hometown
    board, but is not a resident of any of its estates and not in an estate group."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        REVOKED = "revoked", _("revoked")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="away_memberships"
    )
    village = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="away_members")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    joined_at = models.DateTimeField(auto_now_add=True)
    application = models.OneToOneField(
        "JoinApplication", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("member living away")
        verbose_name_plural = _("members living away")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "village"],
                condition=Q(status="active"),
                name="away_membership_one_active_per_village",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} (away) @ {self.village}"


class RoleKind(models.TextChoices):
    COMMITTEE_MEMBER = "committee_member", _("committee member")
    SOCIAL_WORKER = "social_worker", _("social worker")
    PARTY_SECRETARY = "party_secretary", _("party secretary")
    PARTY_MEMBER = "party_member", _("party member")
    POLICE = "police", _("community police officer")
    PROPERTY_MANAGER = "property_manager", _("property manager")
    SERVICE_PROVIDER = "service_provider", _("service provider")
    DEPARTMENT_OFFICER = "department_officer", _("department officer")
    STREET_SUPERVISOR = "street_supervisor", _("street supervisor")
    DISTRICT_SUPERVISOR = "district_supervisor", _("district supervisor")
    DISTRICT_EDITOR = "district_editor", _("district editor")


# The kinds of place each role is held at.
ROLE_SCOPES: dict[str, frozenset[str]] = {
    RoleKind.COMMITTEE_MEMBER: COMMUNITY_KINDS,
    RoleKind.SOCIAL_WORKER: COMMUNITY_KINDS,
    RoleKind.PARTY_SECRETARY: COMMUNITY_KINDS,
    RoleKind.PARTY_MEMBER: COMMUNITY_KINDS,
    RoleKind.POLICE: COMMUNITY_KINDS,
    RoleKind.PROPERTY_MANAGER: frozenset({PlaceKind.ESTATE}),
    RoleKind.SERVICE_PROVIDER: COMMUNITY_KINDS | STREET_KINDS,
    RoleKind.DEPARTMENT_OFFICER: STREET_KINDS | {PlaceKind.DISTRICT},
    RoleKind.STREET_SUPERVISOR: STREET_KINDS,
    RoleKind.DISTRICT_SUPERVISOR: frozenset({PlaceKind.DISTRICT}),
    RoleKind.DISTRICT_EDITOR: frozenset({PlaceKind.DISTRICT}),
}


class Role(models.Model):
    """A role a person holds at one place of the tree; one person may hold several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles"
    )
    kind = models.CharField(_("role"), max_length=24, choices=RoleKind.choices)
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="roles")
    # Party members choose whether their identity is shown (党员亮身份).
    show_identity = models.BooleanField(_("show identity"), default=False)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "place"], name="role_unique"),
        ]
        indexes = [models.Index(fields=["place", "kind"], name="role_place_kind")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_kind_display()} @ {self.place}"


class JoinApplication(models.Model):
    """A real-name application to join an estate, reviewed by its community's committee."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending review")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", _("withdrawn")

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_applications"
    )
    estate = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="join_applications")
    real_name = models.CharField(_("real name"), max_length=64)
    phone = models.CharField(_("phone"), max_length=20)
    building = models.CharField(_("building"), max_length=16)
    unit = models.CharField(_("unit"), max_length=16, blank=True)
    room = models.CharField(_("room"), max_length=16)
    note = models.CharField(_("note"), max_length=200, blank=True)
    # A villager living elsewhere: approval makes an AwayMembership of the estate's village,
    # not a residence (building, unit and room may then be blank).
    living_away = models.BooleanField(_("living away"), default=False)
    # Never the full ID-card number: its last four characters for the reviewer to
    # compare with the card shown, and a keyed digest to spot one card used twice.
    id_card_last4 = models.CharField(max_length=4, blank=True)
    id_card_digest = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("join application")
        verbose_name_plural = _("join applications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "estate"],
                condition=Q(status="pending"),
                name="application_one_pending_per_estate",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reason=""),
                name="application_rejection_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["estate", "status"], name="application_estate_status")]

    def __str__(self) -> str:
        return f"{self.real_name} → {self.estate} ({self.status})"


class PhoneCode(models.Model):
    """A one-time code sent by SMS to confirm a phone number; only its hash is kept.

    A code serves one purpose: one sent to join cannot reset a password, nor the reverse.
    """

    class Purpose(models.TextChoices):
        VERIFY = "verify", _("confirm the number")
        PASSWORD_RESET = "password_reset", _("reset the password")

    phone = models.CharField(max_length=20)
    purpose = models.CharField(max_length=16, choices=Purpose.choices, default=Purpose.VERIFY)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["phone", "-created_at"], name="phonecode_phone_created")]

    def __str__(self) -> str:
        return f"code for {self.phone}"


class AccessLog(models.Model):
    """Who looked at whose personal data, and where (review queues, supervision views)."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=64)
    place = models.ForeignKey(Place, on_delete=models.PROTECT, null=True, related_name="+")
    detail = models.CharField(max_length=255, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["actor", "-at"], name="accesslog_actor_at")]

    def __str__(self) -> str:
        return f"{self.actor} {self.action} {self.detail}"
