"""Who is on the other end of a WebSocket, and may their page connect at all."""

from __future__ import annotations

from importlib import import_module
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs, urlparse

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.cookie import parse_cookie
from django.http.request import validate_host

from .tokens import token_user


def _header(scope: dict[str, Any], name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin1"))
    return ""


def _bearer(scope: dict[str, Any]) -> str:
    authorization = _header(scope, b"authorization")
    if authorization.startswith("Bearer "):
        return authorization.removeprefix("Bearer ").strip()
    query = parse_qs(scope.get("query_string", b"").decode("latin1"))
    return (query.get("token") or [""])[0]


def authenticate(scope: dict[str, Any]) -> Any:
    """The active user behind a handshake, or None. Synchronous: the consumer calls it in
    the same trip to the database thread as the rest of its set-up.

    A signed bearer token (``Authorization: Bearer`` or ``?token=``, for clients without
    cookies) wins over a session cookie; the session is checked as Django checks it for a
    request (its auth hash must match the user's password).
    """
    token = _bearer(scope)
    if token:
        return token_user(token)
    session_key = parse_cookie(_header(scope, b"cookie")).get(settings.SESSION_COOKIE_NAME)
    if not session_key:
        return None
    from django.contrib.auth import get_user

    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    user = get_user(SimpleNamespace(session=session))  # type: ignore[arg-type]
    if not user.is_authenticated or not user.is_active:
        return None
    return user


class OriginGuard:
    """Refuse the handshake from a foreign page.

    Browsers always send Origin, and it must name one of ALLOWED_HOSTS. Only a
    token-authenticated client (not a browser) may connect without one.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        # Not a coroutine itself: it hands back the one it chose, so an open socket's
        # stack holds no frame of this guard for its whole life.
        origin = _header(scope, b"origin")
        if origin:
            host = urlparse(origin).hostname or ""
            allowed = validate_host(host, settings.ALLOWED_HOSTS) and origin != "null"
        else:
            allowed = bool(_bearer(scope))
        if not allowed:
            return WebsocketDenier()(scope, receive, send)
        return self.app(scope, receive, send)


def websocket_stack(app: Any) -> Any:
    """No session or auth middleware: they copy the scope, hop to the database thread and
    wrap every outgoing message of the socket's life; the consumer authenticates with
    ``authenticate`` instead."""
    return OriginGuard(app)
