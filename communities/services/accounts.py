"""Writes of accounts: checking a login."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.translation import gettext as _

from .. import throttle
from ..errors import Invalid
from ..models import User
from ..phone import normalize_phone


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
