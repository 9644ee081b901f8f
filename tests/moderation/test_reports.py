"""Residents report messages, posts and comments: one open report per item, counted by
distinct reporters; the committee dismisses it or acts on the item; gated reports wait for
the party secretary."""

from __future__ import annotations

from typing import Any

import pytest

from chat.models import Message
from communities.boards.models import BoardKind, Comment, Post
from communities.boards.services import comment_create, post_create
from communities.moderation.models import AuditEntry, Gate, Report, ReportEntry, TargetKind
from realtime.models import Event
from tests.conftest import client_for

from .conftest import Mod, Say


def post(client: Any, path: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(path, body or {}, content_type="application/json")


def report(
    mod: Mod, name: str, kind: str, target: int, reason: str = "spam", note: str = ""
) -> Any:
    body = {"target_kind": kind, "target_id": target, "reason": reason, "note": note}
    return post(client_for(mod.world.people[name]), "/api/moderation/reports", body)


def staff_frames(mod: Mod) -> list[tuple[str, int]]:
    rows = Event.objects.filter(stream=f"staff.{mod.world.meiluo.pk}", type__startswith="report.")
    return [(e.type, e.payload["report"]["count"]) for e in rows.order_by("id")]


def test_reports_of_one_message_are_counted_not_duplicated(mod: Mod, say: Say) -> None:
    message = say(mod.wang_fang, "加微信买保健品，包治百病")
    first = report(mod, "zhao_lei", "message", message.pk, "spam", "广告")
    assert first.status_code == 201, first.json()
    shape = first.json()
    assert (shape["count"], shape["reasons"], shape["status"]) == (1, {"spam": 1}, "open")
    assert (shape["target_author"]["id"], shape["excerpt"]) == (
        mod.wang_fang.pk,
        "加微信买保健品，包治百病",
    )
    assert (shape["conversation"], shape["post"], shape["community"]) == (
        mod.estate_chat,
        None,
        mod.world.meiluo.pk,
    )
    again = report(mod, "zhao_lei", "message", message.pk, "abuse")
    assert again.status_code == 200
    assert again.json()["id"] == shape["id"]
    assert again.json()["count"] == 1
    second = report(mod, "li_wei", "message", message.pk, "rumour")
    assert second.status_code == 201
    assert (second.json()["id"], second.json()["count"]) == (shape["id"], 2)
    assert second.json()["reasons"] == {"spam": 1, "rumour": 1}
    assert Report.objects.count() == 1
    assert ReportEntry.objects.count() == 2
    assert staff_frames(mod) == [("report.opened", 1), ("report.updated", 2)]


def test_a_report_needs_a_readable_item_that_is_not_ones_own(mod: Mod, say: Say) -> None:
    message = say(mod.wang_fang, "消息")
    assert report(mod, "chen_jie", "message", message.pk).status_code == 404  # cannot read it
    assert report(mod, "zhou_qiang", "message", message.pk).status_code == 404
    assert report(mod, "zhao_lei", "message", 999999).status_code == 404
    own = report(mod, "wang_fang", "message", message.pk)
    assert (own.status_code, own.json()["code"]) == (400, "own_content")
    bad_kind = report(mod, "zhao_lei", "letter", message.pk)
    assert (bad_kind.status_code, list(bad_kind.json()["errors"])) == (400, ["target_kind"])
    bad_reason = report(mod, "zhao_lei", "message", message.pk, reason="boring")
    assert list(bad_reason.json()["errors"]) == ["reason"]
    long_note = report(mod, "zhao_lei", "message", message.pk, note="长" * 201)
    assert list(long_note.json()["errors"]) == ["note"]
    assert not Report.objects.exists()
    assert not staff_frames(mod)


def test_hiding_a_reported_message_marks_its_report_actioned(mod: Mod, say: Say) -> None:
    message = say(mod.wang_fang, "谣言：明天停水三天")
    report_id = report(mod, "zhao_lei", "message", message.pk, "rumour").json()["id"]
    # A hidden message can no longer be reported by residents.
    post(client_for(mod.li_wei), f"/api/moderation/messages/{message.pk}/hide", {"reason": "谣言"})
    assert report(mod, "sun_li", "message", message.pk).status_code == 404
    row = Report.objects.get(pk=report_id)
    assert (row.status, row.decided_by_id, row.decision_note) == ("actioned", mod.li_wei.pk, "谣言")
    assert staff_frames(mod) == [("report.opened", 1), ("report.updated", 1)]
    listed = client_for(mod.li_wei).get(
        f"/api/moderation/communities/{mod.world.meiluo.pk}/reports?status=actioned"
    )
    assert [r["id"] for r in listed.json()] == [report_id]
    assert (
        client_for(mod.li_wei)
        .get(f"/api/moderation/communities/{mod.world.meiluo.pk}/reports")
        .json()
        == []
    )


def test_posts_and_comments_are_reported_and_acted_on(mod: Mod) -> None:
    board = mod.board(BoardKind.MUTUAL_AID)
    aid = post_create(
        author=mod.wang_fang,
        board_id=board.pk,
        title="出租车位",
        body="便宜出租",
        extra={"need": "offer"},
    )
    comment = comment_create(author=mod.zhao_lei, post_id=aid.pk, body="骗子别信")
    post_report = report(mod, "zhao_lei", "post", aid.pk, "spam").json()
    assert (post_report["post"], post_report["conversation"]) == (aid.pk, None)
    comment_report = report(mod, "wang_fang", "comment", comment.pk, "abuse").json()
    assert comment_report["post"] == aid.pk
    li = client_for(mod.li_wei)
    assert (
        post(li, f"/api/moderation/comments/{comment.pk}/hide", {"reason": "人身攻击"}).status_code
        == 200
    )
    assert post(li, f"/api/moderation/posts/{aid.pk}/remove", {"reason": "广告"}).status_code == 200
    assert set(Report.objects.values_list("status", flat=True)) == {"actioned"}
    assert Comment.objects.get(pk=comment.pk).status == "hidden"
    assert Post.objects.get(pk=aid.pk).status == "deleted"
    # A hidden comment and a removed post cannot be reported any more.
    assert report(mod, "sun_li", "comment", comment.pk).status_code == 404
    assert report(mod, "sun_li", "post", aid.pk).status_code == 404


def test_dismiss_and_who_may(mod: Mod, say: Say) -> None:
    message = say(mod.wang_fang, "正常的话")
    report_id = report(mod, "zhao_lei", "message", message.pk, "other").json()["id"]
    path = f"/api/moderation/reports/{report_id}/dismiss"
    for name in (
        "wang_fang",
        "zhao_lei",
        "zhou_qiang",
        "wu_hao",
        "liu_yang",
        "huang_jun",
        "lin_na",
        "chen_jie",
    ):
        assert post(client_for(mod.world.people[name]), path, {"note": "x"}).status_code == 404, (
            name
        )
    assert Report.objects.get().status == "open"
    assert not AuditEntry.objects.exists()
    dismissed = post(client_for(mod.zheng_hua), path, {"note": "没有问题"})
    assert dismissed.status_code == 200
    assert (dismissed.json()["status"], dismissed.json()["decided_by"]["id"]) == (
        "dismissed",
        mod.zheng_hua.pk,
    )
    again = post(client_for(mod.li_wei), path)
    assert (again.status_code, again.json()["code"]) == (409, "already_decided")
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.target_kind, entry.target_id, entry.reason) == (
        "dismiss",
        "report",
        report_id,
        "没有问题",
    )
    # Reporting after a dismissal opens a new report.
    assert report(mod, "li_wei", "message", message.pk).json()["id"] != report_id


