"""Writes of the applicant's side of joining: applying to an estate, and withdrawing."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from realtime.feeds import publish
from realtime.groups import community_staff_feed

from .. import events, throttle
from ..errors import Conflict, Invalid, NotFound
from ..idcard import check_id_card, id_card_digest
from ..models import JoinApplication, PlaceKind, User
from ..moderation.models import TargetKind
from ..moderation.settle import settle
from ..phone import normalize_phone, phone_code_consume
from ..selectors import estate_by_join_code


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
        phone_code_consume(phone=phone, code=sms_code or "", client_ip=client_ip)

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
        settle(community_id=community_id, kind=TargetKind.APPLICATION, item_id=application.pk)
    return application
