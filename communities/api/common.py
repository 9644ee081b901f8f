"""The router every endpoint of ``communities.api`` registers on, and what they all need:
who is asking (a session or a bearer token), from which address, and the CSRF check."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja import Router
from ninja.security import HttpBearer, django_auth
from ninja.utils import check_csrf

from realtime.tokens import token_user

from ..errors import Forbidden, NotAuthenticated
from ..models import User


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>`` from POST /api/auth/token."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = token_user(token)
        if user is not None:
            request.user = user
        return user


LOGGED_IN = [TokenAuth(), django_auth]
router = Router()


def client_ip(request: HttpRequest) -> str:
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def require_csrf(request: HttpRequest) -> None:
    """Session-creating endpoints are open to anyone, so check CSRF by hand."""
    if request.headers.get("Authorization", "").startswith("Bearer "):
        return
    failure = check_csrf(request)
    if failure is not None:
        raise Forbidden(code="csrf_failed")


def current_user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise NotAuthenticated()
    return user
