"""Villagers living elsewhere (乡愁乡音): apply, get reviewed, follow the village — and stay
out of its estate groups."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.db import connections
from django.test import Client

from chat.following import following
from chat.services import estate_conversations_ensure
from communities.models import (
    AwayMembership,
    JoinApplication,
    Membership,
    PhoneCode,
    Place,
    PlaceKind,
    RoleKind,
    User,
)
from communities.rules.conversations import access_to
from communities.selectors import feed_streams
from communities.services import place_create, role_grant
from realtime.groups import away_feed, community_staff_feed, user_group
from realtime.models import Event
from tests.chat.ws import ready
from tests.communities.test_joining import E164, PHONE, application_body, post, send_code
from tests.conftest import World, client_for, make_member, make_user


@dataclass
class Village:
    village: Place
    estate: Place
    clerk: User  # on the village committee
    neighbour: User  # lives in the village's estate


@pytest.fixture
def village(world: World) -> Village:
    place = place_create(name="聚源桥村", kind=PlaceKind.VILLAGE, parent=world.luodian)
    estate = place_create(name="聚源桥一组", kind=PlaceKind.ESTATE, parent=place)
    clerk = make_user("cun_gan", "村干部")
    role_grant(user=clerk, kind=RoleKind.COMMITTEE_MEMBER, place=place)
    neighbour = make_user("xiang_lin", "乡邻")
    make_member(neighbour, estate)
    return Village(village=place, estate=estate, clerk=clerk, neighbour=neighbour)


def apply_away(
    estate: Place, client: Client | None = None, phone: str = PHONE, **overrides: Any
) -> Any:
    """Apply as a villager living away; a new client (no account) confirms the phone first,
    a logged-in applicant whose phone is confirmed needs no code."""
    code = ""
    if client is None:
        client = client_for(None)
        code = send_code(client, phone)
    body = application_body(code, phone=phone, building="", unit="", room="", living_away=True)
    body.update(overrides)
    return post(client, f"/api/join/{estate.join_code}/applications", body)


def applicant() -> User:
    return User.objects.get(username=E164)


def test_the_join_link_says_whether_living_away_is_possible(
    world: World, village: Village, anon: Client
) -> None:
    assert anon.get(f"/api/join/{village.estate.join_code}").json()["living_away_allowed"]
    assert not anon.get(f"/api/join/{world.meiluo_1.join_code}").json()["living_away_allowed"]


def test_a_villager_living_away_applies_without_an_address(village: Village) -> None:
    response = apply_away(village.estate)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["living_away"] is True
    assert (data["building"], data["unit"], data["room"]) == ("", "", "")
    application = JoinApplication.objects.get()
    assert application.living_away
    assert application.estate == village.estate
    assert Event.objects.filter(
        stream=community_staff_feed(village.village.pk), type="application.submitted"
    ).exists()


def test_an_address_given_anyway_is_kept_but_limited(village: Village) -> None:
    assert apply_away(village.estate, building="3").json()["building"] == "3"
    response = apply_away(village.estate, client_for(applicant()), room="9" * 17)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"room"}


def test_living_away_is_refused_for_a_residents_committee(world: World) -> None:
    response = apply_away(world.meiluo_1)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "not_a_village"
    assert body["errors"]["living_away"] == "Only villages accept members living elsewhere."
    assert not JoinApplication.objects.exists()
    assert not User.objects.filter(username=E164).exists()
    assert PhoneCode.objects.get().used_at is None  # the code is still good


def test_other_fields_are_still_required(village: Village) -> None:
    response = apply_away(village.estate, real_name=" ", password="")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"real_name", "password"}
    # Without living_away a village estate wants the address like any other.
    response = apply_away(village.estate, phone="13812345679", living_away=False)
    assert response.status_code == 400
    assert {"building", "room"} <= set(response.json()["errors"])
    assert not JoinApplication.objects.exists()


def test_the_review_queue_shows_living_away(village: Village) -> None:
    apply_away(village.estate)
    queue = client_for(village.clerk).get("/api/review/applications").json()
    assert [a["living_away"] for a in queue] == [True]
    mine = client_for(applicant()).get("/api/applications").json()
    assert mine[0]["living_away"] is True


def test_approval_makes_an_away_member_not_a_resident(village: Village) -> None:
    application = apply_away(village.estate).json()
    person = applicant()
    response = post(client_for(village.clerk), f"/api/applications/{application['id']}/approve")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"
    assert response.json()["living_away"] is True

    away = AwayMembership.objects.get(user=person)
    assert away.village == village.village
    assert away.status == AwayMembership.Status.ACTIVE
    assert away.application_id == application["id"]
    assert not Membership.objects.filter(user=person).exists()
    assert feed_streams(person) == {away_feed(village.village.pk)}
    # The same decision events as for any approval: to the applicant and to the committee.
    for stream in (user_group(person.pk), community_staff_feed(village.village.pk)):
        event = Event.objects.get(stream=stream, type="application.decided")
        assert event.payload == {
            "application_id": application["id"],
            "estate_id": village.estate.pk,
            "status": "approved",
        }
    me = client_for(person).get("/api/me").json()
    assert me["memberships"] == []
    assert [a["village"]["name"] for a in me["away_memberships"]] == ["聚源桥村"]


def test_a_second_approval_keeps_one_active_away_membership(village: Village) -> None:
    clerk = client_for(village.clerk)
    first = apply_away(village.estate).json()
    post(clerk, f"/api/applications/{first['id']}/approve")
    second = apply_away(village.estate, client_for(applicant())).json()
    assert post(clerk, f"/api/applications/{second['id']}/approve").status_code == 200
    statuses = sorted(AwayMembership.objects.filter(user=applicant()).values_list("status", "id"))
    assert [status for status, _ in statuses] == ["active", "revoked"]


def test_a_rejected_villager_gets_nothing(village: Village) -> None:
    application = apply_away(village.estate).json()
    url = f"/api/applications/{application['id']}/reject"
    assert post(client_for(village.clerk), url, {"reason": "查无此人"}).status_code == 200
    assert not AwayMembership.objects.exists()
    assert not Membership.objects.filter(user__username=E164).exists()


def test_an_away_member_has_no_access_to_the_estate_group(village: Village) -> None:
    application = apply_away(village.estate).json()
    post(client_for(village.clerk), f"/api/applications/{application['id']}/approve")
    person = applicant()
    assert AwayMembership.objects.filter(user=person).exists()
    group = estate_conversations_ensure(estate_ids=[village.estate.pk])[village.estate.pk]
    conversation = group_conversation(group)
    assert access_to(village.neighbour, conversation).read  # the group is real and readable
    access = access_to(person, conversation)
    assert (access.read, access.post, access.moderate) == (False, False, False)
    assert group not in following(person).conversation_ids


def group_conversation(conversation_id: int) -> Any:
    from chat.models import Conversation

    return Conversation.objects.select_related("place").get(pk=conversation_id)


@pytest.mark.django_db(transaction=True)
async def test_an_away_member_cannot_read_the_estate_group_over_the_socket(
    village: Village,
) -> None:
    @sync_to_async
    def approved_away_member() -> tuple[User, int]:
        application = apply_away(village.estate).json()
        post(client_for(village.clerk), f"/api/applications/{application['id']}/approve")
        group = estate_conversations_ensure(estate_ids=[village.estate.pk])[village.estate.pk]
        assert AwayMembership.objects.filter(user__username=E164).exists()
        return applicant(), group

    person, group = await approved_away_member()
    socket = await ready(person)
    history = await socket.request({"op": "history", "conversation": group})
    assert history["type"] == "error"
    assert history["code"] == "not_found"
    neighbour = await ready(village.neighbour)
    allowed = await neighbour.request({"op": "history", "conversation": group})
    assert allowed["type"] != "error"
    for each in (socket, neighbour):
        await each.close()
    # The worker thread's connection would otherwise keep the test database open.
    await sync_to_async(connections.close_all)()


def test_the_admin_lists_away_members_and_marks_their_applications(village: Village) -> None:
    application = apply_away(village.estate).json()
    post(client_for(village.clerk), f"/api/applications/{application['id']}/approve")
    admin = User.objects.create_superuser("root", password="x-very-long-password")
    client = client_for(admin)
    listing = client.get("/admin/communities/awaymembership/")
    assert listing.status_code == 200
    assert "聚源桥村" in listing.content.decode()
    filtered = client.get("/admin/communities/joinapplication/?living_away__exact=1")
    assert filtered.status_code == 200
    assert "王小明" in filtered.content.decode()
