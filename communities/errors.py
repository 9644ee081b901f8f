"""Errors the services raise; the API and the WebSocket layer turn them into replies.

Each carries a machine-readable ``code``, a translated message and, for bad input,
the message per field. Raising one changes nothing: services validate and authorise
before they write.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from realtime.protocol import Refusal


class ServiceError(Refusal):
    status = 400
    code = "invalid"
    default_message = _("The request is not valid.")

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        errors: dict[str, str] | None = None,
    ) -> None:
        self.message = str(message if message is not None else self.default_message)
        if code is not None:
            self.code = code
        self.errors = {field: str(text) for field, text in (errors or {}).items()}
        super().__init__(self.message)


class Invalid(ServiceError):
    status = 400
    code = "invalid"


class NotAuthenticated(ServiceError):
    status = 401
    code = "not_authenticated"
    default_message = _("Please log in first.")


class Forbidden(ServiceError):
    status = 403
    code = "forbidden"
    default_message = _("You are not allowed to do this here.")


class NotFound(ServiceError):
    """Missing, or not yours to see: the two are never told apart."""

    status = 404
    code = "not_found"
    default_message = _("Not found.")


class Conflict(ServiceError):
    status = 409
    code = "conflict"
    default_message = _("This conflicts with the current state.")


class Throttled(ServiceError):
    status = 429
    code = "throttled"
    default_message = _("Too many attempts. Please wait and try again.")

    def __init__(self, message: str | None = None, *, retry_after: int = 60) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class LockedOut(Throttled):
    """An account locked after too many failed logins (django-axes): it opens again by
    itself, by a password reset, or when the committee or an admin lifts the lock."""

    code = "locked_out"
    default_message = _("This account is locked after too many failed logins.")
