"""The word filter: Chinese text, disguised words, the committee's list, and posts that
match going to review instead of appearing."""

from __future__ import annotations

from typing import Any

import pytest

from communities.boards.models import BoardKind, Post
from communities.boards.services import post_create, post_edit, post_review
from communities.moderation.models import AuditEntry, WordFilter
from communities.rules import words as wordfilter
from communities.rules.words import filter_matches_of
from realtime.models import Event
from tests.conftest import client_for

from .conftest import Mod

WORDS = ["敏感", "代开发票", "ABC"]


@pytest.mark.parametrize(
    "text",
    [
        "这里有敏感内容",
        "敏 感",
        "敏*感",
        "敏\u200b感",  # zero-width space
        "敏，感",
        "敏　感",  # ideographic space
        "找人代-开-发-票",
        "ａｂｃ",  # full-width
        "xAbCx",
    ],
)
def test_disguised_words_match(text: str) -> None:
    assert wordfilter.Matcher.of(WORDS).matches(text)


@pytest.mark.parametrize("text", ["敏锐的感觉", "开发票据", "a-b", ""])
def test_other_text_does_not_match(text: str) -> None:
    assert wordfilter.Matcher.of(WORDS).matches(text) == []


def test_matches_are_named_as_the_committee_wrote_them_once_each() -> None:
    matcher = wordfilter.Matcher.of(["代开发票", "发票", "敏感"])
    assert matcher.matches("代开发票！敏感，敏感，发票") == ["代开发票", "敏感", "发票"]


def put(mod: Mod, name: str = "li_wei", **body: Any) -> Any:
    payload = {"enabled": True, "words": WORDS, **body}
    return client_for(mod.world.people[name]).put(
        f"/api/moderation/communities/{mod.world.meiluo.pk}/word-filter",
        payload,
        content_type="application/json",
    )


def test_the_committee_edits_its_list(mod: Mod) -> None:
    path = f"/api/moderation/communities/{mod.world.meiluo.pk}/word-filter"
    assert client_for(mod.li_wei).get(path).json() == {
        "enabled": False,
        "words": [],
        "updated_at": None,
        "updated_by": None,
    }
    response = put(mod, words=[" 敏感 ", "敏 感", "ABC", "abc", "代开发票"])
    assert response.status_code == 200
    assert response.json()["words"] == ["敏感", "ABC", "代开发票"]  # trimmed, duplicates dropped
    assert response.json()["updated_by"]["id"] == mod.li_wei.pk
    assert client_for(mod.zhang_min).get(path).json()["words"] == ["敏感", "ABC", "代开发票"]
    put(mod, enabled=False, words=["敏感"])
    entries = list(AuditEntry.objects.order_by("id"))
    assert [(e.action, e.target_kind) for e in entries] == [("filter", "word_filter")] * 2
    assert entries[0].before == {}
    assert entries[1].before == {"enabled": True, "words": ["敏感", "ABC", "代开发票"]}
    assert entries[1].after == {"enabled": False, "words": ["敏感"]}
    check = client_for(mod.li_wei).post(
        f"{path}/check", {"text": "敏-感话题"}, content_type="application/json"
    )
    assert check.json() == {"matches": ["敏感"]}


@pytest.mark.parametrize(
    "words",
    [["x" * 31], [""], ["  "], ["***"], [f"词{n}" for n in range(501)]],
)
def test_bad_lists_are_refused(mod: Mod, words: list[str]) -> None:
    response = put(mod, words=words)
    assert response.status_code == 400
    assert "words" in response.json()["errors"]
    assert not WordFilter.objects.exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    "name",
    [
        "wang_fang",
        "zhao_lei",
        "zhou_qiang",
        "wu_hao",
        "liu_yang",
        "huang_jun",
        "lin_na",
        "chen_jie",
    ],
)
def test_only_staff_see_and_edit_the_list(mod: Mod, name: str) -> None:
    path = f"/api/moderation/communities/{mod.world.meiluo.pk}/word-filter"
    client = client_for(mod.world.people[name])
    assert client.get(path).status_code == 404
    assert put(mod, name=name).status_code == 404
    assert (
        client.post(f"{path}/check", {"text": "敏感"}, content_type="application/json").status_code
        == 404
    )
    assert not WordFilter.objects.exists()