@pytest.mark.parametrize("name", ["li_wei", "zhang_min", "liu_yang", "huang_jun"])
def test_staff_and_supervisors_read_the_reports(mod: Mod, say: Say, name: str) -> None:
    message = say(mod.wang_fang, "消息")
    report(mod, "zhao_lei", "message", message.pk)
    listed = client_for(mod.world.people[name]).get(
        f"/api/moderation/communities/{mod.world.meiluo.pk}/reports"
    )
    assert [r["target_id"] for r in listed.json()] == [message.pk]


@pytest.mark.parametrize(
    "name", ["wang_fang", "zhao_lei", "zhou_qiang", "wu_hao", "lin_na", "wusong_supervisor"]
)
def test_others_do_not_see_reports(mod: Mod, name: str) -> None:
    response = client_for(mod.world.people[name]).get(
        f"/api/moderation/communities/{mod.world.meiluo.pk}/reports"
    )
    assert response.status_code == 404


def test_a_gated_report_waits_for_the_party_secretary(mod: Mod, say: Say) -> None:
    message = say(mod.wang_fang, "敏感的话题")
    report_id = report(mod, "zhao_lei", "message", message.pk).json()["id"]
    Gate.objects.create(
        community=mod.world.meiluo,
        target_kind=TargetKind.REPORT,
        target_id=report_id,
        referred_by=mod.li_wei,
    )
    li = client_for(mod.li_wei)
    for path, body in (
        (f"/api/moderation/reports/{report_id}/dismiss", {}),
        (f"/api/moderation/messages/{message.pk}/hide", {"reason": "x"}),
    ):
        refused = post(li, path, body)
        assert (refused.status_code, refused.json()["code"]) == (403, "gated")
    message.refresh_from_db()
    assert (message.moderated, Report.objects.get().status) == ("", "open")
    assert not AuditEntry.objects.exists()
    assert (
        post(
            client_for(mod.zhang_min),
            f"/api/moderation/messages/{message.pk}/hide",
            {"reason": "书记决定"},
        ).status_code
        == 200
    )
    assert Report.objects.get().status == "actioned"


def test_the_report_list_costs_the_same_however_many_reports(
    mod: Mod, say: Say, django_assert_max_num_queries: Any
) -> None:
    board = mod.board(BoardKind.MUTUAL_AID)
    for n in range(3):
        message = say(mod.wang_fang, f"消息{n}")
        report(mod, "zhao_lei", "message", message.pk)
        report(mod, "li_wei", "message", message.pk, "abuse")
        aid = post_create(
            author=mod.wang_fang,
            board_id=board.pk,
            title=f"帖{n}",
            body="x",
            extra={"need": "offer"},
        )
        report(mod, "zhao_lei", "post", aid.pk)
        comment = comment_create(author=mod.wang_fang, post_id=aid.pk, body="评论")
        report(mod, "zhao_lei", "comment", comment.pk)
    client = client_for(mod.li_wei)
    path = f"/api/moderation/communities/{mod.world.meiluo.pk}/reports"
    with django_assert_max_num_queries(9):  # session, user, place, standing (2), reports,
        # reasons, messages' conversations, comments' posts
        rows = client.get(path).json()
    assert len(rows) == 9
    assert {r["count"] for r in rows} == {1, 2}


def test_reporting_is_rate_limited(mod: Mod) -> None:
    messages = Message.objects.bulk_create(
        Message(
            conversation_id=mod.estate_chat,
            author=mod.wang_fang,
            client_id=f"m{n}",
            body=f"消息{n}",
        )
        for n in range(21)
    )
    for message in messages[:20]:
        assert report(mod, "zhao_lei", "message", message.pk).status_code == 201
    refused = report(mod, "zhao_lei", "message", messages[20].pk)
    assert (refused.status_code, refused.json()["code"]) == (429, "throttled")
    assert Report.objects.count() == 20
