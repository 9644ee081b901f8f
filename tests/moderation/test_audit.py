"""The audit log: readable by the committee and the supervisors above, filtered and paged;
nobody can change or delete an entry — not the model, not a queryset, not raw SQL."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from chat.moderation import conversation_lock, message_hide
from communities.moderation.models import AuditEntry
from communities.moderation.services import word_filter_update
from tests.conftest import client_for

from .conftest import Mod, Say


@pytest.fixture
def logged(mod: Mod, say: Say) -> list[AuditEntry]:
    message = say(mod.wang_fang, "消息")
    message_hide(actor=mod.li_wei, message_id=message.pk, reason="广告")
    conversation_lock(
        actor=mod.zheng_hua, conversation_id=mod.estate_chat, locked=True, reason="吵架"
    )
    word_filter_update(
        actor=mod.zhang_min, community_id=mod.world.meiluo.pk, enabled=True, words=["敏感"]
    )
    return list(AuditEntry.objects.order_by("id"))


def audit_path(mod: Mod, query: str = "") -> str:
    return f"/api/moderation/communities/{mod.world.meiluo.pk}/audit{query}"


@pytest.mark.parametrize("name", ["li_wei", "zheng_hua", "zhang_min", "liu_yang", "huang_jun"])
def test_staff_and_supervisors_above_read_the_log(
    mod: Mod, logged: list[AuditEntry], name: str
) -> None:
    response = client_for(mod.world.people[name]).get(audit_path(mod))
    assert response.status_code == 200
    rows = response.json()
    assert [row["action"] for row in rows] == ["filter", "lock", "hide"]  # newest first
    hide = rows[2]
    assert hide["actor"] == {"id": mod.li_wei.pk, "name": mod.li_wei.name, "party": False}
    assert (hide["target_kind"], hide["subject"]["id"], hide["reason"]) == (
        "message",
        mod.wang_fang.pk,
        "广告",
    )
    assert hide["action_label"]
    assert (hide["before"], hide["after"]) == (
        {"moderated": "", "pinned": False},
        {"moderated": "hidden", "pinned": False},
    )


@pytest.mark.parametrize(
    "name",
    [
        "wang_fang",
        "zhao_lei",
        "zhou_qiang",
        "wu_hao",
        "song_yu",
        "lin_na",
        "chen_jie",
        "wusong_supervisor",
        "ma_lin",
    ],
)
def test_everyone_else_gets_404(mod: Mod, logged: list[AuditEntry], name: str) -> None:
    assert client_for(mod.world.people[name]).get(audit_path(mod)).status_code == 404


def test_filters_and_pages(mod: Mod, logged: list[AuditEntry]) -> None:
    li = client_for(mod.li_wei)
    assert [r["action"] for r in li.get(audit_path(mod, "?action=lock")).json()] == ["lock"]
    assert [r["action"] for r in li.get(audit_path(mod, "?target_kind=message")).json()] == ["hide"]
    first = li.get(audit_path(mod, "?limit=2")).json()
    assert [r["action"] for r in first] == ["filter", "lock"]
    rest = li.get(audit_path(mod, f"?limit=2&before={first[-1]['id']}")).json()
    assert [r["action"] for r in rest] == ["hide"]
    bad = li.get(audit_path(mod, "?action=erase"))
    assert (bad.status_code, list(bad.json()["errors"])) == (400, ["action"])


def test_no_entry_can_be_changed_or_deleted(mod: Mod, logged: list[AuditEntry]) -> None:
    entry = logged[0]
    entry.reason = "改写历史"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="改写历史")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    table = AuditEntry._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET reason = %s WHERE id = %s", ["改写历史", entry.pk])  # noqa: S608
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [entry.pk])  # noqa: S608
    assert list(AuditEntry.objects.order_by("id").values_list("reason", flat=True)) == [
        "广告",
        "吵架",
        "",
    ]


def test_no_endpoint_changes_entries(mod: Mod, logged: list[AuditEntry]) -> None:
    li = client_for(mod.li_wei)
    entry = logged[0]
    for method in (li.put, li.patch, li.delete, li.post):
        response = method(f"{audit_path(mod)}/{entry.pk}")
        assert response.status_code in (404, 405)
    assert AuditEntry.objects.count() == 3


def test_a_page_of_the_log_costs_the_same_however_long(
    mod: Mod, say: Say, django_assert_max_num_queries: Any
) -> None:
    for n in range(10):
        message_hide(actor=mod.li_wei, message_id=say(mod.wang_fang, f"消息{n}").pk, reason="x")
    client = client_for(mod.liu_yang)
    with django_assert_max_num_queries(6):  # session, user, place, standing (2), entries
        rows = client.get(audit_path(mod)).json()
    assert len(rows) == 10
