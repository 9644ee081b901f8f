"""The whole loop of a case through the HTTP API, as the pages drive it: a resident raises a
problem with a photo, the committee accepts and escalates it, the street's desk assigns an
office, a supervisor urges, the office answers and resolves, the resident rates it; and the
other road: referred to a district department, handed to the city grid platform with its
reference, and sent back down tier by tier."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from communities.cases.models import Case
from communities.models import AccessLog
from communities.moderation.models import AuditEntry
from tests.cases.api_world import Cases, api, cases_world, jpeg
from tests.conftest import World, make_member, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def cw(world: World) -> Cases:
    return cases_world(world)


@pytest.fixture
def private_root(settings: Any, tmp_path: Path) -> Path:
    """The photos of this test only, beside (never under) its MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return Path(settings.PRIVATE_MEDIA_ROOT)


def ids(cases: list[dict[str, Any]]) -> list[int]:
    return [case["id"] for case in cases]


def kinds(detail: dict[str, Any]) -> list[str]:
    return [entry["kind"] for entry in detail["entries"]]


def hops(case_id: int) -> list[str]:
    entries = AuditEntry.objects.filter(target_kind="case", target_id=case_id).order_by("id")
    return [entry.action for entry in entries]


def test_raised_with_a_photo_accepted_escalated_assigned_urged_resolved_and_rated(
    cw: Cases, private_root: Path
) -> None:
    wang = api(cw.wang_fang)
    upload = wang.upload(jpeg((1200, 900)))
    assert upload.status_code == 201
    photo = upload.json()
    assert photo["width"] > 0
    assert photo["height"] > 0
    raised = wang.raise_case(cw, photo_ids=[photo["id"]])
    case_id = raised["id"]
    assert (raised["status"], raised["tier"], raised["unit"]) == ("submitted", "community", None)
    assert raised["category"]["name"] == "环境卫生"
    assert raised["community"]["id"] == cw.meiluo.pk
    assert [p["id"] for p in raised["photos"]] == [photo["id"]]
    assert raised["may"]["rate"] is False
    assert raised["may"]["accept"] is False
    assert kinds(raised) == ["submitted"]
    picture = wang.client.get(raised["photos"][0]["url"])
    assert picture.status_code == 200
    assert picture["Content-Type"].startswith("image/")
    assert wang.client.get(raised["photos"][0]["thumbnail_url"]).status_code == 200

    # A neighbour sees the public case on the board, without the reporter's name.
    neighbour = make_user("sun_li")
    make_member(neighbour, cw.meiluo_2)
    board = api(neighbour).get("/board", community_id=cw.meiluo.pk)
    assert board.status_code == 200
    assert ids(board.json()) == [case_id]
    assert board.json()[0]["reporter"] is None

    # The committee: its queue, the reporter's name, accept, escalate to the street's desk.
    li = api(cw.li_wei)
    assert case_id in ids(li.get("/queue", community_id=cw.meiluo.pk).json())
    seen = li.get(f"/{case_id}").json()
    assert seen["reporter"]["id"] == cw.wang_fang.pk
    assert seen["may"]["accept"] is True
    assert seen["may"]["escalate"] is True
    accepted = li.act(case_id, "accept", {"body": "收到，我们去现场看看"})
    assert accepted["status"] == "accepted"
    escalated = li.act(case_id, "escalate", {"reason": "需要城管执法"})
    assert escalated["tier"] == "street"
    assert escalated["unit"]["id"] == cw.units["desk"].pk
    assert escalated["status"] == "accepted"  # a hop keeps the status
    assert case_id not in ids(li.get("/queue", community_id=cw.meiluo.pk).json())

    # The street's desk: its queue, its offices, assign.
    desk = api(cw.desk_officer)
    mine = desk.get("/units/mine").json()
    assert [(u["kind"], u["id"]) for u in mine] == [("street", cw.units["desk"].pk)]
    assert case_id in ids(desk.get("/queue", unit_id=cw.units["desk"].pk).json())
    offices = desk.get("/units", street_id=cw.luodian.pk).json()
    assert {u["id"] for u in offices} == {cw.units["office"].pk, cw.units["office_2"].pk}
    assert {u["kind"] for u in offices} == {"office"}
    assigned = desk.act(
        case_id, "assign", {"unit_id": cw.units["office"].pk, "reason": "请城管科处理"}
    )
    assert (assigned["tier"], assigned["unit"]["id"]) == ("office", cw.units["office"].pk)
    assert case_id not in ids(desk.get("/queue", unit_id=cw.units["desk"].pk).json())

    # The office sees it in its queue, starts and writes an internal note.
    office = api(cw.office_officer)
    assert ids(office.get("/queue", unit_id=cw.units["office"].pk).json()) == [case_id]
    office.act(case_id, "start", {"body": "已派人"})
    noted = office.act(case_id, "reply", {"body": "种菜的是5号楼的住户", "public": False})
    assert [e["public"] for e in noted["entries"] if e["kind"] == "note"] == [False]

    # The street supervisor looks (logged) and urges; the office answers the urge.
    liu = api(cw.liu_yang)
    looks = AccessLog.objects.count()
    assert liu.get(f"/{case_id}").status_code == 200
    assert AccessLog.objects.count() == looks + 1
    patrol = liu.get("/patrol", place_id=cw.luodian.pk)
    assert patrol.status_code == 200
    assert case_id in ids(patrol.json()["cases"])
    urged = liu.act(case_id, "urge", {"note": "请尽快处理"})
    assert urged["open_urges"] == 1
    urge_id = urged["urges"][0]["id"]
    answered = office.act(case_id, "answer-urge", {"urge_id": urge_id, "body": "今天处理完"})
    assert answered["open_urges"] == 0
    assert answered["urges"][0]["answered_at"] is not None

    resolved = office.act(case_id, "resolve", {"body": "菜地已清理，恢复绿化"})
    assert resolved["status"] == "resolved"

    # The reporter: public entries only, then rate — the case closes.
    hers = wang.get(f"/{case_id}").json()
    assert "note" not in kinds(hers)
    assert all(entry["public"] for entry in hers["entries"])
    assert {"submitted", "accepted", "escalated", "assigned", "resolved"} <= set(kinds(hers))
    assert hers["may"]["rate"] is True
    assert hers["may"]["reopen"] is True
    assert hers["reporter"]["id"] == cw.wang_fang.pk
    rated = wang.act(case_id, "rate", {"rating": 5, "body": "谢谢居委和城管"})
    assert (rated["status"], rated["rating"]) == ("closed", 5)
    assert rated["closed_at"] is not None
    assert [(c["id"], c["status"]) for c in wang.get("/mine").json()] == [(case_id, "closed")]
    assert hops(case_id)[:2] == ["escalate", "assign"]
    assert "urge" in hops(case_id)
    assert Case.objects.get(pk=case_id).resolved_at is not None


