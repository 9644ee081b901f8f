"""Hiding, removing, restoring and pinning messages; locking groups: who may, what each
person then sees, the live frames and the audit entries — and refusals that change nothing."""

from __future__ import annotations

from typing import Any

import pytest

from chat import selectors
from chat.models import Conversation, Message
from chat.moderation import message_hide
from chat.services import knock, message_delete
from chat.shapes import message_out
from communities.errors import Forbidden
from communities.moderation.models import AuditEntry
from realtime.models import Event
from tests.conftest import client_for

from .conftest import Mod, Say

STAFF = ("li_wei", "zheng_hua", "zhang_min")
# Read the estate group but do not moderate it: 403.
READERS = ("wang_fang", "zhao_lei", "liu_yang", "huang_jun")
# Do not read it at all: 404, as if it did not exist.
OUTSIDERS = ("zhou_qiang", "wu_hao", "song_yu", "lin_na", "chen_jie", "wusong_supervisor", "ma_lin")


def post(client: Any, path: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(path, body or {}, content_type="application/json")


def state(message: Message) -> tuple[Any, ...]:
    message.refresh_from_db()
    return (message.moderated, message.moderated_at, message.moderated_by_id, message.pinned_at)


def frames(conversation: int, kind: str) -> list[dict[str, Any]]:
    return [
        {**e.payload, "type": e.type}
        for e in Event.objects.filter(stream=f"conv.{conversation}", type=kind).order_by("id")
    ]


@pytest.mark.parametrize("name", STAFF)
def test_staff_hide_a_message_and_residents_lose_it(mod: Mod, say: Say, name: str) -> None:
    message = say(mod.wang_fang, "这里卖房，加微信")
    reply = say(mod.zhao_lei, "广告吧", reply_to=message.pk)
    response = post(
        client_for(mod.world.people[name]),
        f"/api/moderation/messages/{message.pk}/hide",
        {"reason": "广告"},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["moderated"] == "hidden"
    assert response.json()["body"] == "这里卖房，加微信"  # the moderator still reads it
    conversation = Conversation.objects.get(pk=mod.estate_chat)

    residents_view = selectors.history(conversation, before=None, limit=50)
    assert [m.pk for m in residents_view] == [reply.pk]
    assert message_out(residents_view[0])["reply_to"]["excerpt"] == ""
    moderators_view = selectors.history(conversation, before=None, limit=50, moderator=True)
    assert [(m.pk, m.moderated) for m in moderators_view] == [
        (message.pk, "hidden"),
        (reply.pk, ""),
    ]
    assert (
        message_out(moderators_view[1], moderator=True)["reply_to"]["excerpt"] == "这里卖房，加微信"
    )
    assert selectors.search(conversation, text="卖房") == []
    assert [m.pk for m in selectors.search(conversation, text="卖房", moderator=True)] == [
        message.pk
    ]
    assert selectors.unread_counts(mod.sun_li, [mod.estate_chat]).get(mod.estate_chat, 0) == 1

    assert frames(mod.estate_chat, "message.moderated") == [
        {
            "type": "message.moderated",
            "conversation": mod.estate_chat,
            "message_id": message.pk,
            "moderated": "hidden",
        }
    ]
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.target_kind, entry.target_id, entry.subject_id, entry.reason) == (
        "hide",
        "message",
        message.pk,
        mod.wang_fang.pk,
        "广告",
    )
    assert entry.community_id == mod.world.meiluo.pk
    assert entry.before == {"moderated": "", "pinned": False}
    assert entry.after == {"moderated": "hidden", "pinned": False}


@pytest.mark.parametrize("verb", ["hide", "remove", "restore", "pin", "unpin"])
@pytest.mark.parametrize(("names", "status"), [(READERS, 403), (OUTSIDERS, 404)])
def test_others_are_refused_and_nothing_changes(
    mod: Mod, say: Say, verb: str, names: tuple[str, ...], status: int
) -> None:
    message = say(mod.zhao_lei, "一条消息")
    if verb in ("restore",):
        message_hide(actor=mod.li_wei, message_id=message.pk, reason="试")
    if verb == "unpin":
        post(client_for(mod.li_wei), f"/api/moderation/messages/{message.pk}/pin")
    before, entries, events = state(message), AuditEntry.objects.count(), Event.objects.count()
    for name in names:
        response = post(
            client_for(mod.world.people[name]),
            f"/api/moderation/messages/{message.pk}/{verb}",
            {"reason": "x"},
        )
        assert response.status_code == status, (name, response.json())
        assert response.json()["code"] == ("not_moderator" if status == 403 else "not_found")
    assert state(message) == before
    assert (AuditEntry.objects.count(), Event.objects.count()) == (entries, events)


def test_remove_restore_and_the_frames(mod: Mod, say: Say) -> None:
    message = say(mod.wang_fang, "某某的手机号是138…")
    li = client_for(mod.li_wei)
    assert (
        post(li, f"/api/moderation/messages/{message.pk}/remove", {"reason": "隐私"}).json()[
            "moderated"
        ]
        == "removed"
    )
    restored = post(li, f"/api/moderation/messages/{message.pk}/restore")
    assert restored.status_code == 200
    assert restored.json()["moderated"] == ""
    assert [
        m.pk
        for m in selectors.history(
            Conversation.objects.get(pk=mod.estate_chat), before=None, limit=9
        )
    ] == [message.pk]
    (frame,) = frames(mod.estate_chat, "message.restored")
    assert frame["message"]["id"] == message.pk
    assert frame["message"]["body"] == "某某的手机号是138…"
    assert frame["message"]["moderated"] == ""
    assert [e.action for e in AuditEntry.objects.order_by("id")] == ["remove", "restore"]


def test_hide_refusals_of_bad_requests_change_nothing(mod: Mod, say: Say) -> None:
    message = say(mod.wang_fang, "消息")
    li = client_for(mod.li_wei)
    no_reason = post(li, f"/api/moderation/messages/{message.pk}/hide", {"reason": "  "})
    assert no_reason.status_code == 400
    assert "reason" in no_reason.json()["errors"]
    not_hidden = post(li, f"/api/moderation/messages/{message.pk}/restore")
    assert (not_hidden.status_code, not_hidden.json()["code"]) == (409, "not_moderated")
    assert post(li, "/api/moderation/messages/999999/hide", {"reason": "x"}).status_code == 404
    gone = say(mod.wang_fang, "删掉了")
    message_delete(actor=mod.wang_fang, message_id=gone.pk)
    deleted = post(li, f"/api/moderation/messages/{gone.pk}/hide", {"reason": "x"})
    assert (deleted.status_code, deleted.json()["code"]) == (409, "deleted")
    assert not AuditEntry.objects.exists()
    assert not frames(mod.estate_chat, "message.moderated")


def test_hiding_twice_changes_nothing_the_second_time(mod: Mod, say: Say) -> None:
    message = say(mod.wang_fang, "消息")
    li = client_for(mod.li_wei)
    for _ in range(2):
        assert (
            post(li, f"/api/moderation/messages/{message.pk}/hide", {"reason": "x"}).status_code
            == 200
        )
    assert AuditEntry.objects.count() == 1
    assert len(frames(mod.estate_chat, "message.moderated")) == 1


def test_pin_and_unpin_and_the_pinned_list(mod: Mod, say: Say) -> None:
    first, second = say(mod.wang_fang, "通知一"), say(mod.zhao_lei, "通知二")
    li = client_for(mod.li_wei)
    pinned = post(li, f"/api/moderation/messages/{first.pk}/pin")
    assert pinned.json()["pinned"] is True
    post(li, f"/api/moderation/messages/{second.pk}/pin")
    listed = client_for(mod.zhao_lei).get(f"/api/moderation/conversations/{mod.estate_chat}/pinned")
    assert [m["id"] for m in listed.json()] == [second.pk, first.pk]
    assert (
        client_for(mod.chen_jie)
        .get(f"/api/moderation/conversations/{mod.estate_chat}/pinned")
        .status_code
        == 404
    )
    assert post(li, f"/api/moderation/messages/{first.pk}/unpin").json()["pinned"] is False
    (pin_frame, _, unpin_frame) = frames(mod.estate_chat, "message.pinned")
    assert (pin_frame["message_id"], pin_frame["pinned"], pin_frame["message"]["pinned"]) == (
        first.pk,
        True,
        True,
    )
    assert (unpin_frame["message_id"], unpin_frame["pinned"]) == (first.pk, False)
    # Hiding a pinned message unpins it; a hidden message cannot be pinned.
    post(li, f"/api/moderation/messages/{second.pk}/hide", {"reason": "x"})
    assert (
        client_for(mod.zhao_lei)
        .get(f"/api/moderation/conversations/{mod.estate_chat}/pinned")
        .json()
        == []
    )
    refused = post(li, f"/api/moderation/messages/{second.pk}/pin")
    assert (refused.status_code, refused.json()["code"]) == (409, "not_visible")
    assert [e.action for e in AuditEntry.objects.order_by("id")] == ["pin", "pin", "unpin", "hide"]


def test_topic_group_admins_moderate_their_group_only(mod: Mod, say: Say) -> None:
    in_topic = say(mod.zhao_lei, "话题里的消息", conversation=mod.topic)
    in_estate = say(mod.zhao_lei, "小区群里的消息")
    wang = client_for(mod.wang_fang)
    assert (
        post(wang, f"/api/moderation/messages/{in_topic.pk}/hide", {"reason": "跑题"}).status_code
        == 200
    )
    assert (
        post(wang, f"/api/moderation/messages/{in_estate.pk}/hide", {"reason": "x"}).status_code
        == 403
    )
    assert (
        post(client_for(mod.li_wei), f"/api/moderation/messages/{in_topic.pk}/restore").status_code
        == 200
    )


def test_nobody_moderates_a_knock(mod: Mod, say: Say) -> None:
    conversation = knock(user=mod.wang_fang, target_id=mod.li_wei.pk)
    message = say(mod.wang_fang, "李老师好", conversation=conversation.pk)
    response = post(
        client_for(mod.li_wei), f"/api/moderation/messages/{message.pk}/hide", {"reason": "x"}
    )
    assert (response.status_code, response.json()["code"]) == (403, "not_moderator")
    lock = post(client_for(mod.li_wei), f"/api/moderation/conversations/{conversation.pk}/lock")
    assert lock.status_code == 403
    assert not AuditEntry.objects.exists()


def test_lock_makes_the_group_read_only_until_unlocked(mod: Mod, say: Say) -> None:
    li = client_for(mod.li_wei)
    locked = post(li, f"/api/moderation/conversations/{mod.estate_chat}/lock", {"reason": "吵架"})
    assert locked.status_code == 200
    assert (locked.json()["locked"], locked.json()["moderate"]) == (True, True)
    with pytest.raises(Forbidden) as refused:
        say(mod.wang_fang, "还能说话吗")
    assert refused.value.code == "locked"
    with pytest.raises(Forbidden):
        say(mod.li_wei, "本群暂停发言")  # read-only for everyone, moderators too
    assert (
        post(li, f"/api/moderation/conversations/{mod.estate_chat}/unlock").json()["locked"]
        is False
    )
    say(mod.wang_fang, "可以了")
    assert [f["locked"] for f in frames(mod.estate_chat, "conversation.locked")] == [True, False]
    assert [(e.action, e.reason) for e in AuditEntry.objects.order_by("id")] == [
        ("lock", "吵架"),
        ("unlock", ""),
    ]


@pytest.mark.parametrize(("names", "status"), [(READERS, 403), (OUTSIDERS, 404)])
def test_others_cannot_lock(mod: Mod, names: tuple[str, ...], status: int) -> None:
    for name in names:
        response = post(
            client_for(mod.world.people[name]),
            f"/api/moderation/conversations/{mod.estate_chat}/lock",
        )
        assert response.status_code == status, name
    assert Conversation.objects.get(pk=mod.estate_chat).locked is False
    assert not AuditEntry.objects.exists()
    assert not frames(mod.estate_chat, "conversation.locked")


def test_the_author_cannot_edit_or_anyone_like_a_hidden_message(mod: Mod, say: Say) -> None:
    from chat.services import message_edit, message_like
    from communities.errors import NotFound

    message = say(mod.wang_fang, "原话")
    message_hide(actor=mod.li_wei, message_id=message.pk, reason="x")
    with pytest.raises(Forbidden) as refused:
        message_edit(editor=mod.wang_fang, message_id=message.pk, body="改了再发出来")
    assert refused.value.code == "moderated"
    with pytest.raises(NotFound):
        message_like(user=mod.zhao_lei, message_id=message.pk, liked=True)
    message.refresh_from_db()
    assert (message.body, message.edited_at) == ("原话", None)
    assert not frames(mod.estate_chat, "message.edited")
    assert not frames(mod.estate_chat, "message.liked")
