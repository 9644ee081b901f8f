"""Every response carries the Content-Security-Policy (no inline script) and the security
headers; HSTS only over HTTPS, when the setting asks for it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client


def directives(response: Any) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


@pytest.mark.parametrize("path", ["/", "/login", "/api/auth/session", "/sw.js"])
def test_the_policy_forbids_inline_script_and_foreign_origins(db: None, path: str) -> None:
    response = Client().get(path)
    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    # What the app needs: its socket, upload previews, the inlined icon font, its worker.
    assert "'self'" in policy["connect-src"]
    assert any(src.startswith("ws://") for src in policy["connect-src"])
    assert {"'self'", "data:", "blob:"} <= set(policy["img-src"])
    assert "data:" in policy["font-src"]
    assert policy["worker-src"] == ["'self'"]
    assert policy["manifest-src"] == ["'self'"]


def test_the_security_headers(db: None) -> None:
    response = Client().get("/login")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert "Strict-Transport-Security" not in response  # plain HTTP, no setting


def test_hsts_over_https_when_set(db: None, settings: Any) -> None:
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    assert "Strict-Transport-Security" not in Client().get("/login")
    response = Client().get("/login", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
