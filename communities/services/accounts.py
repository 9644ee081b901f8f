"""Writes of accounts: checking a login, resetting a forgotten password by SMS, and the
display a person chose (elder mode)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .. import throttle
from ..errors import Invalid
from ..models import PhoneCode, TextSize, User
from ..phone import normalize_phone, phone_code_consume, phone_code_send


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


def account_authenticate(*, username: str, password: str, client_ip: str) -> User:
    """Check a login by username or mobile number; failures are throttled per account and
    per address."""
    login_name = _login_name(username)
    per_user, per_ip = settings.LOGIN_FAILURE_LIMIT, settings.LOGIN_IP_FAILURE_LIMIT
    throttle.check("login-user", login_name, per_user)
    throttle.check("login-ip", client_ip, per_ip)
    user = authenticate(username=login_name, password=password)
    if user is None:
        throttle.hit("login-user", login_name, per_user)
        throttle.hit("login-ip", client_ip, per_ip)
        raise Invalid(_("Wrong mobile number, user name or password."), code="bad_credentials")
    throttle.reset("login-user", login_name, per_user)
    assert isinstance(user, User)
    return user


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

    throttle.hit("reset-ip", client_ip, settings.PASSWORD_RESET_LIMIT)
    throttle.hit("reset-phone", phone, settings.PASSWORD_RESET_LIMIT)
    # Not inside a transaction of ours: a wrong try must count even though we refuse.
    phone_code_consume(phone=phone, code=sms_code, purpose=PhoneCode.Purpose.PASSWORD_RESET)
    user = User.objects.filter(phone=phone, is_active=True).first()
    if user is None:  # only a code that was never sent leads here: the same answer
        wrong = _("The verification code is wrong or has expired.")
        raise Invalid(wrong, code="bad_sms_code", errors={"sms_code": wrong})
    user.set_password(password)
    user.save(update_fields=["password"])
    # The person proved they own the number: earlier failed logins no longer lock it.
    throttle.reset("login-user", user.username, settings.LOGIN_FAILURE_LIMIT)
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
