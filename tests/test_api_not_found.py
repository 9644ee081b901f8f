"""An address under /api/ that no endpoint has answers in the API's error format."""

from __future__ import annotations

import pytest
from django.test import Client

from communities.errors import NotFound


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/boards/posts/x", "/api/no-such-thing", "/api/cases/9x"])
def test_an_unknown_api_address_is_a_json_404(url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"detail", "code"}
    assert body["code"] == "not_found"
    assert body["detail"] == str(NotFound.default_message)


@pytest.mark.django_db
def test_a_page_address_still_gets_the_app_and_admin_its_own_404() -> None:
    assert Client().get("/boards/posts/x").status_code == 200
    response = Client().get("/admin/no-such-page/")
    assert response.status_code in (302, 404)
    assert not response.get("Content-Type", "").startswith("application/json")