def test_referred_to_a_department_handed_to_the_grid_and_sent_back_down(cw: Cases) -> None:
    wang = api(cw.wang_fang)
    case_id = wang.raise_case(cw, description="路边的行道树倒了", public=False)["id"]
    li = api(cw.li_wei)
    li.act(case_id, "escalate", {"reason": "树木归绿化部门"})

    desk = api(cw.desk_officer)
    departments = desk.get("/units", district_id=cw.district.pk).json()
    assert {u["id"] for u in departments} == {
        cw.units["department"].pk,
        cw.units["department_2"].pk,
    }
    referred = desk.act(
        case_id, "refer", {"unit_id": cw.units["department"].pk, "reason": "行道树归区绿化"}
    )
    assert (referred["tier"], referred["unit"]["id"]) == (
        "department",
        cw.units["department"].pk,
    )

    dept = api(cw.dept_officer)
    assert ids(dept.get("/queue", unit_id=cw.units["department"].pk).json()) == [case_id]
    dept.act(case_id, "reply", {"body": "这棵树在市管道路上", "public": True})
    back = dept.act(case_id, "send-back", {"reason": "属于市管道路，请转网格"})
    assert (back["tier"], back["unit"]["id"]) == ("street", cw.units["desk"].pk)

    handed = desk.act(case_id, "hand-off", {"reference": "BS-2026-001234", "reason": "9+X"})
    assert (handed["tier"], handed["grid_reference"]) == ("grid", "BS-2026-001234")
    updated = desk.act(case_id, "grid-update", {"body": "网格已派单", "public": True})
    assert "grid_update" in kinds(updated)
    taken_back = desk.act(case_id, "send-back", {"reason": "网格退单"})
    assert taken_back["tier"] == "street"
    down = desk.act(case_id, "send-back", {"reason": "居委先协调"})
    assert (down["tier"], down["unit"]) == ("community", None)
    assert case_id in ids(li.get("/queue", community_id=cw.meiluo.pk).json())

    # The department still sees what was at its unit; the reporter reads the public road.
    assert dept.get(f"/{case_id}").status_code == 200
    hers = wang.get(f"/{case_id}").json()
    assert {"escalated", "referred", "sent_back", "handed_off", "grid_update"} <= set(kinds(hers))
    assert hops(case_id) == [
        "escalate",
        "refer_case",
        "send_back",
        "hand_off",
        "send_back",
        "send_back",
    ]


