"""Accounts: the CSRF cookie, logging in and out, bearer tokens, who I am, SMS codes."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import login, logout
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils.translation import gettext as _
from ninja import Status

from realtime.tokens import token_issue

from .. import services
from ..phone import mask_phone, normalize_phone, phone_code_send
from .common import LOGGED_IN, client_ip, current_user, require_csrf, router
from .schemas import CsrfOut, LoginIn, MeOut, SmsCodeIn, SmsCodeOut, TokenOut, me_out


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
        username=payload.username, password=payload.password, client_ip=client_ip(request)
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
        username=payload.username, password=payload.password, client_ip=client_ip(request)
    )
    token, lifetime = token_issue(user=user)
    return {"token": token, "expires_in": lifetime, "user_id": user.pk}


@router.get(
    "/me", response=MeOut, auth=LOGGED_IN, tags=["accounts"], operation_id="communities_api_me"
)
def me(request: HttpRequest) -> dict[str, object]:
    """Who I am: memberships, roles, and the communities whose queue I review."""
    return me_out(current_user(request))


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
