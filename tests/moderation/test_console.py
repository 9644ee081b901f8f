"""The committee console: what waits for a community's committee, who may see it, who may
decide each item (gatekeeping), and that it is read in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from chat.models import Conversation, Letter, Message, Participant
from chat.services import estate_conversations_ensure
from communities.boards.models import Board, BoardKind, Comment, Post
from communities.boards.selectors import boards_ensure
from communities.models import AccessLog, JoinApplication, Place, PlaceKind, User
from communities.moderation import console, gatekeeping
from communities.moderation.models import Gate, Report, ReportEntry, TargetKind
from communities.services import application_approve, place_create
from communities.volunteering.models import ReportIn
from tests.conftest import PEOPLE, World, client_for, make_user

STAFF = ("li_wei", "zheng_hua", "zhang_min")
SUPERVISORS = ("liu_yang", "huang_jun")
NOT_ALLOWED = tuple(sorted(set(PEOPLE) - set(STAFF) - set(SUPERVISORS)))
KINDS = {
    "application",
    "post",
    "report",
    "topic_proposal",
    "topic_application",
    "letter",
    "report_in",
}


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


@pytest.fixture
def waiting(world: World) -> Waiting:
    return make_waiting(world)


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


# --- What the console lists ------------------------------------------------------------------
def test_staff_see_everything_waiting_in_their_community_and_nothing_else(
    world: World, waiting: Waiting
) -> None:
    response = get(world.li_wei, items_url(world))
    assert response.status_code == 200
    body = response.json()
    assert body["community"] == {"id": world.meiluo.pk, "name": world.meiluo.name}
    assert (body["staff"], body["gatekeeper"], body["secretary"]) == (True, False, False)
    found = by_kind(body["items"])
    assert set(found) == KINDS
    for kind in KINDS:
        assert set(found[kind]) == waiting.ids(kind), kind
    for kind, pk in waiting.elsewhere:
        assert pk not in found.get(kind, {}), (kind, pk)
    # Grouped by kind in the console's order, the oldest first within a kind.
    kinds_in_order = [item["kind"] for item in body["items"]]
    assert kinds_in_order == sorted(kinds_in_order, key=list(console.KINDS).index)
    posts = [item["id"] for item in body["items"] if item["kind"] == "post"]
    assert posts == [waiting.post.pk, waiting.party_post.pk]


def test_each_kind_carries_what_the_console_shows_and_where_to_open_it(
    world: World, waiting: Waiting
) -> None:
    found = by_kind(get(world.li_wei, items_url(world)).json()["items"])

    report = found["report"][waiting.report.pk]
    assert report["author"] == {"id": world.wang_fang.pk, "name": "wang_fang", "party": False}
    assert report["summary"] == "加微信领红包"
    assert report["extra"]["count"] == 2
    assert report["extra"]["reasons"] == {"spam": 2}
    assert report["extra"]["target_kind"] == "message"
    assert report["extra"]["conversation"] == waiting.message.conversation_id
    assert report["link"] == f"/chat/{waiting.message.conversation_id}"

    application = found["application"][waiting.application.pk]
    assert application["title"] == "孙丽"
    assert application["summary"] == "刚搬来"
    assert application["extra"]["estate"] == {"id": world.meiluo_2.pk, "name": "美罗二期"}
    assert (application["extra"]["building"], application["extra"]["room"]) == ("2", "201")
    assert "phone" not in application["extra"]

    board_post = found["post"][waiting.post.pk]
    assert board_post["title"] == "求助：谁有梯子"
    assert board_post["author"]["id"] == world.wang_fang.pk
    assert board_post["link"] == f"/boards/posts/{waiting.post.pk}"
    assert board_post["extra"]["board"]["kind"] == "mutual_aid"

    proposal = found["topic_proposal"][waiting.proposal.pk]
    assert (proposal["title"], proposal["summary"]) == ("广场舞队", "每晚七点小广场")
    topic_application = found["topic_application"][waiting.topic_application.pk]
    assert topic_application["summary"] == "我会下棋"
    assert topic_application["extra"]["conversation"]["title"] == "象棋角"

    letter = found["letter"][waiting.letter.pk]
    assert (letter["title"], letter["summary"]) == ("路灯坏了", "3号楼前")
    assert letter["link"] == f"/letters/{waiting.letter.pk}"

    report_in = found["report_in"][waiting.report_in.pk]
    assert report_in["title"] == "钱红"
    assert report_in["author"]["id"] == waiting.report_in.user_id
    assert report_in["summary"] == "刚搬来，想参加社区志愿服务"
    assert report_in["extra"] == {
        "home_branch": "上海市某街道第一党支部",
        "note": "刚搬来，想参加社区志愿服务",
        "show_identity": True,
    }
    assert report_in["link"] == f"/party?community={world.meiluo.pk}"

    items = (report, application, board_post, proposal, topic_application, letter, report_in)
    for item in items:
        assert item["community"] == world.meiluo.pk
        assert item["claimed_by"] is None
        assert item["created_at"]


def test_reports_of_posts_and_comments_open_the_post(world: World) -> None:
    idle = board_of(world.meiluo, BoardKind.IDLE)
    published = Post.objects.create(
        board=idle, author=world.wang_fang, title="旧沙发", body="<p>送</p>", body_text="送",
        extra={"item": "沙发", "deal": "free", "condition": "used"},
    )  # fmt: skip
    comment = Comment.objects.create(post=published, author=world.zhao_lei, body="骗子")
    reports = {}
    for kind, target, author in (
        ("post", published.pk, world.wang_fang),
        ("comment", comment.pk, world.zhao_lei),
    ):
        reports[kind] = Report.objects.create(
            community=world.meiluo,
            target_kind=kind,
            target_id=target,
            target_author=author,
            excerpt="…",
        )
        ReportEntry.objects.create(report=reports[kind], reporter=world.li_wei, reason="abuse")
    found = by_kind(get(world.zheng_hua, items_url(world)).json()["items"])["report"]
    for kind in ("post", "comment"):
        item = found[reports[kind].pk]
        assert item["link"] == f"/boards/posts/{published.pk}"
        assert (item["extra"]["post"], item["extra"]["conversation"]) == (published.pk, None)
        assert item["extra"]["reasons"] == {"abuse": 1}
    assert found[reports["comment"].pk]["author"]["id"] == world.zhao_lei.pk


@pytest.mark.parametrize("name", STAFF)
def test_every_staff_member_opens_the_console_and_may_act(
    world: World, waiting: Waiting, name: str
) -> None:
    body = get(world.people[name], items_url(world)).json()
    assert body["staff"] is True
    assert {item["id"] for item in body["items"] if item["kind"] == "letter"} == {waiting.letter.pk}
    ungated = [item for item in body["items"] if not item["gated"]]
    assert ungated
    assert all(item["may_decide"] for item in ungated)


@pytest.mark.parametrize("name", SUPERVISORS)
def test_supervisors_above_may_read_the_console_but_not_act(
    world: World, waiting: Waiting, name: str
) -> None:
    body = get(world.people[name], items_url(world)).json()
    assert (body["staff"], body["gatekeeper"]) == (False, False)
    assert {item["kind"] for item in body["items"]} == KINDS
    assert not any(item["may_decide"] for item in body["items"])


@pytest.mark.parametrize("name", NOT_ALLOWED)
def test_nobody_else_learns_the_console_exists(world: World, waiting: Waiting, name: str) -> None:
    response = get(world.people[name], items_url(world))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_console_needs_a_login_and_a_community(world: World) -> None:
    assert get(None, items_url(world)).status_code == 401
    estate = f"/api/console/communities/{world.meiluo_1.pk}/items"
    assert get(world.li_wei, estate).status_code == 404
    assert get(world.li_wei, "/api/console/communities/999999/items").status_code == 404


def test_the_communities_list_counts_what_waits(world: World, waiting: Waiting) -> None:
    mine = get(world.li_wei, "/api/console/communities").json()
    assert [c["id"] for c in mine] == [world.meiluo.pk]
    assert mine[0]["staff"] is True
    assert mine[0]["counts"] == {
        "report": 1,
        "application": 1,
        "post": 2,
        "topic_proposal": 1,
        "topic_application": 1,
        "letter": 1,
        "report_in": 1,
    }
    assert mine[0]["total"] == 8

    district = get(world.huang_jun, "/api/console/communities").json()
    assert {c["id"]: c["staff"] for c in district} == {
        world.meiluo.pk: False,
        world.gongkang.pk: False,
    }
    gongkang = next(c for c in district if c["id"] == world.gongkang.pk)
    assert gongkang["counts"]["letter"] == 1
    assert gongkang["counts"]["post"] == 1
    assert gongkang["counts"]["report_in"] == 1

    assert [c["id"] for c in get(world.lin_na, "/api/console/communities").json()] == [
        world.gongkang.pk
    ]
    for name in ("wang_fang", "zhao_lei", "zhou_qiang", "wu_hao", "chen_jie", "nobody"):
        assert get(world.people[name], "/api/console/communities").json() == [], name


def test_a_decided_item_leaves_the_console(world: World, waiting: Waiting) -> None:
    application_approve(actor=world.li_wei, application_id=waiting.application.pk)
    Letter.objects.filter(pk=waiting.letter.pk).update(
        read_at=waiting.letter.created_at, read_by=world.zheng_hua
    )
    Report.objects.filter(pk=waiting.report.pk).update(status=Report.Status.DISMISSED)
    ReportIn.objects.filter(pk=waiting.report_in.pk).update(status=ReportIn.Status.WITHDRAWN)
    found = by_kind(get(world.zheng_hua, items_url(world)).json()["items"])
    assert set(found) == {"post", "topic_proposal", "topic_application"}


def test_looking_at_applicants_is_logged(world: World, waiting: Waiting) -> None:
    get(world.li_wei, items_url(world))
    entry = AccessLog.objects.get(actor=world.li_wei, action="view_console")
    assert entry.place_id == world.meiluo.pk
    assert entry.detail == "applications shown=1"


def test_reading_the_console_takes_the_same_queries_for_one_item_or_many(world: World) -> None:
    make_waiting(world)
    client = client_for(world.li_wei)
    client.get(items_url(world))  # the session is loaded, boards exist
    with CaptureQueriesContext(connection) as few:
        assert client.get(items_url(world)).status_code == 200
    for _ in range(4):
        make_waiting(world)
    with CaptureQueriesContext(connection) as many:
        response = client.get(items_url(world))
    assert len(by_kind(response.json()["items"])["letter"]) == 5
    assert len(by_kind(response.json()["items"])["report_in"]) == 5
    assert len(many) == len(few)
    # Per kind: the items, their gates (and the rule gates of posts and report-ins).
    assert len(many) <= 28


def test_the_communities_list_takes_the_same_queries_for_one_community_or_many(
    world: World, django_assert_max_num_queries: Any
) -> None:
    make_waiting(world)
    client = client_for(world.huang_jun)
    with CaptureQueriesContext(connection) as one:
        assert len(client.get("/api/console/communities").json()) == 2
    for index in range(3):
        place_create(name=f"新居委{index}", kind=PlaceKind.RESIDENTS_COMMITTEE, parent=world.wusong)
    with django_assert_max_num_queries(len(one)):
        body = client.get("/api/console/communities").json()
    assert len(body) == 5
    assert len(one) <= 13  # one grouped count per kind


# --- Gatekeeping in the console ----------------------------------------------------------------
def decidable(user: User, world: World) -> dict[tuple[str, int], bool]:
    items = get(user, items_url(world)).json()["items"]
    return {(item["kind"], item["id"]): item["may_decide"] for item in items}


def test_a_party_board_post_is_gated_and_only_the_secretary_may_decide_it(
    world: World, waiting: Waiting
) -> None:
    found = by_kind(get(world.li_wei, items_url(world)).json()["items"])
    party = found["post"][waiting.party_post.pk]
    assert party["gated"] is True
    assert party["gate_note"]
    assert party["gated_by"] is None  # the rule, not a person
    assert party["may_decide"] is False
    assert found["post"][waiting.post.pk]["gated"] is False

    assert decidable(world.zhang_min, world)[("post", waiting.party_post.pk)] is True
    assert decidable(world.zheng_hua, world)[("post", waiting.party_post.pk)] is False


def test_a_member_refers_an_item_to_the_secretary_from_the_console(
    world: World, waiting: Waiting
) -> None:
    url = f"/api/console/items/application/{waiting.application.pk}/refer"
    response = post(client_for(world.li_wei), url, {"note": "户籍信息需核实"})
    assert response.status_code == 200
    item = response.json()
    assert (item["gated"], item["gate_note"]) == (True, "户籍信息需核实")
    assert item["gated_by"]["id"] == world.li_wei.pk
    assert item["may_decide"] is False

    key = ("application", waiting.application.pk)
    assert decidable(world.zheng_hua, world)[key] is False
    assert decidable(world.zhang_min, world)[key] is True
    assert get(world.zhang_min, items_url(world)).json()["gatekeeper"] is True

    again = post(client_for(world.zheng_hua), url, {"note": "再次"})
    assert again.status_code == 409
    assert again.json()["code"] == "already_gated"
    assert Gate.objects.filter(target_kind="application").count() == 1


def test_a_delegate_decides_gated_items_too(world: World, waiting: Waiting) -> None:
    key = ("post", waiting.party_post.pk)
    assert decidable(world.li_wei, world)[key] is False
    url = f"/api/console/communities/{world.meiluo.pk}/delegations"
    candidates = get(world.zhang_min, url + "/candidates").json()
    assert {p["id"] for p in candidates} == {
        world.li_wei.pk,
        world.zheng_hua.pk,
        world.zhao_lei.pk,
    }
    assert get(world.li_wei, url + "/candidates").json() == []

    made = post(client_for(world.zhang_min), url, {"user_id": world.li_wei.pk})
    assert made.status_code == 201
    assert made.json()["delegate"]["id"] == world.li_wei.pk
    assert decidable(world.li_wei, world)[key] is True
    assert get(world.li_wei, items_url(world)).json()["gatekeeper"] is True
    assert [d["id"] for d in get(world.zheng_hua, url).json()] == [made.json()["id"]]

    ended = client_for(world.zhang_min).delete(f"{url}/{made.json()['id']}")
    assert ended.status_code == 204
    assert decidable(world.li_wei, world)[key] is False
    assert get(world.zhang_min, url).json() == []


@pytest.mark.parametrize(
    ("name", "status", "code"),
    [
        ("li_wei", 403, "not_secretary"),
        ("liu_yang", 404, "not_found"),
        ("wang_fang", 404, "not_found"),
        ("lin_na", 404, "not_found"),
    ],
)
def test_only_the_secretary_delegates(world: World, name: str, status: int, code: str) -> None:
    url = f"/api/console/communities/{world.meiluo.pk}/delegations"
    response = post(client_for(world.people[name]), url, {"user_id": world.zheng_hua.pk})
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert not gatekeeping.delegations_of(world.zhang_min, world.meiluo.pk)


def test_ending_a_delegation_of_another_community_is_not_found(world: World) -> None:
    made = gatekeeping.delegate(
        actor=world.zhang_min, community_id=world.meiluo.pk, user_id=world.li_wei.pk
    )
    url = f"/api/console/communities/{world.gongkang.pk}/delegations/{made.pk}"
    assert client_for(world.lin_na).delete(url).status_code == 404
    assert gatekeeping.delegations_of(world.zhang_min, world.meiluo.pk) == [made]


@pytest.mark.parametrize(
    ("name", "status", "code"),
    [
        ("liu_yang", 403, "read_only"),
        ("huang_jun", 403, "read_only"),
        ("wang_fang", 404, "not_found"),
        ("zhao_lei", 404, "not_found"),
        ("lin_na", 404, "not_found"),
    ],
)
def test_referring_is_for_the_committee_only(
    world: World, waiting: Waiting, name: str, status: int, code: str
) -> None:
    url = f"/api/console/items/letter/{waiting.letter.pk}/refer"
    response = post(client_for(world.people[name]), url, {"note": "?"})
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert not Gate.objects.exists()