def test_the_reporter_reopens_once_and_the_case_goes_back_to_work(cw: Cases) -> None:
    wang = api(cw.wang_fang)
    case_id = wang.raise_case(cw)["id"]
    li = api(cw.li_wei)
    li.act(case_id, "start")
    li.act(case_id, "resolve", {"body": "已清理"})
    reopened = wang.act(case_id, "reopen", {"reason": "第二天又种上了"})
    assert (reopened["status"], reopened["reopened"]) == ("in_progress", 1)
    assert reopened["may"]["reopen"] is False
    li.act(case_id, "resolve", {"body": "已和种菜的住户谈过"})
    assert wang.act(case_id, "rate", {"rating": 4})["status"] == "closed"


def test_a_duplicate_is_merged_and_both_reporters_follow_the_kept_case(cw: Cases) -> None:
    wang = api(cw.wang_fang)
    kept = wang.raise_case(cw)["id"]
    other = make_user("sun_li")
    make_member(other, cw.meiluo_2)
    duplicate = api(other).raise_case(cw, estate_id=cw.meiluo_2.pk)["id"]
    merged = api(cw.li_wei).act(duplicate, "merge", {"into_id": kept})
    assert merged["id"] == kept
    assert Case.objects.get(pk=duplicate).status == "merged"
    assert Case.objects.get(pk=duplicate).merged_into_id == kept
    assert kept in ids(api(other).get("/mine").json())
    assert "merge" in hops(duplicate) + hops(kept)


def test_categories_are_the_districts_active_ones(cw: Cases) -> None:
    cw.categories["停车"].active = False
    cw.categories["停车"].save()
    response = api(cw.wang_fang).get("/categories", community_id=cw.meiluo.pk)
    assert response.status_code == 200
    names = [c["name"] for c in response.json()]
    assert names[:3] == ["环境绿化", "环境卫生", "物业维修"]  # in the district's order
    assert "停车" not in names
    assert api(cw.chen_jie).get("/categories", community_id=cw.meiluo.pk).status_code == 404


def test_the_openapi_schema_lists_the_cases_endpoints(client: Any) -> None:
    schema = client.get("/api/openapi.json").json()
    paths = schema["paths"]
    assert "/api/cases/{case_id}/escalate" in paths
    assert "/api/cases/photos" in paths
    operation_ids = [op["operationId"] for path in paths.values() for op in path.values()]
    assert len(operation_ids) == len(set(operation_ids))
