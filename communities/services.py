"""Writes: validate → authorise → write in a transaction → announce on commit."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from realtime.feeds import publish
from realtime.groups import community_staff_feed, user_group

from . import events, signals, throttle
from .errors import Conflict, Invalid, NotFound
from .idcard import check_id_card, id_card_digest
from .models import (
    PARENT_KINDS,
    ROLE_SCOPES,
    AwayMembership,
    JoinApplication,
    Membership,
    Place,
    PlaceKind,
    Role,
    RoleKind,
    User,
)
from .moderation import audit, claims
from .moderation.models import AuditAction, TargetKind
from .phone import normalize_phone, phone_code_consume
from .rules import Action, can, community_of, gatekeeping
from .selectors import application_for, estate_by_join_code


# --- The place tree -----------------------------------------------------------
def place_create(*, name: str, kind: str, parent: Place | None) -> Place:
    """Add a place under ``parent``; estates get a join code."""
    name = name.strip()
    if not name:
        raise Invalid(_("A place needs a name."), errors={"name": _("This field is required.")})
    if kind not in PARENT_KINDS:
        raise Invalid(_("Unknown kind of place: %(kind)s") % {"kind": kind})
    allowed = PARENT_KINDS[kind]
    if (allowed is None) != (parent is None) or (
        parent is not None and allowed is not None and parent.kind not in allowed
    ):
        raise Invalid(_("A %(kind)s cannot be placed there.") % {"kind": kind})
    with transaction.atomic():
        place = Place.objects.create(
            name=name,
            kind=kind,
            parent=parent,
            path="",
            join_code=_new_join_code() if kind == PlaceKind.ESTATE else None,
        )
        place.path = f"{parent.path if parent else '/'}{place.pk}/"
        place.save(update_fields=["path"])
        if kind == PlaceKind.ESTATE:
            signals.estate_created.send(sender=Place, estate=place)
    return place


def place_ensure(*, name: str, kind: str, parent: Place | None) -> tuple[Place, bool]:
    """The place called ``name`` under ``parent``, created if missing."""
    existing = Place.objects.filter(name=name.strip(), parent=parent).first()
    if existing is not None:
        if existing.kind != kind:
            raise Invalid(
                _("%(name)s already exists as a %(kind)s.")
                % {"name": name, "kind": existing.get_kind_display()}
            )
        return existing, False
    return place_create(name=name, kind=kind, parent=parent), True


def _new_join_code() -> str:
    return secrets.token_urlsafe(9)


def join_code_rotate(*, actor: User, estate: Place) -> Place:
    """Give the estate a new join code; the old QR code and link stop working."""
    if not estate.is_estate or not can(actor, Action.MANAGE_JOIN_CODE, estate):
        raise NotFound()
    estate.join_code = _new_join_code()
    estate.join_code_rotated_at = timezone.now()
    estate.save(update_fields=["join_code", "join_code_rotated_at"])
    return estate


# --- Roles ----------------------------------------------------------------------
def role_grant(*, user: User, kind: str, place: Place, show_identity: bool = False) -> Role:
    """Give ``user`` the role ``kind`` at ``place`` (idempotent)."""
    scopes = ROLE_SCOPES.get(kind)
    if scopes is None:
        raise Invalid(_("Unknown role: %(kind)s") % {"kind": kind})
    if place.kind not in scopes:
        raise Invalid(_("This role cannot be held at a %(kind)s.") % {"kind": place.kind})
    role, created = Role.objects.get_or_create(
        user=user, kind=kind, place=place, defaults={"show_identity": show_identity}
    )
    if not created and role.show_identity != show_identity:
        role.show_identity = show_identity
        role.save(update_fields=["show_identity"])
    if kind in PARTY_ROLES:
        party_badge_refresh(user)
    return role


PARTY_ROLES = frozenset({RoleKind.PARTY_MEMBER, RoleKind.PARTY_SECRETARY})


def party_badge_refresh(user: User) -> bool:
    """Recompute ``user.party_badge`` from their party roles; call after changing them."""
    badge = Role.objects.filter(user=user, kind__in=PARTY_ROLES, show_identity=True).exists()
    if user.party_badge != badge:
        user.party_badge = badge
        User.objects.filter(pk=user.pk).update(party_badge=badge)
    return badge


# --- Accounts -------------------------------------------------------------------
def account_authenticate(*, username: str, password: str, client_ip: str) -> User:
    """Check a login; failures are throttled per account and per address."""
    username = username.strip()
    try:
        login_name = normalize_phone(username)
    except Invalid:
        login_name = username
    per_user, per_ip = settings.LOGIN_FAILURE_LIMIT, settings.LOGIN_IP_FAILURE_LIMIT
    throttle.check("login-user", login_name, per_user)
    throttle.check("login-ip", client_ip, per_ip)
    user = authenticate(username=login_name, password=password)
    if user is None:
        throttle.hit("login-user", login_name, per_user)
        throttle.hit("login-ip", client_ip, per_ip)
        raise Invalid(_("Wrong username or password."), code="bad_credentials")
    throttle.reset("login-user", login_name, per_user)
    assert isinstance(user, User)
    return user


# --- Joining --------------------------------------------------------------------
def _required(value: str, field: str, errors: dict[str, str], *, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        errors[field] = _("This field is required.")
    elif len(value) > max_length:
        errors[field] = _("At most %(n)d characters.") % {"n": max_length}
    return value


def _optional(value: str, field: str, errors: dict[str, str], *, max_length: int) -> str:
    value = (value or "").strip()
    if len(value) > max_length:
        errors[field] = _("At most %(n)d characters.") % {"n": max_length}
    return value


def application_submit(
    *,
    applicant: User | None,
    join_code: str,
    real_name: str,
    phone: str,
    sms_code: str,
    building: str,
    unit: str,
    room: str,
    password: str | None,
    note: str = "",
    id_card: str = "",
    living_away: bool = False,
    client_ip: str,
) -> JoinApplication:
    """Apply to join an estate; an anonymous applicant gets an account on the way.

    ``living_away``: a villager who lives elsewhere (乡愁乡音) applies to follow the village
    of this estate; only for estates of a village, and without building, unit or room.
    """
    estate = estate_by_join_code(join_code)
    errors: dict[str, str] = {}
    real_name = _required(real_name, "real_name", errors, max_length=32)
    if living_away:
        if estate.parent is None or estate.parent.kind != PlaceKind.VILLAGE:
            message = _("Only villages accept members living elsewhere.")
            raise Invalid(message, code="not_a_village", errors={"living_away": message})
        building = _optional(building, "building", errors, max_length=16)
        room = _optional(room, "room", errors, max_length=16)
    else:
        building = _required(building, "building", errors, max_length=16)
        room = _required(room, "room", errors, max_length=16)
    unit = (unit or "").strip()[:16]
    note = (note or "").strip()
    if len(note) > 200:
        errors["note"] = _("At most %(n)d characters.") % {"n": 200}
    try:
        phone = normalize_phone(phone or "")
    except Invalid as exc:
        errors.update(exc.errors)
    id_last4 = id_digest = ""
    if id_card:
        try:
            number = check_id_card(id_card)
            id_last4, id_digest = number[-4:], id_card_digest(number)
        except Invalid as exc:
            errors.update(exc.errors)
    if applicant is None:
        if not password:
            errors["password"] = _("Choose a password for your new account.")
        else:
            try:
                validate_password(password)
            except ValidationError as exc:
                errors["password"] = " ".join(exc.messages)
    if errors:
        raise Invalid(_("Please correct the marked fields."), errors=errors)

    throttle.hit("join-ip", client_ip, settings.JOIN_APPLICATION_LIMIT)
    if applicant is not None:
        throttle.hit("join-user", str(applicant.pk), settings.JOIN_APPLICATION_LIMIT)
    phone_already_verified = (
        applicant is not None and applicant.phone == phone and applicant.phone_verified_at
    )
    if applicant is None and User.objects.filter(phone=phone).exists():
        raise Conflict(
            _("This phone number already has an account. Please log in first."),
            code="phone_taken",
        )
    if applicant is not None and (
        JoinApplication.objects.filter(
            applicant=applicant, estate=estate, status=JoinApplication.Status.PENDING
        ).exists()
    ):
        raise _duplicate_pending()
    if not phone_already_verified:
        phone_code_consume(phone=phone, code=sms_code or "")

    now = timezone.now()
    try:
        with transaction.atomic():
            if applicant is None:
                applicant = User.objects.create_user(
                    username=phone,
                    password=password,
                    display_name=real_name,
                    phone=phone,
                    phone_verified_at=now,
                )
            elif not applicant.phone and not User.objects.filter(phone=phone).exists():
                applicant.phone, applicant.phone_verified_at = phone, now
                if not applicant.display_name:
                    applicant.display_name = real_name
                applicant.save(update_fields=["phone", "phone_verified_at", "display_name"])
            application = JoinApplication.objects.create(
                applicant=applicant,
                estate=estate,
                real_name=real_name,
                phone=phone,
                building=building,
                unit=unit,
                room=room,
                note=note,
                living_away=living_away,
                id_card_last4=id_last4,
                id_card_digest=id_digest,
            )
            publish(
                community_staff_feed(estate.parent_id or 0),
                events.application_submitted(application),
            )
    except IntegrityError:
        # Two submissions raced past the check above; the constraint kept one.
        raise _duplicate_pending() from None
    return application


def _duplicate_pending() -> Conflict:
    return Conflict(
        _("You already have an application for this estate waiting for review."),
        code="duplicate_pending",
    )


def _decide(*, actor: User, application_id: int, status: str, reason: str = "") -> JoinApplication:
    application_for(actor, application_id, Action.DECIDE_APPLICATIONS)
    with transaction.atomic():
        application = (
            JoinApplication.objects.select_for_update()
            .select_related("estate")
            .get(pk=application_id)
        )
        if application.status != JoinApplication.Status.PENDING:
            raise Conflict(
                _("This application has already been handled (%(status)s).")
                % {"status": application.get_status_display()},
                code="not_pending",
            )
        community = application.estate.parent
        assert community is not None  # an estate always has its community
        gatekeeping.require_may_decide(actor, community, TargetKind.APPLICATION, application.pk)
        application.status = status
        application.reason = reason
        application.decided_at = timezone.now()
        application.decided_by = actor
        application.save(update_fields=["status", "reason", "decided_at", "decided_by"])
        audit.record(
            actor=actor,
            community=community,
            action=(
                AuditAction.APPROVE
                if status == JoinApplication.Status.APPROVED
                else AuditAction.REJECT
            ),
            target_kind=TargetKind.APPLICATION,
            target_id=application.pk,
            subject=application.applicant,
            reason=reason,
            before={"status": JoinApplication.Status.PENDING},
            after={"status": status},
        )
        if status == JoinApplication.Status.APPROVED and application.living_away:
            # A villager living elsewhere follows the village; they are no estate's resident.
            village_id = application.estate.parent_id
            assert village_id is not None  # an estate always has its community
            AwayMembership.objects.filter(
                user_id=application.applicant_id,
                village_id=village_id,
                status=AwayMembership.Status.ACTIVE,
            ).update(status=AwayMembership.Status.REVOKED)
            AwayMembership.objects.create(
                user_id=application.applicant_id, village_id=village_id, application=application
            )
        elif status == JoinApplication.Status.APPROVED:
            Membership.objects.filter(
                user_id=application.applicant_id,
                estate=application.estate,
                status=Membership.Status.ACTIVE,
            ).update(status=Membership.Status.REVOKED)
            membership = Membership.objects.create(
                user_id=application.applicant_id,
                estate=application.estate,
                building=application.building,
                unit=application.unit,
                room=application.room,
                application=application,
            )
            signals.membership_approved.send(sender=Membership, membership=membership)
        event = events.application_decided(application)
        publish(user_group(application.applicant_id), event)
        publish(community_staff_feed(community.pk), event)
        claims.settle(
            community_id=community.pk, kind=TargetKind.APPLICATION, item_id=application.pk
        )
    return application


def application_approve(*, actor: User, application_id: int) -> JoinApplication:
    """Approve: the applicant becomes a member of the estate and its community (or, living
    away, an away member of the village: its notices and hometown board, no estate group)."""
    return _decide(
        actor=actor, application_id=application_id, status=JoinApplication.Status.APPROVED
    )


def application_reject(*, actor: User, application_id: int, reason: str) -> JoinApplication:
    """Reject with a reason the applicant will see."""
    reason = (reason or "").strip()
    if not reason:
        message = _("Give the applicant a reason.")
        raise Invalid(message, errors={"reason": message})
    if len(reason) > 200:
        message = _("At most %(n)d characters.") % {"n": 200}
        raise Invalid(message, errors={"reason": message})
    return _decide(
        actor=actor,
        application_id=application_id,
        status=JoinApplication.Status.REJECTED,
        reason=reason,
    )


def application_withdraw(*, applicant: User, application_id: int) -> JoinApplication:
    with transaction.atomic():
        application = (
            JoinApplication.objects.select_for_update()
            .select_related("estate")
            .filter(pk=application_id, applicant=applicant)
            .first()
        )
        if application is None:
            raise NotFound()
        if application.status != JoinApplication.Status.PENDING:
            raise Conflict(
                _("Only an application waiting for review can be withdrawn."), code="not_pending"
            )
        application.status = JoinApplication.Status.WITHDRAWN
        application.decided_at = timezone.now()
        application.save(update_fields=["status", "decided_at"])
        community_id = application.estate.parent_id or 0
        publish(community_staff_feed(community_id), events.application_decided(application))
        claims.settle(
            community_id=community_id, kind=TargetKind.APPLICATION, item_id=application.pk
        )
    return application


def membership_revoke(*, actor: User, membership_id: int, reason: str) -> Membership:
    """The committee takes a resident out of an estate (and its group, at once)."""
    reason = (reason or "").strip()
    if not reason:
        message = _("Give the resident a reason.")
        raise Invalid(message, errors={"reason": message})
    membership = (
        Membership.objects.select_related("estate")
        .filter(pk=membership_id, status=Membership.Status.ACTIVE)
        .first()
    )
    if membership is None or not can(actor, Action.MODERATE_COMMUNITY, membership.estate):
        raise NotFound()
    with transaction.atomic():
        membership.status = Membership.Status.REVOKED
        membership.save(update_fields=["status"])
        audit.record(
            actor=actor,
            community=community_of(membership.estate),
            action=AuditAction.REVOKE,
            target_kind=TargetKind.MEMBERSHIP,
            target_id=membership.pk,
            subject=membership.user,
            reason=reason,
            before={"status": Membership.Status.ACTIVE, "estate": membership.estate_id},
            after={"status": Membership.Status.REVOKED, "estate": membership.estate_id},
        )
        publish(user_group(membership.user_id), events.membership_changed(membership, reason))
    return membership
