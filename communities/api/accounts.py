"""Accounts: the CSRF cookie, logging in and out, bearer tokens, who I am (and the session
check that is never an error), SMS codes, resetting a forgotten password, the display a
person chose."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import login, logout
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils.translation import gettext as _
from ninja import Status

from realtime.tokens import token_issue, token_user

from .. import services
from ..models import User
from ..phone import mask_phone, normalize_phone, phone_code_send
from .common import LOGGED_IN, client_ip, current_user, require_csrf, router
from .schemas import (
    CsrfOut,
    DisplayIn,
    DisplayOut,
    LoginIn,
    MeOut,
    PasswordResetIn,
    SessionOut,
    SmsCodeIn,
    SmsCodeOut,
    TokenOut,
    display_out,
    me_out,
)


@router.get(
    "/auth/csrf",
    response=CsrfOut,
    auth=None,
    tags=["accounts"],
    operation_id="communities_api_csrf",
)
def csrf(request: HttpRequest) -> dict[str, str]:
    """Set the CSRF cookie; send its value as X-CSRFToken on every POST."""
    return {"csrf_token": get_token(request)}


@router.post(
    "/auth/login",
    response=MeOut,
    auth=None,
    tags=["accounts"],
    operation_id="communities_api_auth_login",
)
def auth_login(request: HttpRequest, payload: LoginIn) -> dict[str, object]:
    """Log in with a username or phone number; failures are throttled."""
    require_csrf(request)
    user = services.account_authenticate(
        request=request,
        username=payload.username,
        password=payload.password,
        client_ip=client_ip(request),
    )
    login(request, user)
    return me_out(user)


@router.post(
    "/auth/logout",
    response={204: None},
    auth=None,
    tags=["accounts"],
    operation_id="communities_api_auth_logout",
)
def auth_logout(request: HttpRequest) -> Status[None]:
    require_csrf(request)
    logout(request)
    return Status(204, None)


@router.post(
    "/auth/token",
    response=TokenOut,
    auth=None,
    tags=["accounts"],
    operation_id="communities_api_auth_token",
)
def auth_token(request: HttpRequest, payload: LoginIn) -> dict[str, object]:
    """A signed, expiring bearer token for non-browser clients."""
    user = services.account_authenticate(
        request=request,
        username=payload.username,
        password=payload.password,
        client_ip=client_ip(request),
    )
    token, lifetime = token_issue(user=user)
    return {"token": token, "expires_in": lifetime, "user_id": user.pk}


@router.get(
    "/me", response=MeOut, auth=LOGGED_IN, tags=["accounts"], operation_id="communities_api_me"
)
def me(request: HttpRequest) -> dict[str, object]:
    """Who I am: memberships, roles, and the communities whose queue I review."""
    return me_out(current_user(request))


@router.get(
    "/auth/session",
    response=SessionOut,
    auth=None,
    tags=["accounts"],
    operation_id="communities_api_session",
)
def session(request: HttpRequest) -> dict[str, object]:
    """Who is logged in, answered 200 for a visitor too (``authenticated: false``): the app
    asks on every page, and a visitor is no error. ``GET /api/me`` keeps answering 401."""
    user: object = request.user
    bearer = request.headers.get("Authorization", "")
    if bearer.startswith("Bearer "):
        user = token_user(bearer.removeprefix("Bearer ").strip())
    known = isinstance(user, User) and user.is_authenticated and user.is_active
    return {
        "authenticated": known,
        "user": me_out(user) if known and isinstance(user, User) else None,
        "time_zone": settings.TIME_ZONE,
    }


@router.post(
    "/me/display",
    response=DisplayOut,
    auth=LOGGED_IN,
    tags=["accounts"],
    operation_id="communities_api_me_display",
)
def me_display(request: HttpRequest, payload: DisplayIn) -> dict[str, object]:
    """Remember the text size and contrast I chose, on my account (every device follows)."""
    user = services.account_display_update(
        user=current_user(request),
        text_size=payload.text_size,
        high_contrast=payload.high_contrast,
    )
    return display_out(user)


@router.post(
    "/auth/sms-code",
    response={202: SmsCodeOut},
    auth=None,
    tags=["accounts"],
    operation_id="communities_api_sms_code",
)
def sms_code(request: HttpRequest, payload: SmsCodeIn) -> Status[dict[str, object]]:
    """Send a one-time code to confirm a phone number."""
    require_csrf(request)
    phone = normalize_phone(payload.phone)
    phone_code_send(phone=phone, client_ip=client_ip(request))
    return Status(
        202,
        {
            "detail": _("A verification code has been sent to %(phone)s.")
            % {"phone": mask_phone(phone)},
            "expires_in": int(settings.SMS_CODE_TTL.total_seconds()),
            "resend_after": int(settings.SMS_CODE_RESEND_AFTER.total_seconds()),
        },
    )


@router.post(
    "/auth/password-reset/sms-code",
    response={202: SmsCodeOut},
    auth=None,
    tags=["accounts"],
    operation_id="communities_api_password_reset_code",
)
def password_reset_code(request: HttpRequest, payload: SmsCodeIn) -> Status[dict[str, object]]:
    """Send a code to reset the password of the account with this mobile number. The
    answer is the same whether or not the number has an account."""
    require_csrf(request)
    phone = services.password_reset_code_send(phone=payload.phone, client_ip=client_ip(request))
    return Status(
        202,
        {
            "detail": _("If %(phone)s belongs to an account, a code has been sent to it.")
            % {"phone": mask_phone(phone)},
            "expires_in": int(settings.SMS_CODE_TTL.total_seconds()),
            "resend_after": int(settings.SMS_CODE_RESEND_AFTER.total_seconds()),
        },
    )


@router.post(
    "/auth/password-reset",
    response=MeOut,
    auth=None,
    tags=["accounts"],
    operation_id="communities_api_password_reset",
)
def password_reset(request: HttpRequest, payload: PasswordResetIn) -> dict[str, object]:
    """Choose a new password with the code sent by SMS; the person is then logged in (every
    other session of theirs ends with the old password)."""
    require_csrf(request)
    user = services.password_reset(
        phone=payload.phone,
        sms_code=payload.sms_code,
        password=payload.password,
        client_ip=client_ip(request),
    )
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return me_out(user)