def test_a_matching_post_waits_for_review_with_its_words_for_moderators(mod: Mod) -> None:
    put(mod)
    board = mod.board(BoardKind.MUTUAL_AID)
    held = post_create(
        author=mod.wang_fang,
        board_id=board.pk,
        title="求助",
        body="<p>有人能代 开 发 票吗</p>",
        extra={"need": "request"},
    )
    clean = post_create(
        author=mod.wang_fang,
        board_id=board.pk,
        title="求助",
        body="借个梯子",
        extra={"need": "request"},
    )
    assert (held.status, clean.status) == ("pending", "published")
    assert filter_matches_of([held, clean]) == {held.pk: ["代开发票"]}
    pending = Event.objects.filter(type="post.pending").values_list("stream", flat=True)
    assert set(pending) == {f"staff.{mod.world.meiluo.pk}", f"user.{mod.wang_fang.pk}"}
    assert not Event.objects.filter(type="post.created", payload__post__id=held.pk).exists()
    # Property boards of the community's estates are filtered too; staff are not.
    on_property = post_create(
        author=mod.wu_hao,
        board_id=mod.board(BoardKind.PROPERTY, "meiluo_1").pk,
        title="敏感通知",
        body="正文",
    )
    by_staff = post_create(
        author=mod.li_wei, board_id=mod.board(BoardKind.NOTICES).pk, title="关于敏感词", body="说明"
    )
    assert (on_property.status, by_staff.status) == ("pending", "published")
    # The review queue tells the moderators why each post waits.
    queue = client_for(mod.li_wei).get("/api/boards/review").json()
    words = {item["id"]: item["filter_words"] for item in queue}
    assert words[held.pk] == ["代开发票"]
    assert words[on_property.pk] == ["敏感"]
    # Approving publishes it, and is audited.
    post_review(actor=mod.li_wei, post_id=held.pk, decision="approve")
    assert Post.objects.get(pk=held.pk).status == "published"
    assert AuditEntry.objects.filter(action="approve", target_id=held.pk).exists()


def test_other_communities_and_a_disabled_filter_do_not_hold(mod: Mod) -> None:
    put(mod, enabled=False)
    board = mod.board(BoardKind.MUTUAL_AID)
    assert (
        post_create(
            author=mod.wang_fang,
            board_id=board.pk,
            title="敏感",
            body="x",
            extra={"need": "request"},
        ).status
        == "published"
    )
    idle = mod.board(BoardKind.IDLE, "gongkang")
    put(mod)
    assert (
        post_create(
            author=mod.chen_jie,
            board_id=idle.pk,
            title="敏感",
            body="x",
            extra={"item": "书", "deal": "free"},
        ).status
        == "published"
    )


def test_an_edit_bringing_in_a_word_sends_the_post_back_to_review(mod: Mod) -> None:
    put(mod)
    board = mod.board(BoardKind.MUTUAL_AID)
    aid = post_create(
        author=mod.wang_fang,
        board_id=board.pk,
        title="求助",
        body="借梯子",
        extra={"need": "request"},
    )
    edited = post_edit(editor=mod.wang_fang, post_id=aid.pk, body="借梯子，顺便ＡＢＣ")
    assert edited.status == "pending"
    hidden = Event.objects.filter(type="post.hidden", payload__post_id=aid.pk).values_list(
        "stream", flat=True
    )
    assert f"community.{mod.world.meiluo.pk}" in set(hidden)
    assert (
        Event.objects.filter(type="post.pending", stream=f"staff.{mod.world.meiluo.pk}").count()
        == 1
    )
