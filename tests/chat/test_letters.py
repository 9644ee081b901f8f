"""Letters (信件) through the HTTP API: to neighbours and committees, read receipts, refusals."""

from __future__ import annotations

from typing import Any

import pytest

from chat.models import Letter
from chat.selectors import letters
from chat.shapes import letter_out
from realtime.groups import community_staff_feed, user_group
from realtime.models import Event
from tests.chat.test_topics import IN_MEMORY, Inbox, post
from tests.conftest import World, client_for


@pytest.fixture(autouse=True)
def _in_memory_layer(settings: Any) -> None:
    settings.CHANNEL_LAYERS = IN_MEMORY


def send(world: World, sender: str, **body: Any) -> Any:
    body = {"subject": "你好", "body": "楼下的猫是你家的吗？", **body}
    return post(client_for(world.people[sender]), "/api/chat/letters", body)


def test_a_letter_to_a_neighbour_and_its_read_receipt(
    neighbours: World, django_capture_on_commit_callbacks: Any
) -> None:
    world = neighbours
    recipient = Inbox(user_group(world.sun_li.pk))
    with django_capture_on_commit_callbacks(execute=True):
        response = send(world, "wang_fang", recipient_id=world.sun_li.pk)
        assert recipient.frames() == []  # nothing leaves before the commit
    assert response.status_code == 201, response.content
    letter = response.json()
    assert letter["sender"] == {"id": world.wang_fang.pk, "name": "wang_fang", "party": False}
    assert letter["recipient"] == {"id": world.sun_li.pk, "name": "sun_li", "party": False}
    assert (letter["committee"], letter["read_at"], letter["read_by"]) == (None, None, None)
    [new] = recipient.frames()
    assert new == {
        "type": "letter.new",
        "id": new["id"],
        "stream": user_group(world.sun_li.pk),
        "letter": letter_out(Letter.objects.get(pk=letter["id"])),
    }

    sun_li = client_for(world.sun_li)
    assert [item["id"] for item in sun_li.get("/api/chat/letters").json()] == [letter["id"]]
    assert sun_li.get("/api/chat/letters?box=sent").json() == []
    wang_fang = client_for(world.wang_fang)
    assert [item["id"] for item in wang_fang.get("/api/chat/letters?box=sent").json()] == [
        letter["id"]
    ]
    assert sun_li.get(f"/api/chat/letters/{letter['id']}").json()["body"] == "楼下的猫是你家的吗？"

    sender = Inbox(user_group(world.wang_fang.pk))
    with django_capture_on_commit_callbacks(execute=True):
        read = post(sun_li, f"/api/chat/letters/{letter['id']}/read").json()
    assert read["read_by"] == {"id": world.sun_li.pk, "name": "sun_li", "party": False}
    stored = Letter.objects.get(pk=letter["id"])
    assert stored.read_at is not None
    [receipt] = sender.frames()
    assert receipt == {
        "type": "letter.read",
        "id": receipt["id"],
        "stream": user_group(world.wang_fang.pk),
        "letter_id": letter["id"],
        "read_at": stored.read_at.isoformat(),
    }
    # Read once: opening it again changes nothing and sends no second receipt.
    with django_capture_on_commit_callbacks(execute=True):
        again = post(sun_li, f"/api/chat/letters/{letter['id']}/read").json()
    assert again["read_at"] == read["read_at"]
    assert sender.frames() == []


@pytest.mark.parametrize(
    ("sender", "recipient"),
    [
        ("wang_fang", "chen_jie"),  # another community
        ("chen_jie", "wang_fang"),
        ("wang_fang", "wang_fang"),  # oneself
        ("wang_fang", "liu_yang"),  # a supervisor is not a neighbour
        ("zhou_qiang", "wang_fang"),  # nor is the police officer
    ],
)
def test_letters_go_only_to_neighbours(neighbours: World, sender: str, recipient: str) -> None:
    response = send(neighbours, sender, recipient_id=neighbours.people[recipient].pk)
    assert response.status_code == 404
    assert send(neighbours, sender, recipient_id=999999).status_code == 404
    assert not Letter.objects.exists()
    assert not Event.objects.exists()


def test_the_committee_may_write_to_residents_of_its_community(neighbours: World) -> None:
    assert send(neighbours, "li_wei", recipient_id=neighbours.wang_fang.pk).status_code == 201
    assert send(neighbours, "wang_fang", recipient_id=neighbours.li_wei.pk).status_code == 201
    assert send(neighbours, "lin_na", recipient_id=neighbours.wang_fang.pk).status_code == 404


def test_a_block_refuses_letters_from_the_blocked_person(neighbours: World) -> None:
    world = neighbours
    blocked = post(client_for(world.sun_li), "/api/chat/blocks", {"user_id": world.wang_fang.pk})
    assert blocked.status_code == 204
    refused = send(world, "wang_fang", recipient_id=world.sun_li.pk)
    assert (refused.status_code, refused.json()["code"]) == (403, "blocked")
    assert not Letter.objects.exists()
    # The block is one way: sun_li may still write.
    assert send(world, "sun_li", recipient_id=world.wang_fang.pk).status_code == 201


