"""The one security header Django does not send itself (Permissions-Policy), and the page
django-axes answers a locked-out login with."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _


class PermissionsPolicyMiddleware:
    """Adds ``Permissions-Policy: PERMISSIONS_POLICY`` to every response that has none, so a
    page (or anything injected into it) cannot turn on the camera, microphone or location."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = settings.PERMISSIONS_POLICY
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = policy
        return response


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: object = None
) -> HttpResponse:
    """django-axes' answer to the login that locked an account (AXES_LOCKOUT_CALLABLE).

    The API has already answered with its own 429 error (``locked_out``, translated, with
    Retry-After): keep it. Elsewhere (the admin's login page) a plain translated 429.
    """
    if original_response is not None and request.path.startswith("/api/"):
        return original_response
    message = _(
        "This account is locked after too many failed logins. Ask an administrator or your "
        "residents' committee to unlock it."
    )
    return HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
