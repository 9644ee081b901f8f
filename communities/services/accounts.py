"""Writes of accounts: checking a login, lifting a lock-out, resetting a forgotten password
by SMS, and the display a person chose (elder mode)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import throttle
from ..errors import Invalid, LockedOut, NotFound
from ..lockout import lockout_clear, lockout_remaining
from ..models import (
    COMMUNITY_KINDS,
    AccessLog,
    JoinApplication,
    Membership,
    PhoneCode,
    Place,
    TextSize,
    User,
)
from ..phone import normalize_phone, phone_code_consume, phone_code_send
from ..rules import Action, places_where


def _login_name(login: str) -> str:
    """The username behind what a person typed in the one login field: a mobile number
    (in any common form) stands for the account that has it, anything else is a username."""
    login = login.strip()
    try:
        phone = normalize_phone(login)
    except Invalid:
        return login
    owner = User.objects.filter(phone=phone).values_list("username", flat=True).first()
    return owner or phone


def _refuse_if_locked(login_name: str) -> None:
    remaining = lockout_remaining(login_name)
    if remaining:
        minutes = max(1, -(-remaining // 60))
        message = ngettext(
            "This account is locked after too many failed logins. Try again in %(minutes)d "
            "minute, reset the password by SMS, or ask your residents' committee to unlock it.",
            "This account is locked after too many failed logins. Try again in %(minutes)d "
            "minutes, reset the password by SMS, or ask your residents' committee to unlock it.",
            minutes,
        ) % {"minutes": minutes}
        raise LockedOut(message, retry_after=remaining)


def account_authenticate(
    *, request: HttpRequest, username: str, password: str, client_ip: str
) -> User:
    """Check a login by username or mobile number.

    Failures lock the account out (django-axes, per account: it needs the request, which
    Django's login signals carry to it) and are throttled per address in the cache.
    """
    login_name = _login_name(username)
    throttle.check("login-ip", client_ip, settings.LOGIN_IP_FAILURE_LIMIT)
    _refuse_if_locked(login_name)
    user = authenticate(request, username=login_name, password=password)
    if user is None:
        throttle.hit("login-ip", client_ip, settings.LOGIN_IP_FAILURE_LIMIT)
        _refuse_if_locked(login_name)  # this failure was the last one allowed
        raise Invalid(_("Wrong mobile number, user name or password."), code="bad_credentials")
    assert isinstance(user, User)
    # A token login sends no user_logged_in, on which axes would forget the failures.
    lockout_clear(user.username)
    return user


def _unlocking_community(actor: User, person: User) -> Place | None:
    """The community where ``actor`` may lift ``person``'s lock-out: one whose join
    applications they decide and where the person lives or has applied to live."""
    communities = places_where(actor, Action.DECIDE_APPLICATIONS, kinds=COMMUNITY_KINDS)
    ids = [community.pk for community in communities]
    where = set(
        Membership.objects.filter(
            user=person, status=Membership.Status.ACTIVE, estate__parent_id__in=ids
        ).values_list("estate__parent_id", flat=True)
    ) | set(
        JoinApplication.objects.filter(
            applicant=person,
            status=JoinApplication.Status.PENDING,
            estate__parent_id__in=ids,
        ).values_list("estate__parent_id", flat=True)
    )
    return next((c for c in communities if c.pk in where), None)


def account_unlock(*, actor: User, user_id: int) -> User:
    """Lift the login lock-out of the person ``user_id``: the committee of their own
    community, or an admin who may manage axes' records. NotFound for anyone else, as for
    a person who does not exist; the lift is written to the access log."""
    person = User.objects.filter(pk=user_id).first()
    if person is None:
        raise NotFound()
    admin = actor.is_staff and actor.has_perm("axes.delete_accessattempt")
    community = _unlocking_community(actor, person)
    if community is None and not admin:
        raise NotFound()
    with transaction.atomic():
        lockout_clear(person.username)
        AccessLog.objects.create(
            actor=actor, action="unlock_login", place=community, detail=f"user={person.pk}"
        )
    return person


def password_reset_code_send(*, phone: str, client_ip: str) -> str:
    """Send a password-reset code to ``phone`` if an account has that number; returns the
    normalised number.

    A number without an account is answered, throttled and recorded exactly alike, only
    no SMS leaves: the answer must not tell anyone whether a number has an account.
    """
    phone = normalize_phone(phone or "")
    has_account = User.objects.filter(phone=phone, is_active=True).exists()
    phone_code_send(
        phone=phone,
        client_ip=client_ip,
        purpose=PhoneCode.Purpose.PASSWORD_RESET,
        deliver=has_account,
    )
    return phone


def password_reset(*, phone: str, sms_code: str, password: str, client_ip: str) -> User:
    """Set a new password for the account with ``phone``, proven by the SMS code.

    Every field is checked before the code is tried, so a weak password does not use it
    up; a wrong, expired or used code and a number without an account get the same answer.
    """
    errors: dict[str, str] = {}
    try:
        phone = normalize_phone(phone or "")
    except Invalid as exc:
        errors.update(exc.errors)
    if not (sms_code or "").strip():
        errors["sms_code"] = _("This field is required.")
    if not password:
        errors["password"] = _("Choose a new password.")
    else:
        try:
            validate_password(password)
        except ValidationError as exc:
            errors["password"] = " ".join(exc.messages)
    if errors:
        raise Invalid(_("Please correct the marked fields."), errors=errors)

    # Not inside a transaction of ours: a wrong try must count even though we refuse.
    phone_code_consume(
        phone=phone,
        code=sms_code,
        client_ip=client_ip,
        purpose=PhoneCode.Purpose.PASSWORD_RESET,
    )
    user = User.objects.filter(phone=phone, is_active=True).first()
    if user is None:  # only a code that was never sent leads here: the same answer
        wrong = _("The verification code is wrong or has expired.")
        raise Invalid(wrong, code="bad_sms_code", errors={"sms_code": wrong})
    user.set_password(password)
    user.save(update_fields=["password"])
    # The person proved they own the number: earlier failed logins no longer lock it.
    lockout_clear(user.username)
    return user


def account_display_update(
    *, user: User, text_size: int | None = None, high_contrast: bool | None = None
) -> User:
    """Remember the text size and contrast ``user`` chose; ``None`` leaves one as it is."""
    if text_size is not None and text_size not in TextSize.values:
        sizes = ", ".join(f"{value}%" for value in TextSize.values)
        message = _("Choose one of these text sizes: %(sizes)s.") % {"sizes": sizes}
        raise Invalid(message, errors={"text_size": message})
    fields = []
    if text_size is not None:
        user.text_size = text_size
        fields.append("text_size")
    if high_contrast is not None:
        user.high_contrast = high_contrast
        fields.append("high_contrast")
    if fields:
        user.save(update_fields=fields)
    return user
