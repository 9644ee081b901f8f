"""Phone numbers: parsing with libphonenumber, and one-time codes sent by SMS."""

from __future__ import annotations

import secrets
from datetime import timedelta

import phonenumbers
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import throttle
from .errors import Invalid, Throttled
from .models import PhoneCode
from .sms import send_sms


def normalize_phone(raw: str, *, field: str = "phone") -> str:
    """Return the number in E.164 form, or raise Invalid naming ``field``."""
    message = _("Enter a valid mobile phone number.")
    try:
        number = phonenumbers.parse(raw.strip(), settings.PHONE_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        raise Invalid(message, errors={field: message}) from None
    allowed = settings.PHONE_ALLOWED_REGIONS
    region = phonenumbers.region_code_for_number(number)
    if allowed and region not in allowed:
        raise Invalid(message, errors={field: message})
    if not phonenumbers.is_valid_number(number) or phonenumbers.number_type(number) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise Invalid(message, errors={field: message})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(phone: str) -> str:
    """+8613812345678 → 138****5678: enough for a person to recognise their own."""
    if not phone:
        return ""
    try:
        national = str(phonenumbers.parse(phone).national_number)
    except phonenumbers.NumberParseException:
        national = phone
    if len(national) < 7:
        return "*" * len(national)
    return f"{national[:3]}****{national[-4:]}"


def phone_code_send(
    *,
    phone: str,
    client_ip: str,
    purpose: str = PhoneCode.Purpose.VERIFY,
    deliver: bool = True,
) -> PhoneCode:
    """Send a fresh six-digit code to ``phone`` (already normalised) for ``purpose``.

    ``deliver=False`` does everything but send the SMS: asking for a password-reset code
    for a number without an account must look, and count, exactly like asking for one
    with an account, so that the answer tells nobody whether the number has one.
    """
    throttle.hit("sms-phone", phone, settings.SMS_CODE_LIMIT)
    throttle.hit("sms-ip", client_ip, settings.SMS_CODE_IP_LIMIT)
    now = timezone.now()
    recent = PhoneCode.objects.filter(
        phone=phone, purpose=purpose, created_at__gt=now - settings.SMS_CODE_RESEND_AFTER
    ).exists()
    if recent:
        raise Throttled(
            _("A code was sent a moment ago. Please wait before asking again."),
            retry_after=int(settings.SMS_CODE_RESEND_AFTER.total_seconds()),
        )
    code = f"{secrets.randbelow(1_000_000):06d}"
    record = PhoneCode.objects.create(
        phone=phone,
        purpose=purpose,
        code_hash=make_password(code),
        created_at=now,
        expires_at=now + settings.SMS_CODE_TTL,
    )
    minutes = max(1, int(settings.SMS_CODE_TTL / timedelta(minutes=1)))
    if purpose == PhoneCode.Purpose.PASSWORD_RESET:
        text = _(
            "[Shequtong] Your code to reset your password is %(code)s, valid for %(minutes)d "
            "minutes. If you did not ask for it, ignore this message."
        )
    else:
        text = _("[Shequtong] Your verification code is %(code)s, valid for %(minutes)d minutes.")
    if deliver:
        send_sms(phone, text % {"code": code, "minutes": minutes})
    return record


def phone_code_consume(
    *,
    phone: str,
    code: str,
    client_ip: str,
    field: str = "sms_code",
    purpose: str = PhoneCode.Purpose.VERIFY,
) -> None:
    """Accept ``code`` for ``phone`` and ``purpose`` once, or raise Invalid naming ``field``.

    Every try counts, per number and per address, for joining and resetting alike (and
    each code dies after SMS_CODE_MAX_ATTEMPTS wrong ones): six digits cannot be guessed by
    asking for fresh codes or by spreading the guesses over numbers.
    """
    throttle.hit("sms-check-phone", phone, settings.SMS_CODE_CHECK_LIMIT)
    throttle.hit("sms-check-ip", client_ip, settings.SMS_CODE_CHECK_IP_LIMIT)
    wrong = _("The verification code is wrong or has expired.")
    with transaction.atomic():
        record = (
            PhoneCode.objects.select_for_update()
            .filter(
                phone=phone,
                purpose=purpose,
                used_at__isnull=True,
                expires_at__gt=timezone.now(),
            )
            .order_by("-created_at")
            .first()
        )
        if record is None or record.attempts >= settings.SMS_CODE_MAX_ATTEMPTS:
            accepted = False
        elif check_password(code.strip(), record.code_hash):
            record.used_at = timezone.now()
            record.save(update_fields=["used_at"])
            accepted = True
        else:
            record.attempts += 1
            record.save(update_fields=["attempts"])
            accepted = False
    if not accepted:
        raise Invalid(wrong, code="bad_sms_code", errors={field: wrong})
