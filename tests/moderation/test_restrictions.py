"""Mutes and suspensions: who may impose and lift them, what they refuse (chat and boards),
that they end by themselves, and what the restricted person is told."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from chat.models import Conversation
from chat.services import knock, message_edit
from communities.boards.models import BoardKind, Post
from communities.boards.services import comment_create, post_create, post_edit, post_want
from communities.errors import Forbidden
from communities.models import Membership
from communities.moderation.models import AuditEntry, Restriction
from communities.rules.conversations import moderation_flags
from realtime.models import Event
from tests.conftest import client_for

from .conftest import Mod, Say

READERS = ("wang_fang", "zhao_lei", "liu_yang", "huang_jun")
OUTSIDERS = ("zhou_qiang", "wu_hao", "song_yu", "lin_na", "chen_jie", "wusong_supervisor")
NOT_STAFF = (*READERS, *OUTSIDERS)


def post(client: Any, path: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(path, body or {}, content_type="application/json")


def mute(mod: Mod, actor: str = "li_wei", user: str = "wang_fang", **body: Any) -> Any:
    payload = {"user_id": mod.world.people[user].pk, "minutes": 60, "reason": "刷屏", **body}
    return post(
        client_for(mod.world.people[actor]),
        f"/api/moderation/conversations/{mod.estate_chat}/mutes",
        payload,
    )


def suspend(mod: Mod, actor: str = "li_wei", user: str = "wang_fang", **body: Any) -> Any:
    payload = {
        "user_id": mod.world.people[user].pk,
        "minutes": 60 * 24,
        "reason": "多次辱骂邻居",
        **body,
    }
    return post(
        client_for(mod.world.people[actor]),
        f"/api/moderation/communities/{mod.world.meiluo.pk}/suspensions",
        payload,
    )


def nothing_restricted() -> bool:
    return not Restriction.objects.exists() and not AuditEntry.objects.exists()


def test_a_muted_member_cannot_post_in_that_group_until_it_ends(mod: Mod, say: Say) -> None:
    response = mute(mod)
    assert response.status_code == 201, response.json()
    shape = response.json()
    assert (shape["kind"], shape["conversation"], shape["user"]["id"], shape["reason"]) == (
        "mute",
        mod.estate_chat,
        mod.wang_fang.pk,
        "刷屏",
    )
    assert shape["community"] == {"id": mod.world.meiluo.pk, "name": mod.world.meiluo.name}
    with pytest.raises(Forbidden) as refused:
        say(mod.wang_fang, "我还能说话吗")
    assert refused.value.code == "muted"
    assert "刷屏" in refused.value.message
    say(mod.wang_fang, "话题群里可以", conversation=mod.topic)  # other groups: not muted
    say(mod.zhao_lei, "别人可以")
    # The person is told, live, and the conversation shape says until when.
    (event,) = Event.objects.filter(stream=f"user.{mod.wang_fang.pk}", type="restriction.changed")
    assert event.payload["restriction"]["id"] == shape["id"]
    conversation = Conversation.objects.select_related("place").get(pk=mod.estate_chat)
    flags = moderation_flags(mod.wang_fang, [conversation])[mod.estate_chat]
    assert (flags.moderate, flags.muted_until) == (False, Restriction.objects.get().until)
    assert moderation_flags(mod.li_wei, [conversation])[mod.estate_chat].moderate
    mine = client_for(mod.wang_fang).get("/api/moderation/me/restrictions").json()
    assert [r["id"] for r in mine] == [shape["id"]]
    # It ends by itself.
    Restriction.objects.update(until=timezone.now() - timedelta(seconds=1))
    say(mod.wang_fang, "又能说话了")
    assert client_for(mod.wang_fang).get("/api/moderation/me/restrictions").json() == []
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.subject_id, entry.target_kind, entry.target_id) == (
        "mute",
        mod.wang_fang.pk,
        "conversation",
        mod.estate_chat,
    )


def test_a_muted_member_cannot_edit_either(mod: Mod, say: Say) -> None:
    message = say(mod.wang_fang, "原来的话")
    mute(mod)
    with pytest.raises(Forbidden) as refused:
        message_edit(editor=mod.wang_fang, message_id=message.pk, body="改过的话")
    assert refused.value.code == "muted"


def test_topic_admins_mute_in_their_group(mod: Mod, say: Say) -> None:
    response = post(
        client_for(mod.wang_fang),
        f"/api/moderation/conversations/{mod.topic}/mutes",
        {"user_id": mod.zhao_lei.pk, "minutes": 5, "reason": "跑题"},
    )
    assert response.status_code == 201
    with pytest.raises(Forbidden):
        say(mod.zhao_lei, "跑题了", conversation=mod.topic)
    say(mod.zhao_lei, "小区群可以")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"minutes": 0}, "minutes"),
        ({"minutes": 30 * 24 * 60 + 1}, "minutes"),
        ({"reason": " "}, "reason"),
        ({"reason": "长" * 201}, "reason"),
        ({"user": "sun_li"}, "user_id"),  # lives in 美罗二期: not in this group
        ({"user": "chen_jie"}, "user_id"),
    ],
)
def test_bad_mutes_are_refused_with_the_field(mod: Mod, body: dict[str, Any], field: str) -> None:
    user = body.pop("user", "wang_fang")
    response = mute(mod, user=user, **body)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert nothing_restricted()


@pytest.mark.parametrize("target", ["li_wei", "zheng_hua", "zhang_min"])
def test_nobody_mutes_or_suspends_staff_or_themselves(mod: Mod, target: str) -> None:
    actor = "zheng_hua" if target == "li_wei" else "li_wei"
    for response in (mute(mod, actor=actor, user=target), suspend(mod, actor=actor, user=target)):
        assert (response.status_code, response.json()["code"]) == (403, "cannot_restrict")
    assert mute(mod, actor="li_wei", user="li_wei").json()["code"] == "cannot_restrict"
    assert suspend(mod, actor="li_wei", user="li_wei").json()["code"] == "cannot_restrict"
    assert nothing_restricted()


def test_a_topic_admin_cannot_mute_the_committee_in_their_group(mod: Mod) -> None:
    from chat.models import Participant

    Participant.objects.create(conversation_id=mod.topic, user=mod.li_wei)
    response = post(
        client_for(mod.wang_fang),
        f"/api/moderation/conversations/{mod.topic}/mutes",
        {"user_id": mod.li_wei.pk, "minutes": 5, "reason": "x"},
    )
    assert (response.status_code, response.json()["code"]) == (403, "cannot_restrict")
    assert nothing_restricted()


@pytest.mark.parametrize(("names", "status"), [(READERS, 403), (OUTSIDERS, 404)])
def test_others_cannot_mute(mod: Mod, names: tuple[str, ...], status: int) -> None:
    for name in names:
        response = mute(mod, actor=name, user="zhao_lei" if name == "wang_fang" else "wang_fang")
        assert response.status_code == status, name
    assert nothing_restricted()


@pytest.mark.parametrize("name", NOT_STAFF)
def test_only_staff_suspend(mod: Mod, name: str) -> None:
    response = suspend(mod, actor=name, user="zhao_lei" if name == "wang_fang" else "wang_fang")
    assert response.status_code == 404
    assert nothing_restricted()


def test_a_suspended_member_cannot_write_anywhere_in_the_community(mod: Mod, say: Say) -> None:
    chat_before = say(mod.wang_fang, "之前写的")
    aid = post_create(
        author=mod.wang_fang,
        board_id=mod.board(BoardKind.MUTUAL_AID).pk,
        title="求助",
        body="借梯子",
        extra={"need": "request"},
    )
    door = knock(user=mod.wang_fang, target_id=mod.li_wei.pk)
    response = suspend(mod)
    assert response.status_code == 201
    assert response.json()["kind"] == "suspension"
    attempts = [
        lambda: say(mod.wang_fang, "小区群"),
        lambda: say(mod.wang_fang, "话题群", conversation=mod.topic),
        lambda: say(mod.wang_fang, "敲门", conversation=door.pk),
        lambda: message_edit(editor=mod.wang_fang, message_id=chat_before.pk, body="改"),
        lambda: post_create(
            author=mod.wang_fang,
            board_id=mod.board(BoardKind.IDLE).pk,
            title="出闲置",
            body="旧书",
            extra={"item": "书", "deal": "free"},
        ),
        lambda: post_edit(editor=mod.wang_fang, post_id=aid.pk, title="改标题"),
        lambda: comment_create(author=mod.wang_fang, post_id=aid.pk, body="评论"),
    ]
    for attempt in attempts:
        with pytest.raises(Forbidden) as refused:
            attempt()
        assert refused.value.code == "suspended"
        assert "多次辱骂邻居" in refused.value.message
    assert Post.objects.filter(author=mod.wang_fang).count() == 1
    # "I want it" would open a knock and post in it: refused before either.
    item = post_create(
        author=mod.zhao_lei,
        board_id=mod.board(BoardKind.IDLE).pk,
        title="送旧书",
        body="一箱",
        extra={"item": "书", "deal": "free"},
    )
    knocks = Conversation.objects.filter(kind="direct").count()
    with pytest.raises(Forbidden):
        post_want(user=mod.wang_fang, post_id=item.pk)
    assert Conversation.objects.filter(kind="direct").count() == knocks
    assert Post.objects.get(pk=aid.pk).title == "求助"
    # Others write on; a suspension elsewhere changes nothing here.
    say(mod.zhao_lei, "别人可以")
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.target_kind, entry.target_id, entry.reason) == (
        "suspend",
        "user",
        mod.wang_fang.pk,
        "多次辱骂邻居",
    )


def test_a_suspension_elsewhere_does_not_count_here(mod: Mod, say: Say) -> None:
    Membership.objects.create(
        user=mod.wang_fang, estate=mod.world.gongkang_1, building="1", unit="1", room="1"
    )
    response = post(
        client_for(mod.lin_na),
        f"/api/moderation/communities/{mod.world.gongkang.pk}/suspensions",
        {"user_id": mod.wang_fang.pk, "minutes": 60, "reason": "别处的事"},
    )
    assert response.status_code == 201
    say(mod.wang_fang, "美罗这边照常")


def test_suspension_ends_by_itself_and_lifting_tells_the_person(mod: Mod, say: Say) -> None:
    shape = suspend(mod).json()
    lifted = client_for(mod.zheng_hua).delete(f"/api/moderation/restrictions/{shape['id']}")
    assert lifted.status_code == 204
    say(mod.wang_fang, "解除了")
    frames = Event.objects.filter(
        stream=f"user.{mod.wang_fang.pk}", type="restriction.changed"
    ).order_by("id")
    assert [f.payload["restriction"]["lifted_at"] is not None for f in frames] == [False, True]
    again = client_for(mod.zheng_hua).delete(f"/api/moderation/restrictions/{shape['id']}")
    assert (again.status_code, again.json()["code"]) == (409, "not_active")
    assert [e.action for e in AuditEntry.objects.order_by("id")] == ["suspend", "unsuspend"]
    # A fresh one that runs out.
    suspend(mod)
    Restriction.objects.filter(lifted_at__isnull=True).update(
        until=timezone.now() - timedelta(seconds=1)
    )
    say(mod.wang_fang, "到期了")


def test_a_second_mute_replaces_the_first(mod: Mod) -> None:
    first = mute(mod, minutes=5).json()
    second = mute(mod, minutes=120).json()
    assert Restriction.objects.get(pk=first["id"]).lifted_at is not None
    active = (
        client_for(mod.li_wei).get(f"/api/moderation/conversations/{mod.estate_chat}/mutes").json()
    )
    assert [r["id"] for r in active] == [second["id"]]
    before = AuditEntry.objects.latest("id").before
    assert before == {"until": Restriction.objects.get(pk=first["id"]).until.isoformat()}


@pytest.mark.parametrize("name", NOT_STAFF)
def test_others_cannot_lift(mod: Mod, name: str) -> None:
    shape = suspend(mod, user="zhao_lei" if name == "wang_fang" else "wang_fang").json()
    response = client_for(mod.world.people[name]).delete(
        f"/api/moderation/restrictions/{shape['id']}"
    )
    assert response.status_code == 404
    assert Restriction.objects.get().lifted_at is None
    assert AuditEntry.objects.count() == 1


def test_who_sees_the_lists(mod: Mod) -> None:
    mute(mod)
    suspend(mod, user="zhao_lei")
    mutes = f"/api/moderation/conversations/{mod.estate_chat}/mutes"
    suspensions = f"/api/moderation/communities/{mod.world.meiluo.pk}/suspensions"
    assert len(client_for(mod.li_wei).get(mutes).json()) == 1
    assert client_for(mod.wang_fang).get(mutes).status_code == 403
    assert client_for(mod.chen_jie).get(mutes).status_code == 404
    for name in ("li_wei", "liu_yang", "huang_jun"):  # staff and supervisors above
        assert [
            r["user"]["id"] for r in client_for(mod.world.people[name]).get(suspensions).json()
        ] == [mod.zhao_lei.pk]
    for name in ("wang_fang", "zhou_qiang", "lin_na", "wusong_supervisor"):
        assert client_for(mod.world.people[name]).get(suspensions).status_code == 404


def test_revoke_takes_the_person_out_of_every_estate(mod: Mod, say: Say) -> None:
    second = Membership.objects.create(
        user=mod.wang_fang, estate=mod.world.meiluo_2, building="2", unit="1", room="1"
    )
    path = f"/api/moderation/communities/{mod.world.meiluo.pk}/members/{mod.wang_fang.pk}/revoke"
    for name in (*NOT_STAFF,):
        assert (
            post(client_for(mod.world.people[name]), path, {"reason": "已搬走"}).status_code == 404
        )
    assert not AuditEntry.objects.exists()
    assert post(client_for(mod.li_wei), path, {"reason": " "}).status_code == 400
    assert post(client_for(mod.li_wei), path, {"reason": "已搬走"}).status_code == 204
    assert set(Membership.objects.filter(user=mod.wang_fang).values_list("status", flat=True)) == {
        "revoked"
    }
    entries = list(AuditEntry.objects.order_by("id"))
    assert [(e.action, e.target_kind, e.subject_id) for e in entries] == [
        ("revoke", "membership", mod.wang_fang.pk)
    ] * 2
    assert {e.target_id for e in entries} == {
        second.pk,
        Membership.objects.get(user=mod.wang_fang, estate=mod.world.meiluo_1).pk,
    }
    again = post(client_for(mod.li_wei), path, {"reason": "已搬走"})
    assert (again.status_code, again.json()["code"]) == (400, "not_member")


def test_lifting_a_mute_is_audited_and_lets_the_person_speak(mod: Mod, say: Say) -> None:
    shape = mute(mod).json()
    assert (
        client_for(mod.wang_fang).delete(f"/api/moderation/restrictions/{shape['id']}").status_code
        == 404
    )
    assert (
        client_for(mod.zheng_hua).delete(f"/api/moderation/restrictions/{shape['id']}").status_code
        == 204
    )
    say(mod.wang_fang, "谢谢")
    entries = [(e.action, e.target_kind, e.target_id) for e in AuditEntry.objects.order_by("id")]
    assert entries == [
        ("mute", "conversation", mod.estate_chat),
        ("unmute", "conversation", mod.estate_chat),
    ]
