"""The moderation admin pages open for a superuser and change nothing."""

from __future__ import annotations

from django.test import Client

from chat.moderation import message_hide
from communities.moderation.models import AuditEntry
from tests.conftest import make_user

from .conftest import Mod, Say


def test_admin_lists_open_and_nothing_can_be_changed(mod: Mod, say: Say) -> None:
    message = say(mod.wang_fang, "消息")
    message_hide(actor=mod.li_wei, message_id=message.pk, reason="广告")
    admin = make_user("root")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = Client()
    client.force_login(admin)
    for name in ("auditentry", "report", "restriction", "wordfilter"):
        assert client.get(f"/admin/moderation/{name}/").status_code == 200, name
    entry = AuditEntry.objects.get()
    assert client.get(f"/admin/moderation/auditentry/{entry.pk}/change/").status_code == 200
    assert (
        client.post(f"/admin/moderation/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert client.get("/admin/moderation/auditentry/add/").status_code == 403
    assert AuditEntry.objects.get().reason == "广告"
