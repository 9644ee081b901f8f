"""The cases' documentation cannot drift from the code: every endpoint of the cases router
is in docs/api.md, and each case.* frame carries exactly the fields docs/protocol.md lists
for it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from communities.cases import live
from communities.cases.api import router
from communities.cases.models import Case, Entry
from tests.cases.api_world import api, cases_world
from tests.conftest import World

pytestmark = pytest.mark.django_db

DOCS = Path(settings.BASE_DIR) / "docs"


def documented_paths() -> set[str]:
    """Each ``METHOD /api/cases…`` of docs/api.md, with ``{}`` for any path parameter."""
    text = (DOCS / "api.md").read_text()
    return {
        f"{method} {re.sub(r'{[^}]+}', '{}', path)}"
        for method, path in re.findall(r"`(GET|POST) (/api/cases[^`?]*)", text)
    }


def test_every_cases_endpoint_is_in_the_api_docs() -> None:
    documented = documented_paths()
    served = {
        f"{method} {re.sub(r'{[^}]+}', '{}', '/api' + path)}"
        for path, view in router.path_operations.items()
        for operation in view.operations
        for method in operation.methods
    }
    assert len(served) == 28
    assert served - documented == set()


def protocol_fields() -> dict[str, set[str]]:
    """``case.*`` type → the backticked fields of its row in the cases table."""
    text = (DOCS / "protocol.md").read_text()
    section = text.split("## Things nearby (cases)", 1)[1]
    fields: dict[str, set[str]] = {}
    for row in re.findall(r"^\|(.+)\|\s*$", section, flags=re.M):
        cells = [cell.strip() for cell in row.split("|")]
        names = re.findall(r"`(case\.[a-z_]+)`", cells[0])
        for name in names:
            fields[name] = set(re.findall(r"`([a-z_]+)`", cells[2]))
    return fields


def test_every_case_frame_has_the_documented_fields(world: World) -> None:
    cw = cases_world(world)
    case_id = api(cw.wang_fang).raise_case(cw)["id"]
    case = Case.objects.get(pk=case_id)
    entry = Entry.objects.filter(case=case).first()
    assert entry is not None
    frames = [
        live.created(case),
        live.updated(case),
        live.entry(entry, case),
        live.queue(case, "added"),
        live.queue(case, "removed"),
        live.flagged(case),
    ]
    documented = protocol_fields()
    assert set(documented) == {str(frame["type"]) for frame in frames}
    for frame in frames:
        assert set(frame) - {"type"} == documented[str(frame["type"])], frame["type"]
