"""Something of every kind waiting in 美罗家园居委's committee console (and one item
elsewhere), and helpers to read the console over HTTP. The ``waiting`` fixture is in
conftest.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.test import Client

from chat.models import Conversation, Letter, Message, Participant
from chat.services import estate_conversations_ensure
from communities.boards.models import Board, BoardKind, Post
from communities.boards.services import boards_ensure
from communities.models import JoinApplication, Place, User
from communities.moderation.models import Report, ReportEntry, TargetKind
from communities.volunteering.models import ReportIn
from tests.conftest import World, client_for, make_user


def board_of(place: Place, kind: str) -> Board:
    return next(b for b in boards_ensure([place]) if b.kind == kind)


@dataclass
class Waiting:
    """One waiting item of each kind in 美罗 (and a few in 共康 that must not show)."""

    application: JoinApplication
    post: Post
    party_post: Post  # gated by rule: the party-building board
    report: Report
    message: Message
    proposal: Conversation
    topic_application: Participant
    letter: Letter
    report_in: ReportIn  # gated by rule: the party secretary confirms report-ins
    elsewhere: list[tuple[str, int]]

    def ids(self, kind: str) -> set[int]:
        return {
            "application": {self.application.pk},
            "post": {self.post.pk, self.party_post.pk},
            "report": {self.report.pk},
            "topic_proposal": {self.proposal.pk},
            "topic_application": {self.topic_application.pk},
            "letter": {self.letter.pk},
            "report_in": {self.report_in.pk},
        }[kind]


def make_application(estate: Place, name: str = "孙丽") -> JoinApplication:
    applicant = make_user(f"applicant_{JoinApplication.objects.count()}", name)
    return JoinApplication.objects.create(
        applicant=applicant,
        estate=estate,
        real_name=name,
        phone=f"138000000{JoinApplication.objects.count():02d}",
        building="2",
        unit="1",
        room="201",
        note="刚搬来",
    )


def make_pending_post(board: Board, author: User, title: str = "求助：谁有梯子") -> Post:
    return Post.objects.create(
        board=board,
        author=author,
        title=title,
        body=f"<p>{title}</p>",
        body_text=f"{title}，周末用一下",
        extra={"need": "request"} if board.kind == BoardKind.MUTUAL_AID else {},
        status=Post.Status.PENDING,
    )


def make_report(
    world: World, community: Place, estate: Place, body: str = "加微信领红包"
) -> Report:
    conversation_id = estate_conversations_ensure(estate_ids=[estate.pk])[estate.pk]
    author = world.chen_jie if community == world.gongkang else world.wang_fang
    message = Message.objects.create(
        conversation_id=conversation_id,
        author=author,
        client_id=f"c-{Message.objects.count()}",
        body=body,
    )
    report = Report.objects.create(
        community=community,
        target_kind=TargetKind.MESSAGE,
        target_id=message.pk,
        target_author=author,
        excerpt=body,
        count=2,
    )
    reporters = (world.zhao_lei, world.li_wei) if community == world.meiluo else (world.lin_na,)
    for reporter, reason in zip(reporters, ("spam", "spam"), strict=False):
        ReportEntry.objects.create(report=report, reporter=reporter, reason=reason)
    return report


def make_report_in(
    community: Place, status: str = ReportIn.Status.PENDING, name: str = "钱红"
) -> ReportIn:
    member = make_user(f"member_{ReportIn.objects.count()}", name)
    return ReportIn.objects.create(
        user=member,
        community=community,
        home_branch="上海市某街道第一党支部",
        note="刚搬来，想参加社区志愿服务",
        show_identity=True,
        status=status,
        reason="" if status != ReportIn.Status.REJECTED else "信息不全",
    )


def make_topic_application(world: World, community: Place, applicant: User) -> Participant:
    group = Conversation.objects.create(
        kind=Conversation.Kind.TOPIC, place=community, title="象棋角", approved=True
    )
    return Participant.objects.create(
        conversation=group, user=applicant, status=Participant.Status.PENDING, note="我会下棋"
    )


def make_waiting(world: World) -> Waiting:
    report = make_report(world, world.meiluo, world.meiluo_1)
    message = Message.objects.get(pk=report.target_id)
    proposal = Conversation.objects.create(
        kind=Conversation.Kind.TOPIC,
        place=world.meiluo,
        title="广场舞队",
        description="每晚七点小广场",
        approved=False,
        created_by=world.wang_fang,
    )
    Participant.objects.create(
        conversation=proposal, user=world.wang_fang, role=Participant.Role.ADMIN
    )
    waiting = Waiting(
        application=make_application(world.meiluo_2),
        post=make_pending_post(board_of(world.meiluo, BoardKind.MUTUAL_AID), world.wang_fang),
        party_post=make_pending_post(
            board_of(world.meiluo, BoardKind.PARTY), world.zhao_lei, "支部学习心得"
        ),
        report=report,
        message=message,
        proposal=proposal,
        topic_application=make_topic_application(world, world.meiluo, world.wang_fang),
        letter=Letter.objects.create(
            sender=world.wang_fang, committee=world.meiluo, subject="路灯坏了", body="3号楼前"
        ),
        report_in=make_report_in(world.meiluo),
        elsewhere=[],
    )
    # 共康's items, and items in 美罗 that no longer wait: none of these may show.
    other = [
        ("application", make_application(world.gongkang_1, "外人").pk),
        (
            "post",
            make_pending_post(board_of(world.gongkang, BoardKind.IDLE), world.chen_jie).pk,
        ),
        ("report", make_report(world, world.gongkang, world.gongkang_1).pk),
        ("topic_application", make_topic_application(world, world.gongkang, world.chen_jie).pk),
        (
            "letter",
            Letter.objects.create(
                sender=world.chen_jie, committee=world.gongkang, subject="噪音", body="楼上"
            ).pk,
        ),
    ]
    read = Letter.objects.create(
        sender=world.wang_fang, committee=world.meiluo, subject="已读", body="已读的信"
    )
    Letter.objects.filter(pk=read.pk).update(read_at=read.created_at, read_by=world.li_wei)
    published = make_pending_post(board_of(world.meiluo, BoardKind.IDLE), world.wang_fang)
    Post.objects.filter(pk=published.pk).update(status=Post.Status.PUBLISHED)
    other += [
        ("report_in", make_report_in(world.gongkang, name="外党员").pk),
        ("report_in", make_report_in(world.meiluo, ReportIn.Status.CONFIRMED).pk),
        ("report_in", make_report_in(world.meiluo, ReportIn.Status.WITHDRAWN).pk),
    ]
    # Last: a read letter and a published post (tests use them as "no longer waiting").
    other += [("letter", read.pk), ("post", published.pk)]
    waiting.elsewhere = other
    return waiting


def items_url(world: World) -> str:
    return f"/api/console/communities/{world.meiluo.pk}/items"


def get(user: User | None, url: str) -> Any:
    return client_for(user).get(url)


def post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, body or {}, content_type="application/json")


def by_kind(items: list[dict[str, Any]]) -> dict[str, dict[int, dict[str, Any]]]:
    found: dict[str, dict[int, dict[str, Any]]] = {}
    for item in items:
        found.setdefault(item["kind"], {})[item["id"]] = item
    return found
