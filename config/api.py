"""The HTTP JSON API under /api/, with its OpenAPI schema at /api/openapi.json.

Every error leaves as ``{"detail": ..., "code": ..., "errors": {field: message}}``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError

from chat.api import router as chat_router
from communities.api import router as communities_router
from communities.boards.api import router as boards_router
from communities.cases.api import router as cases_router
from communities.cases.figures_api import router as case_figures_router
from communities.errors import ServiceError, Throttled
from communities.moderation.api import router as moderation_router
from communities.moderation.console_api import router as console_router
from communities.volunteering.api import party_router, volunteer_router
from notifications.api import router as notifications_router

# The one error body every endpoint answers with (see the handlers below), as the schema
# documents it.
ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "what went wrong, in the user's language"},
        "code": {"type": "string", "description": "a stable code for clients (docs/api.md)"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "a message per field that was refused",
        },
    },
    "required": ["detail", "code"],
}
ERROR_RESPONSES = {
    "4XX": {
        "description": "Refused: bad input (400), not logged in (401), not allowed (403), "
        "not found or not visible (404), a conflict with the current state (409), too "
        "many attempts (429, with Retry-After).",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
}


class Api(NinjaAPI):
    """django-ninja's API whose schema also documents the error body: every operation may
    answer any 4xx with it, declared once here rather than on each endpoint."""

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                responses = operation.setdefault("responses", {})
                for status, response in ERROR_RESPONSES.items():
                    responses.setdefault(status, response)
        return schema


api = Api(
    title="Shequtong API",
    version="1",
    description="Real-name neighbourhood platform. See docs/ for the WebSocket protocol.",
    openapi_url="/openapi.json",
    docs_url="/docs",
    urls_namespace="api",
)
api.add_router("", communities_router)
api.add_router("", chat_router)
api.add_router("", boards_router)
api.add_router("", moderation_router)
api.add_router("", party_router)
api.add_router("", volunteer_router)
api.add_router("", console_router)
api.add_router("", notifications_router)
api.add_router("", case_figures_router)
api.add_router("", cases_router)


def error_body(detail: str, code: str, errors: dict[str, str] | None = None) -> dict[str, object]:
    body: dict[str, object] = {"detail": detail, "code": code}
    if errors:
        body["errors"] = errors
    return body


@api.exception_handler(ServiceError)
def service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    response = api.create_response(
        request, error_body(exc.message, exc.code, exc.errors), status=exc.status
    )
    if isinstance(exc, Throttled):
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(AuthenticationError)
def not_authenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    body = error_body(_("Please log in first."), "not_authenticated")
    return api.create_response(request, body, status=401)


@api.exception_handler(SchemaValidationError)
def schema_invalid(request: HttpRequest, exc: SchemaValidationError) -> HttpResponse:
    errors: dict[str, str] = {}
    for item in exc.errors:
        location = [str(part) for part in item.get("loc", ())]
        # ("body", "payload", field …): drop where it came from, keep the field (even one
        # named "body").
        if location[:1] and location[0] in ("body", "query", "path", "form", "file"):
            location = location[1:]
        if location[:1] == ["payload"]:
            location = location[1:]
        field = location[-1] if location else "__all__"
        errors.setdefault(field, str(item.get("msg", "")))
    body = error_body(_("Please correct the marked fields."), "invalid", errors)
    return api.create_response(request, body, status=400)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, error_body(str(exc), "error"), status=exc.status_code)
