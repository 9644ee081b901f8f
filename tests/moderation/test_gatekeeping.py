"""The party branch's gatekeeping (把关): gated items are decided by the secretary or a delegate."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from chat.services import topic_group_approve, topic_group_create
from communities.boards.models import Board, BoardKind, Post
from communities.errors import Conflict, Forbidden, Invalid, NotFound
from communities.models import JoinApplication, Membership, User
from communities.moderation import gatekeeping
from communities.moderation.models import AuditEntry, Delegation, Gate, TargetKind
from communities.rules import gatekeeping as gate_rules
from communities.services import application_approve, application_reject
from tests.conftest import World, client_for, make_user


def pending_application(world: World) -> JoinApplication:
    newcomer = make_user("newcomer", "新邻居")
    return JoinApplication.objects.create(
        applicant=newcomer,
        estate=world.meiluo_1,
        real_name="新邻居",
        phone="13800000001",
        building="3",
        room="302",
    )


def refer(world: World, application: JoinApplication, note: str = "请书记把关") -> Gate:
    return gatekeeping.gate_refer(
        actor=world.li_wei,
        community=world.meiluo,
        target_kind=TargetKind.APPLICATION,
        target_id=application.pk,
        note=note,
    )


def post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, body or {}, content_type="application/json")


def test_a_referred_application_is_decided_by_the_secretary_only(world: World) -> None:
    application = pending_application(world)
    refer(world, application)

    for person in ("li_wei", "zheng_hua"):
        response = post(
            client_for(world.people[person]), f"/api/applications/{application.pk}/approve"
        )
        assert response.status_code == 403
        assert response.json()["code"] == "gated"
    application.refresh_from_db()
    assert application.status == JoinApplication.Status.PENDING
    assert not Membership.objects.filter(user=application.applicant).exists()

    response = post(client_for(world.zhang_min), f"/api/applications/{application.pk}/approve")
    assert response.status_code == 200
    assert Membership.objects.filter(user=application.applicant, estate=world.meiluo_1).exists()
    entry = AuditEntry.objects.get(action="approve", target_id=application.pk)
    assert (entry.actor, entry.before, entry.after) == (
        world.zhang_min,
        {"status": "pending"},
        {"status": "approved"},
    )


def test_an_ungated_application_is_decided_by_any_committee_member(world: World) -> None:
    application = pending_application(world)
    assert gate_rules.may_decide(world.li_wei, world.meiluo, TargetKind.APPLICATION, application.pk)
    application_reject(actor=world.li_wei, application_id=application.pk, reason="查无此人")
    assert AuditEntry.objects.filter(action="reject", reason="查无此人").count() == 1


def test_referring_is_for_the_committee_of_the_community_and_happens_once(world: World) -> None:
    application = pending_application(world)
    for person in ("wang_fang", "zhao_lei", "lin_na", "liu_yang", "zhou_qiang"):
        with pytest.raises(NotFound):
            gatekeeping.gate_refer(
                actor=world.people[person],
                community=world.meiluo,
                target_kind=TargetKind.APPLICATION,
                target_id=application.pk,
            )
    assert not Gate.objects.exists()
    with pytest.raises(Invalid):
        refer(world, application, note="长" * 201)
    gate = refer(world, application)
    assert gate.referred_by == world.li_wei
    with pytest.raises(Conflict):
        refer(world, application)
    assert Gate.objects.count() == 1
    assert AuditEntry.objects.filter(action="refer", target_id=application.pk).count() == 1


def test_referring_tells_the_committees_consoles(world: World) -> None:
    from realtime.models import Event

    application = pending_application(world)
    refer(world, application, note="涉及党员")
    event = Event.objects.get(stream=f"staff.{world.meiluo.pk}", type="console.gated")
    assert event.payload["item_id"] == application.pk
    assert event.payload["gate_note"] == "涉及党员"
    assert event.payload["gated_by"]["id"] == world.li_wei.pk


def test_posts_waiting_on_the_party_board_are_gated_by_rule(world: World) -> None:
    # The community's boards were made with it.
    board = Board.objects.get(place=world.meiluo, kind=BoardKind.PARTY)
    Board.objects.filter(pk=board.pk).update(requires_review=True)
    notices = Board.objects.get(place=world.meiluo, kind=BoardKind.NOTICES)
    party_post = Post.objects.create(
        board=board, author=world.zhao_lei, title="学习心得", body="<p>x</p>", status="pending"
    )
    notice = Post.objects.create(
        board=notices, author=world.li_wei, title="停水", body="<p>x</p>", status="pending"
    )
    gates = gate_rules.gates_of(TargetKind.POST, [party_post.pk, notice.pk])
    assert set(gates) == {party_post.pk}
    assert gatekeeping.gate_out(gates[party_post.pk])["gated"] is True
    assert not gate_rules.may_decide(world.li_wei, world.meiluo, TargetKind.POST, party_post.pk)
    assert gate_rules.may_decide(world.zhang_min, world.meiluo, TargetKind.POST, party_post.pk)
    assert gate_rules.may_decide(world.li_wei, world.meiluo, TargetKind.POST, notice.pk)


def test_the_secretary_delegates_and_takes_it_back(world: World) -> None:
    application = pending_application(world)
    refer(world, application)
    delegation = gatekeeping.delegate(
        actor=world.zhang_min, community_id=world.meiluo.pk, user_id=world.li_wei.pk
    )
    assert gate_rules.may_decide(world.li_wei, world.meiluo, TargetKind.APPLICATION, application.pk)
    assert [d.delegate for d in gatekeeping.delegations_of(world.zheng_hua, world.meiluo.pk)] == [
        world.li_wei
    ]
    with pytest.raises(Conflict):
        gatekeeping.delegate(
            actor=world.zhang_min, community_id=world.meiluo.pk, user_id=world.li_wei.pk
        )

    gatekeeping.undelegate(
        actor=world.zhang_min, community_id=delegation.community_id, delegation_id=delegation.pk
    )
    assert not gate_rules.may_decide(
        world.li_wei, world.meiluo, TargetKind.APPLICATION, application.pk
    )
    with pytest.raises(Forbidden):
        application_approve(actor=world.li_wei, application_id=application.pk)
    assert [e.action for e in AuditEntry.objects.order_by("id")] == [
        "refer",
        "delegate",
        "undelegate",
    ]


def test_only_the_secretary_delegates_and_only_to_the_communitys_people(world: World) -> None:
    for person in ("li_wei", "zheng_hua"):
        with pytest.raises(Forbidden):
            gatekeeping.delegate(
                actor=world.people[person], community_id=world.meiluo.pk, user_id=world.zhao_lei.pk
            )
    for person in ("wang_fang", "zhao_lei", "lin_na", "liu_yang"):
        with pytest.raises(NotFound):
            gatekeeping.delegate(
                actor=world.people[person], community_id=world.meiluo.pk, user_id=world.li_wei.pk
            )
    for target in ("wang_fang", "lin_na", "zhang_min"):  # a resident, another committee, self
        with pytest.raises(Invalid):
            gatekeeping.delegate(
                actor=world.zhang_min,
                community_id=world.meiluo.pk,
                user_id=world.people[target].pk,
            )
    assert not Delegation.objects.exists()
    # A party member of the branch may be trusted with it.
    gatekeeping.delegate(
        actor=world.zhang_min, community_id=world.meiluo.pk, user_id=world.zhao_lei.pk
    )
    delegation = Delegation.objects.get()
    with pytest.raises(Forbidden):
        gatekeeping.undelegate(
            actor=world.li_wei, community_id=delegation.community_id, delegation_id=delegation.pk
        )
    with pytest.raises(NotFound):
        gatekeeping.undelegate(
            actor=world.zhao_lei, community_id=delegation.community_id, delegation_id=delegation.pk
        )
    delegation.refresh_from_db()
    assert delegation.ended_at is None


def test_a_gated_topic_proposal_waits_for_the_secretary(world: World) -> None:
    proposal = topic_group_create(
        actor=world.wang_fang, community_id=world.meiluo.pk, title="书法小组"
    )
    gatekeeping.gate_refer(
        actor=world.li_wei,
        community=world.meiluo,
        target_kind=TargetKind.TOPIC_PROPOSAL,
        target_id=proposal.pk,
    )
    with pytest.raises(Forbidden):
        topic_group_approve(actor=world.li_wei, conversation_id=proposal.pk)
    proposal.refresh_from_db()
    assert proposal.approved is False
    topic_group_approve(actor=world.zhang_min, conversation_id=proposal.pk)
    proposal.refresh_from_db()
    assert proposal.approved is True
    assert AuditEntry.objects.filter(action="approve", target_kind="topic_proposal").count() == 1


def test_nobody_else_is_a_gatekeeper(world: World) -> None:
    stranger = User.objects.create(username="stranger")
    stranger.is_active = False
    for person in ("li_wei", "zheng_hua", "zhao_lei", "liu_yang", "huang_jun", "lin_na"):
        assert not gate_rules.is_gatekeeper(world.people[person], world.meiluo)
    assert not gate_rules.is_gatekeeper(stranger, world.meiluo)
    assert gate_rules.is_gatekeeper(world.zhang_min, world.meiluo)
    assert not gate_rules.is_gatekeeper(world.zhang_min, world.gongkang)


def test_a_delegation_is_ended_only_under_its_own_community(world: World) -> None:
    delegation = gatekeeping.delegate(
        actor=world.zhang_min, community_id=world.meiluo.pk, user_id=world.li_wei.pk
    )
    with pytest.raises(NotFound):
        gatekeeping.undelegate(
            actor=world.zhang_min, community_id=world.gongkang.pk, delegation_id=delegation.pk
        )
    delegation.refresh_from_db()
    assert delegation.ended_at is None


def test_delegating_tells_the_committees_consoles(world: World) -> None:
    from realtime.models import Event

    delegation = gatekeeping.delegate(
        actor=world.zhang_min, community_id=world.meiluo.pk, user_id=world.li_wei.pk
    )
    gatekeeping.undelegate(
        actor=world.zhang_min, community_id=delegation.community_id, delegation_id=delegation.pk
    )
    frames = Event.objects.filter(stream=f"staff.{world.meiluo.pk}", type="console.delegations")
    assert [e.payload["community"] for e in frames] == [world.meiluo.pk, world.meiluo.pk]


def test_deciding_an_item_ends_its_claim_and_takes_it_off_every_console(world: World) -> None:
    from communities.moderation.models import Claim
    from realtime.models import Event

    application = pending_application(world)
    Claim.objects.create(
        community=world.meiluo,
        target_kind=TargetKind.APPLICATION,
        target_id=application.pk,
        claimed_by=world.li_wei,
    )
    application_approve(actor=world.li_wei, application_id=application.pk)
    assert not Claim.objects.exists()
    removed = Event.objects.get(stream=f"staff.{world.meiluo.pk}", type="console.item_removed")
    assert (removed.payload["kind"], removed.payload["item_id"]) == ("application", application.pk)