def test_a_letter_to_the_committee_is_read_by_any_of_its_staff(
    neighbours: World, django_capture_on_commit_callbacks: Any
) -> None:
    world = neighbours
    staff = Inbox(community_staff_feed(world.meiluo.pk))
    with django_capture_on_commit_callbacks(execute=True):
        response = send(world, "wang_fang", committee_id=world.meiluo.pk, subject="路灯坏了")
    assert response.status_code == 201
    letter = response.json()
    assert letter["committee"] == {"id": world.meiluo.pk, "name": "美罗家园居委"}
    assert letter["recipient"] is None
    [new] = staff.frames()
    assert (new["type"], new["letter"]["id"]) == ("letter.new", letter["id"])

    mailbox = client_for(world.zheng_hua).get("/api/chat/letters?box=committee").json()
    assert [item["id"] for item in mailbox] == [letter["id"]]
    url = f"/api/chat/letters/{letter['id']}"
    assert client_for(world.zhang_min).get(url).status_code == 200
    for outsider in ["lin_na", "zhao_lei", "liu_yang", "sun_li"]:
        assert client_for(world.people[outsider]).get(url).status_code == 404
    refused = client_for(world.wang_fang).get("/api/chat/letters?box=committee")
    assert refused.status_code == 403

    sender = Inbox(user_group(world.wang_fang.pk))
    with django_capture_on_commit_callbacks(execute=True):
        read = post(client_for(world.li_wei), f"{url}/read").json()
    assert read["read_by"] == {"id": world.li_wei.pk, "name": "li_wei", "party": False}
    [receipt] = sender.frames()
    assert receipt["type"] == "letter.read"
    assert receipt["letter_id"] == letter["id"]
    # The committee's consoles hear it was read and drop it from their lists.
    assert [f["type"] for f in staff.frames()] == ["letter.read", "console.item_removed"]


@pytest.mark.parametrize(
    ("sender", "committee"),
    [("chen_jie", "meiluo"), ("wang_fang", "gongkang"), ("liu_yang", "meiluo")],
)
def test_only_members_write_to_a_committee(neighbours: World, sender: str, committee: str) -> None:
    place = getattr(neighbours, committee)
    assert send(neighbours, sender, committee_id=place.pk).status_code == 404
    assert send(neighbours, "wang_fang", committee_id=neighbours.meiluo_1.pk).status_code == 404
    assert not Letter.objects.filter(sender__username=sender).exists()


def test_the_sender_sees_but_cannot_mark_their_own_letter_read(neighbours: World) -> None:
    world = neighbours
    letter = send(world, "wang_fang", recipient_id=world.sun_li.pk).json()
    url = f"/api/chat/letters/{letter['id']}"
    assert client_for(world.wang_fang).get(url).status_code == 200
    refused = post(client_for(world.wang_fang), f"{url}/read")
    assert (refused.status_code, refused.json()["code"]) == (403, "not_addressee")
    assert post(client_for(world.zhao_lei), f"{url}/read").status_code == 404
    assert client_for(world.li_wei).get(url).status_code == 404  # staff do not read private mail
    assert client_for(world.sun_li).get("/api/chat/letters/999999").status_code == 404
    assert Letter.objects.get(pk=letter["id"]).read_at is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"subject": ""}, "subject"),
        ({"subject": "   "}, "subject"),
        ({"subject": "x" * 101}, "subject"),
        ({"body": ""}, "body"),
        ({"body": "x" * 5001}, "body"),
        ({"recipient_id": None}, "recipient_id"),
        ({"committee_id": "meiluo"}, "committee_id"),
        ({"subject": None}, "subject"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    neighbours: World, body: dict[str, Any], field: str
) -> None:
    response = send(neighbours, "wang_fang", **{"recipient_id": neighbours.sun_li.pk, **body})
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not Letter.objects.exists()
    assert not Event.objects.exists()


def test_both_addressees_at_once_is_refused(neighbours: World) -> None:
    response = send(
        neighbours,
        "wang_fang",
        recipient_id=neighbours.sun_li.pk,
        committee_id=neighbours.meiluo.pk,
    )
    assert response.status_code == 400
    assert "committee_id" in response.json()["errors"]
    assert not Letter.objects.exists()


def test_mailboxes_cost_the_same_queries_however_many_letters(
    neighbours: World, django_assert_num_queries: Any
) -> None:
    world = neighbours
    for sender in ["wang_fang", "zhao_lei", "li_wei"]:
        send(world, sender, recipient_id=world.sun_li.pk)
    post(client_for(world.sun_li), f"/api/chat/letters/{Letter.objects.first().pk}/read")  # type: ignore[union-attr]
    with django_assert_num_queries(1):
        inbox = [letter_out(letter) for letter in letters.letters_inbox(world.sun_li)]
    assert len(inbox) == 3
    assert inbox[0]["read_by"] == {"id": world.sun_li.pk, "name": "sun_li", "party": False}


def test_letters_are_rate_limited_per_sender(neighbours: World, settings: Any) -> None:
    settings.CHAT_LETTER_RATE = "2/3600"
    for _ in range(2):
        assert send(neighbours, "wang_fang", recipient_id=neighbours.sun_li.pk).status_code == 201
    third = send(neighbours, "wang_fang", recipient_id=neighbours.sun_li.pk)
    assert third.status_code == 429
    assert Letter.objects.count() == 2
