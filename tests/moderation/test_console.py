"""The committee console: what waits for a community's committee, who may see it, who may
decide each item (gatekeeping), and that it is read in a fixed number of queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chat.models import Letter
from communities.boards.models import BoardKind, Comment, Post
from communities.models import AccessLog, PlaceKind
from communities.moderation import console
from communities.moderation.models import Report, ReportEntry
from communities.services import application_approve, place_create
from communities.volunteering.models import ReportIn
from tests.conftest import PEOPLE, World, client_for
from tests.moderation.waiting import (
    Waiting,
    board_of,
    by_kind,
    get,
    items_url,
    make_waiting,
)

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
        "case": 0,
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
    assert len(one) <= 14  # one grouped count per kind
