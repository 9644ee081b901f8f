"""Topic groups (专题公共群) through the HTTP API: proposing, joining, leaving — and refusals."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.test import Client

from chat.models import Conversation, Participant
from chat.selectors import topics as topic_selectors
from realtime.groups import community_staff_feed, user_group
from realtime.models import Event
from tests.conftest import World, client_for

IN_MEMORY = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


@pytest.fixture(autouse=True)
def _in_memory_layer(settings: Any) -> None:
    """A fresh in-memory layer per test, whatever the run is configured with."""
    settings.CHANNEL_LAYERS = IN_MEMORY


def post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, json.dumps(body or {}), content_type="application/json")


class Inbox:
    """A channel of the in-memory layer listening to some groups."""

    def __init__(self, *groups: str) -> None:
        self.layer = get_channel_layer()
        assert self.layer is not None
        self.channel = async_to_sync(self.layer.new_channel)()
        for group in groups:
            async_to_sync(self.layer.group_add)(group, self.channel)

    def frames(self) -> list[dict[str, Any]]:
        """Every frame delivered so far (each arrives as {"type": "deliver", "frame": …})."""
        return async_to_sync(self._drain)()

    async def _drain(self) -> list[dict[str, Any]]:
        assert self.layer is not None
        frames: list[dict[str, Any]] = []
        while True:
            try:
                message = await asyncio.wait_for(self.layer.receive(self.channel), 0.05)
            except TimeoutError:
                return frames
            assert message["type"] == "deliver"
            frames.append(message["frame"])


def topics_url(world: World) -> str:
    return f"/api/chat/communities/{world.meiluo.pk}/topics"


def open_group(world: World, title: str = "广场舞") -> int:
    """A group li_wei (committee) opened; he is its admin."""
    response = post(client_for(world.li_wei), topics_url(world), {"title": title})
    assert response.status_code == 201, response.content
    return int(response.json()["id"])


def join(world: World, topic: int, person: str) -> None:
    response = post(client_for(world.people[person]), f"/api/chat/topics/{topic}/apply")
    assert response.status_code == 201, response.content
    decided = post(
        client_for(world.li_wei), f"/api/chat/topic-applications/{response.json()['id']}/approve"
    )
    assert decided.status_code == 200, decided.content


def titles(client: Client, world: World) -> list[str]:
    response = client.get(topics_url(world))
    assert response.status_code == 200, response.content
    return [topic["title"] for topic in response.json()]


def test_committee_opens_a_group_and_joins_it_live(
    neighbours: World, django_capture_on_commit_callbacks: Any
) -> None:
    world = neighbours
    inbox = Inbox(user_group(world.li_wei.pk))
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client_for(world.li_wei),
            topics_url(world),
            {"title": " 广场舞 ", "description": "每晚"},
        )
        assert inbox.frames() == []  # nothing leaves before the commit
    assert response.status_code == 201
    topic = response.json()
    assert topic | {"id": 0, "created_at": ""} == {
        "id": 0,
        "title": "广场舞",
        "description": "每晚",
        "approved": True,
        "locked": False,
        "member_count": 1,
        "my_status": "active",
        "my_role": "admin",
        "created_at": "",
    }
    [joined] = inbox.frames()
    assert joined == {
        "type": "conversation.joined",
        "id": joined["id"],
        "stream": user_group(world.li_wei.pk),
        "conversation": {
            "id": topic["id"],
            "kind": "topic",
            "title": "广场舞",
            "description": "每晚",
            "place": world.meiluo.pk,
            "locked": False,
            "unread": 0,
            "peer": None,
            "moderate": False,
            "muted_until": None,
        },
    }
    # Every resident sees it, with no status of their own yet.
    listed = client_for(world.sun_li).get(topics_url(world)).json()
    assert [(t["title"], t["member_count"], t["my_status"]) for t in listed] == [
        ("广场舞", 1, None)
    ]


def test_a_residents_proposal_is_hidden_until_the_committee_approves(
    neighbours: World, django_capture_on_commit_callbacks: Any
) -> None:
    world = neighbours
    staff = Inbox(community_staff_feed(world.meiluo.pk))
    proposer = Inbox(user_group(world.wang_fang.pk))
    wang_fang = client_for(world.wang_fang)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(wang_fang, topics_url(world), {"title": "读书会"})
    assert response.status_code == 201
    topic = response.json()
    assert (topic["approved"], topic["my_role"]) == (False, "admin")
    [proposed] = staff.frames()
    assert proposed == {
        "type": "topic.proposed",
        "id": proposed["id"],
        "stream": community_staff_feed(world.meiluo.pk),
        "conversation": {
            "id": topic["id"],
            "kind": "topic",
            "title": "读书会",
            "description": "",
            "place": world.meiluo.pk,
            "locked": False,
            "unread": 0,
            "peer": None,
            "moderate": False,
            "muted_until": None,
        },
    }
    assert proposer.frames() == []  # not live yet

    assert titles(client_for(world.sun_li), world) == []
    assert titles(wang_fang, world) == ["读书会"]
    assert titles(client_for(world.li_wei), world) == ["读书会"]
    url = f"/api/chat/topics/{topic['id']}"
    assert post(client_for(world.sun_li), f"{url}/apply").status_code == 404
    assert post(client_for(world.chen_jie), f"{url}/approve").status_code == 404

    refused = post(wang_fang, f"{url}/approve")
    assert (refused.status_code, refused.json()["code"]) == (403, "not_staff")
    assert post(client_for(world.zhao_lei), f"{url}/approve").status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        approved = post(client_for(world.li_wei), f"{url}/approve")
    assert approved.status_code == 200
    assert approved.json()["approved"] is True
    [joined] = proposer.frames()
    assert (joined["type"], joined["conversation"]["id"]) == ("conversation.joined", topic["id"])
    assert titles(client_for(world.sun_li), world) == ["读书会"]
    again = post(client_for(world.li_wei), f"{url}/approve")
    assert (again.status_code, again.json()["code"]) == (409, "not_pending")


def test_a_refused_proposal_is_gone_and_the_proposer_hears_why(
    neighbours: World, django_capture_on_commit_callbacks: Any
) -> None:
    world = neighbours
    topic = post(client_for(world.wang_fang), topics_url(world), {"title": "读书会"}).json()
    url = f"/api/chat/topics/{topic['id']}/reject"
    missing = post(client_for(world.li_wei), url, {"reason": "  "})
    assert missing.status_code == 400
    assert "reason" in missing.json()["errors"]
    assert post(client_for(world.wang_fang), url, {"reason": "no"}).status_code == 403

    proposer = Inbox(user_group(world.wang_fang.pk))
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client_for(world.li_wei), url, {"reason": "已有同类群"})
    assert response.status_code == 204
    [rejected] = proposer.frames()
    assert rejected == {
        "type": "topic.rejected",
        "id": rejected["id"],
        "stream": user_group(world.wang_fang.pk),
        "conversation": topic["id"],
        "title": "读书会",
        "reason": "已有同类群",
    }
    assert not Conversation.objects.filter(pk=topic["id"]).exists()


@pytest.mark.parametrize(
    ("person", "status"),
    [("zhou_qiang", 403), ("liu_yang", 403), ("chen_jie", 404), ("lin_na", 404)],
)
def test_only_residents_and_the_committee_may_start_a_group(
    neighbours: World, person: str, status: int
) -> None:
    response = post(
        client_for(neighbours.people[person]), topics_url(neighbours), {"title": "新的群"}
    )
    assert response.status_code == status
    assert not Conversation.objects.filter(kind=Conversation.Kind.TOPIC).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "群"}, "title"),
        ({"title": "x" * 61}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "读书会", "description": "x" * 501}, "description"),
        ({"description": "no title"}, "title"),
        ({"title": ["not", "text"]}, "title"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    neighbours: World, body: dict[str, Any], field: str
) -> None:
    response = post(client_for(neighbours.li_wei), topics_url(neighbours), body)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not Conversation.objects.filter(kind=Conversation.Kind.TOPIC).exists()
    assert not Event.objects.exists()


def test_apply_then_an_admin_lets_the_applicant_in(
    neighbours: World, django_capture_on_commit_callbacks: Any
) -> None:
    world = neighbours
    topic = open_group(world)
    url = f"/api/chat/topics/{topic}"
    wang_fang = client_for(world.wang_fang)
    staff = Inbox(community_staff_feed(world.meiluo.pk))
    admin = Inbox(user_group(world.li_wei.pk))
    with django_capture_on_commit_callbacks(execute=True):
        response = post(wang_fang, f"{url}/apply", {"note": "我会跳舞"})
    assert response.status_code == 201
    application = response.json()
    assert (application["status"], application["user"]) == (
        "pending",
        {"id": world.wang_fang.pk, "name": "wang_fang", "party": False},
    )
    [to_staff] = staff.frames()
    assert to_staff == {
        "type": "topic.application",
        "id": to_staff["id"],
        "stream": community_staff_feed(world.meiluo.pk),
        "conversation": topic,
        "participant_id": application["id"],
        "user": {"id": world.wang_fang.pk, "name": "wang_fang", "party": False},
        "note": "我会跳舞",
    }
    assert [f["type"] for f in admin.frames()] == ["topic.application"]

    duplicate = post(wang_fang, f"{url}/apply")
    assert (duplicate.status_code, duplicate.json()["code"]) == (409, "duplicate_pending")
    assert wang_fang.get(f"{url}/applications").status_code == 403
    queue = client_for(world.li_wei).get(f"{url}/applications").json()
    assert [(a["id"], a["note"]) for a in queue] == [(application["id"], "我会跳舞")]

    decide = f"/api/chat/topic-applications/{application['id']}"
    assert post(client_for(world.sun_li), f"{decide}/approve").status_code == 404
    assert post(client_for(world.lin_na), f"{decide}/approve").status_code == 404
    assert post(wang_fang, f"{decide}/approve").status_code == 404

    applicant = Inbox(user_group(world.wang_fang.pk))
    with django_capture_on_commit_callbacks(execute=True):
        approved = post(client_for(world.li_wei), f"{decide}/approve")
    assert approved.json()["status"] == "active"
    decided, joined = applicant.frames()
    assert (decided["type"], decided["status"]) == ("topic.application.decided", "active")
    assert (joined["type"], joined["conversation"]["id"]) == ("conversation.joined", topic)
    assert post(client_for(world.li_wei), f"{decide}/reject").status_code == 409
    already = post(wang_fang, f"{url}/apply")
    assert (already.status_code, already.json()["code"]) == (409, "already_member")
    members = wang_fang.get(f"{url}/members").json()
    assert [(m["user"]["name"], m["role"]) for m in members] == [
        ("li_wei", "admin"),
        ("wang_fang", "member"),
    ]


def test_a_resident_admin_decides_and_a_rejected_neighbour_may_apply_again(
    neighbours: World, django_capture_on_commit_callbacks: Any
) -> None:
    world = neighbours
    topic = post(client_for(world.wang_fang), topics_url(world), {"title": "读书会"}).json()["id"]
    post(client_for(world.li_wei), f"/api/chat/topics/{topic}/approve")
    sun_li = client_for(world.sun_li)
    application = post(sun_li, f"/api/chat/topics/{topic}/apply").json()
    applicant = Inbox(user_group(world.sun_li.pk))
    with django_capture_on_commit_callbacks(execute=True):
        url = f"/api/chat/topic-applications/{application['id']}/reject"
        rejected = post(client_for(world.wang_fang), url)
    assert rejected.json()["status"] == "rejected"
    [decided] = applicant.frames()
    assert decided == {
        "type": "topic.application.decided",
        "id": decided["id"],
        "stream": user_group(world.sun_li.pk),
        "conversation": topic,
        "participant_id": application["id"],
        "status": "rejected",
    }
    assert sun_li.get(f"/api/chat/topics/{topic}/members").status_code == 403
    assert post(sun_li, f"/api/chat/topics/{topic}/apply").json()["status"] == "pending"


def test_an_outsider_sees_nothing_of_the_communitys_groups(neighbours: World) -> None:
    world = neighbours
    topic = open_group(world)
    chen_jie = client_for(world.chen_jie)
    assert chen_jie.get(topics_url(world)).status_code == 404
    assert post(chen_jie, f"/api/chat/topics/{topic}/apply").status_code == 404
    assert chen_jie.get(f"/api/chat/topics/{topic}/members").status_code == 404
    assert chen_jie.get(f"/api/chat/topics/{topic}/applications").status_code == 404
    assert chen_jie.get("/api/chat/communities/999999/topics").status_code == 404
    assert client_for(None).get(topics_url(world)).status_code == 401
    assert not Participant.objects.filter(user=world.chen_jie).exists()


def test_leaving_tells_the_leavers_connection(
    neighbours: World, django_capture_on_commit_callbacks: Any
) -> None:
    world = neighbours
    topic = open_group(world)
    join(world, topic, "wang_fang")
    leaver = Inbox(user_group(world.wang_fang.pk))
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client_for(world.wang_fang), f"/api/chat/topics/{topic}/leave")
    assert response.status_code == 204
    [left] = leaver.frames()
    assert left == {
        "type": "conversation.left",
        "id": left["id"],
        "stream": user_group(world.wang_fang.pk),
        "conversation": topic,
    }
    assert post(client_for(world.wang_fang), f"/api/chat/topics/{topic}/leave").status_code == 404
    assert post(client_for(world.sun_li), f"/api/chat/topics/{topic}/leave").status_code == 404


def test_admins_remove_members_and_only_the_committee_removes_an_admin(
    neighbours: World, django_capture_on_commit_callbacks: Any
) -> None:
    world = neighbours
    topic = post(client_for(world.wang_fang), topics_url(world), {"title": "读书会"}).json()["id"]
    post(client_for(world.li_wei), f"/api/chat/topics/{topic}/approve")
    join(world, topic, "sun_li")
    join(world, topic, "zhao_lei")
    # A second resident admin (promotion has no endpoint yet).
    Participant.objects.filter(conversation_id=topic, user=world.zhao_lei).update(role="admin")

    def remove(actor: str, target: str) -> Any:
        url = f"/api/chat/topics/{topic}/members/{world.people[target].pk}/remove"
        return post(client_for(world.people[actor]), url)

    refused = remove("sun_li", "wang_fang")
    assert (refused.status_code, refused.json()["code"]) == (403, "not_admin")
    assert remove("zhao_lei", "wang_fang").status_code == 403  # an admin, not committee
    assert remove("wang_fang", "chen_jie").status_code == 404

    removed = Inbox(user_group(world.sun_li.pk))
    with django_capture_on_commit_callbacks(execute=True):
        assert remove("wang_fang", "sun_li").status_code == 204
    assert [(f["type"], f["conversation"]) for f in removed.frames()] == [
        ("conversation.left", topic)
    ]
    assert remove("li_wei", "zhao_lei").status_code == 204
    members = client_for(world.wang_fang).get(f"/api/chat/topics/{topic}/members").json()
    assert [m["user"]["name"] for m in members] == ["wang_fang"]


def test_the_list_costs_the_same_queries_however_many_groups(
    neighbours: World, django_assert_num_queries: Any
) -> None:
    world = neighbours
    for title in ["广场舞", "读书会", "象棋", "摄影"]:
        join(world, open_group(world, title), "wang_fang")
    # The community, the standing (two), the list.
    with django_assert_num_queries(4):
        rows = list(topic_selectors.topic_list(world.wang_fang, world.meiluo.pk))
    summary = {(t.title, t.member_count, t.my_status) for t in rows}  # type: ignore[attr-defined]
    assert summary == {(title, 2, "active") for title in ["广场舞", "读书会", "象棋", "摄影"]}


def test_the_member_list_costs_the_same_queries_however_many_members(
    neighbours: World, django_assert_num_queries: Any
) -> None:
    world = neighbours
    topic = open_group(world)
    for person in ["wang_fang", "sun_li", "zhao_lei"]:
        join(world, topic, person)
    # The group, the standing (two), my own row, the members.
    with django_assert_num_queries(5):
        members = topic_selectors.topic_members(world.wang_fang, topic)
        names = [row.user.name for row in members]
    assert sorted(names) == ["li_wei", "sun_li", "wang_fang", "zhao_lei"]
