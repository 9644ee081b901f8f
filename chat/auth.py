"""Who is on the other end of a WebSocket, and may their page connect at all."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlparse

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http.request import validate_host

from communities.tokens import token_user


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


class TokenAuthMiddleware:
    """A signed bearer token (header or ``?token=``) for clients without cookies."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        token = _bearer(scope)
        if token:
            user = await database_sync_to_async(token_user)(token)
            scope = {**scope, "user": user or AnonymousUser(), "auth": "token"}
        return await self.app(scope, receive, send)


class OriginGuard:
    """Refuse the handshake from a foreign page.

    Browsers always send Origin, and it must name one of ALLOWED_HOSTS. Only a
    token-authenticated client (not a browser) may connect without one.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        origin = _header(scope, b"origin")
        if origin:
            host = urlparse(origin).hostname or ""
            allowed = validate_host(host, settings.ALLOWED_HOSTS) and origin != "null"
        else:
            allowed = bool(_bearer(scope))
        if not allowed:
            denier = WebsocketDenier()
            return await denier(scope, receive, send)
        return await self.app(scope, receive, send)


def websocket_stack(app: Any) -> Any:
    return OriginGuard(AuthMiddlewareStack(TokenAuthMiddleware(app)))
