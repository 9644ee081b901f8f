"""Every refusal of cases through the HTTP API (docs/cases.md): the status, the error code,
the error shape — and nothing written (no case, entry, urge, audit entry, photo or live
event; the case's state as it was)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from communities.cases.models import Case, Category, Photo
from tests.cases.api_world import Api, Cases, api, case_state, cases_world, jpeg, rows
from tests.conftest import World, make_member, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def cw(world: World) -> Cases:
    return cases_world(world)


@pytest.fixture(autouse=True)
def private_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return Path(settings.PRIVATE_MEDIA_ROOT)


@contextmanager
def nothing_written(case_id: int | None = None) -> Iterator[None]:
    before = rows()
    state = case_state(case_id) if case_id is not None else None
    yield
    assert rows() == before
    if case_id is not None:
        assert case_state(case_id) == state


def refused(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.content)
    body = dict(response.json())
    assert body["detail"]  # a message a person can read
    if code is not None:
        assert body["code"] == code, body
    return body


def raised(cw: Cases, **fields: Any) -> int:
    return int(api(cw.wang_fang).raise_case(cw, **fields)["id"])


def at_office(cw: Cases) -> int:
    """A case the committee escalated and the street's desk assigned to 城管科."""
    case_id = raised(cw)
    api(cw.li_wei).act(case_id, "escalate", {"reason": "需要城管"})
    api(cw.desk_officer).act(case_id, "assign", {"unit_id": cw.units["office"].pk})
    return case_id


def resolved(cw: Cases) -> int:
    case_id = raised(cw)
    api(cw.li_wei).act(case_id, "accept")
    api(cw.li_wei).act(case_id, "resolve", {"body": "已处理"})
    return case_id


# Every action of the handling units, with a body that would do it.
UNIT_ACTIONS: list[tuple[str, dict[str, Any]]] = [
    ("accept", {"body": "收到"}),
    ("decline", {"reason": "不归我们管"}),
    ("start", {}),
    ("reply", {"body": "在处理", "public": True}),
    ("reply", {"body": "内部备注", "public": False}),
    ("resolve", {"body": "处理完了"}),
    ("escalate", {"reason": "要街道处理"}),
    ("send-back", {"reason": "退回"}),
    ("hand-off", {"reference": "BS-1", "reason": "网格"}),
    ("grid-update", {"body": "网格回复"}),
]


# --- A resident ----------------------------------------------------------------------------
@pytest.mark.parametrize(("action", "body"), UNIT_ACTIONS)
def test_the_reporter_cannot_change_the_state_of_her_own_case(
    cw: Cases, action: str, body: dict[str, Any]
) -> None:
    case_id = raised(cw)
    with nothing_written(case_id):
        refused(api(cw.wang_fang).post(f"/{case_id}/{action}", body), 403, "not_handler")


def test_the_reporter_cannot_assign_refer_merge_or_urge(cw: Cases) -> None:
    case_id = raised(cw)
    other = raised(cw, description="另一件事")
    wang = api(cw.wang_fang)
    with nothing_written(case_id):
        office, department = cw.units["office"].pk, cw.units["department"].pk
        refused(wang.post(f"/{case_id}/assign", {"unit_id": office}), 403, "not_handler")
        refused(wang.post(f"/{case_id}/refer", {"unit_id": department, "reason": "x"}), 403)
        refused(wang.post(f"/{case_id}/merge", {"into_id": other}), 403, "not_handler")
        refused(wang.post(f"/{case_id}/urge", {"note": "快点"}), 403, "not_supervisor")


def test_a_neighbour_reads_a_public_case_but_cannot_touch_it_and_never_sees_a_private_one(
    cw: Cases,
) -> None:
    public = resolved(cw)
    private = raised(cw, public=False)
    neighbour = make_user("sun_li")
    make_member(neighbour, cw.meiluo_2)
    them = api(neighbour)
    assert them.get(f"/{public}").status_code == 200
    with nothing_written(public):
        refused(them.post(f"/{public}/rate", {"rating": 5}), 403, "not_reporter")
        refused(them.post(f"/{public}/reopen", {"reason": "我觉得没修好"}), 403, "not_reporter")
        refused(them.post(f"/{public}/accept", {}), 403, "not_handler")
        refused(them.post(f"/{public}/reply", {"body": "我也看到了"}), 403, "not_handler")
    with nothing_written(private):
        refused(them.get(f"/{private}"), 404, "not_found")
        refused(them.post(f"/{private}/rate", {"rating": 5}), 404, "not_found")
    assert [c["id"] for c in them.get("/board", community_id=cw.meiluo.pk).json()] == [public]


def test_only_a_resident_of_the_community_raises_a_case(cw: Cases) -> None:
    body = {
        "community_id": cw.gongkang.pk,
        "category_id": cw.categories["停车"].pk,
        "description": "乱停车",
    }
    with nothing_written():
        # 共康 is not hers to see; an officer above sees no community at all.
        refused(api(cw.wang_fang).post("", body), 404, "not_found")
        refused(api(cw.desk_officer).post("", {**body, "community_id": cw.meiluo.pk}), 404)
        # The committee views 美罗 but lives elsewhere.
        refused(
            api(cw.li_wei).post("", {**body, "community_id": cw.meiluo.pk}), 403, "not_resident"
        )


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"description": ""}, "description", "invalid"),
        ({"description": "   "}, "description", "invalid"),
        ({"description": "字" * 2001}, "description", "invalid"),
        ({"category_id": 999999}, "category_id", "bad_category"),
        ({"estate_id": 999999}, "estate_id", "bad_estate"),
        ({"photo_ids": [999999]}, "photo_ids", "bad_photo"),
        ({"building": "x" * 17}, "building", "invalid"),
    ],
)
def test_a_bad_case_is_refused_field_by_field(
    cw: Cases, fields: dict[str, Any], field: str, code: str
) -> None:
    body = {
        "community_id": cw.meiluo.pk,
        "category_id": cw.categories["停车"].pk,
        "description": "乱停车",
        **fields,
    }
    with nothing_written():
        error = refused(api(cw.wang_fang).post("", body), 400, code)
    assert field in error["errors"]


def test_an_inactive_category_or_another_districts_is_refused(cw: Cases) -> None:
    cw.categories["停车"].active = False
    cw.categories["停车"].save()
    for category in (cw.categories["停车"], Category.objects.create(district=cw.luodian, name="x")):
        body = {"community_id": cw.meiluo.pk, "category_id": category.pk, "description": "x"}
        with nothing_written():
            error = refused(api(cw.wang_fang).post("", body), 400, "bad_category")
        assert "category_id" in error["errors"]


def test_an_estate_of_another_community_is_refused(cw: Cases) -> None:
    body = {
        "community_id": cw.meiluo.pk,
        "category_id": cw.categories["停车"].pk,
        "description": "乱停车",
        "estate_id": cw.gongkang_1.pk,
    }
    with nothing_written():
        error = refused(api(cw.wang_fang).post("", body), 400, "bad_estate")
    assert "estate_id" in error["errors"]


# --- Photos --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"%PDF-1.7\n%%EOF\n", "photo.jpg"),
        (b"just some text", "photo.png"),
        (jpeg()[:200], "broken.jpg"),
    ],
)
def test_a_photo_that_is_not_an_image_is_refused(
    cw: Cases, data: bytes, name: str, private_root: Path
) -> None:
    with nothing_written():
        error = refused(api(cw.wang_fang).upload(data, name), 400, "invalid")
    assert "file" in error["errors"]
    assert not [p for p in private_root.rglob("*") if p.is_file()]


def test_ten_photos_are_one_too_many(cw: Cases) -> None:
    wang = api(cw.wang_fang)
    photos = [wang.photo_id() for _ in range(10)]
    with nothing_written():
        error = refused(wang.raise_case_response(cw, photo_ids=photos), 400, "too_many_photos")
    assert "photo_ids" in error["errors"]
    assert not Photo.objects.filter(case__isnull=False).exists()
    assert raised(cw, photo_ids=photos[:9])  # nine are fine


def test_someone_elses_upload_cannot_be_attached(cw: Cases) -> None:
    theirs = api(cw.li_wei).photo_id()
    with nothing_written():
        error = refused(
            api(cw.wang_fang).raise_case_response(cw, photo_ids=[theirs]), 400, "bad_photo"
        )
    assert "photo_ids" in error["errors"]


def test_a_photo_reaches_only_those_who_may_read_its_case(cw: Cases) -> None:
    wang = api(cw.wang_fang)
    photo = wang.photo_id()
    case_id = raised(cw, public=False, photo_ids=[photo])
    neighbour = make_user("sun_li")
    make_member(neighbour, cw.meiluo_2)
    for path in (f"/photos/{photo}", f"/photos/{photo}/thumbnail"):
        assert wang.get(path).status_code == 200
        assert api(cw.li_wei).get(path).status_code == 200  # the committee
        assert api(cw.liu_yang).get(path).status_code == 200  # the street supervisor
        for outsider in (None, neighbour, cw.lin_na, cw.chen_jie, cw.desk_officer, cw.dept_officer):
            refused(api(outsider).get(path), 404, "not_found")
    missing = api(cw.lin_na).get("/photos/999999").json()
    assert api(cw.lin_na).get(f"/photos/{photo}").json() == missing  # refused looks missing
    assert Case.objects.get(pk=case_id).photos.count() == 1


def test_an_unused_upload_is_its_uploaders_alone(cw: Cases) -> None:
    photo = api(cw.wang_fang).photo_id()
    assert api(cw.wang_fang).get(f"/photos/{photo}/thumbnail").status_code == 200
    for other in (cw.li_wei, cw.liu_yang, cw.huang_jun, None):
        refused(api(other).get(f"/photos/{photo}"), 404, "not_found")


# --- Another community's committee ---------------------------------------------------------
def test_another_communitys_committee_sees_nothing_of_it(cw: Cases) -> None:
    photo = api(cw.wang_fang).photo_id()
    case_id = raised(cw, public=True, photo_ids=[photo])
    lin = api(cw.lin_na)  # 共康居委's committee member
    with nothing_written(case_id):
        refused(lin.get(f"/{case_id}"), 404, "not_found")
        refused(lin.get(f"/photos/{photo}"), 404, "not_found")
        for action, body in UNIT_ACTIONS:
            refused(lin.post(f"/{case_id}/{action}", body), 404, "not_found")
    assert lin.get("/queue", community_id=cw.gongkang.pk).json() == []
    assert lin.get("/mine").json() == []
    queue = lin.get("/queue", community_id=cw.meiluo.pk)
    assert queue.status_code in (403, 404)
    assert "detail" in queue.json()


# --- Supervisors ---------------------------------------------------------------------------
@pytest.mark.parametrize(("action", "body"), UNIT_ACTIONS)
def test_a_supervisor_sees_but_cannot_handle(cw: Cases, action: str, body: dict[str, Any]) -> None:
    case_id = raised(cw)
    for supervisor in (cw.liu_yang, cw.huang_jun):
        assert api(supervisor).get(f"/{case_id}").status_code == 200
        before = rows()
        state = case_state(case_id)
        refused(api(supervisor).post(f"/{case_id}/{action}", body), 403, "read_only")
        after = rows()
        # Only the look is logged (AccessLog, not counted here); nothing else is written.
        assert after == before
        assert case_state(case_id) == state


def test_a_supervisor_cannot_resolve_a_case_at_any_tier(cw: Cases) -> None:
    case_id = at_office(cw)
    for supervisor in (cw.liu_yang, cw.huang_jun):
        with nothing_written(case_id):
            refused(
                api(supervisor).post(f"/{case_id}/resolve", {"body": "我来关"}), 403, "read_only"
            )


def test_a_supervisor_of_another_street_sees_nothing(cw: Cases) -> None:
    case_id = raised(cw)
    with nothing_written(case_id):
        refused(api(cw.wusong_supervisor).get(f"/{case_id}"), 404, "not_found")
        refused(api(cw.wusong_supervisor).post(f"/{case_id}/urge", {"note": "?"}), 404, "not_found")


def test_an_urge_needs_a_note_and_only_the_handling_unit_answers_it(cw: Cases) -> None:
    case_id = at_office(cw)
    liu = api(cw.liu_yang)
    with nothing_written(case_id):
        error = refused(liu.post(f"/{case_id}/urge", {"note": ""}), 400, "invalid")
    assert "note" in error["errors"]
    urge_id = liu.act(case_id, "urge", {"note": "请尽快"})["urges"][0]["id"]
    with nothing_written(case_id):
        answer = {"urge_id": urge_id, "body": "今天处理"}
        refused(api(cw.wang_fang).post(f"/{case_id}/answer-urge", answer), 403, "not_handler")
        refused(api(cw.liu_yang).post(f"/{case_id}/answer-urge", answer), 403, "read_only")
        unknown = {"urge_id": 999999, "body": "x"}
        error = refused(
            api(cw.office_officer).post(f"/{case_id}/answer-urge", unknown), 400, "bad_urge"
        )
        assert "urge_id" in error["errors"]
    api(cw.office_officer).act(case_id, "answer-urge", answer)
    with nothing_written(case_id):
        refused(
            api(cw.office_officer).post(f"/{case_id}/answer-urge", answer),
            409,
            "already_answered",
        )


# --- Officers of the units above -----------------------------------------------------------
def test_an_office_sees_only_what_was_assigned_to_it(cw: Cases) -> None:
    case_id = at_office(cw)
    unassigned = raised(cw, description="没升级的事")
    office = api(cw.office_officer)
    office_2 = api(cw.office2_officer)
    assert office.get(f"/{case_id}").status_code == 200
    assert [c["id"] for c in office.get("/queue", unit_id=cw.units["office"].pk).json()] == [
        case_id
    ]
    with nothing_written(case_id):
        refused(office.get(f"/{unassigned}"), 404, "not_found")
        refused(office_2.get(f"/{case_id}"), 404, "not_found")
        refused(office_2.post(f"/{case_id}/resolve", {"body": "x"}), 404, "not_found")
        refused(office.get(f"/photos/{999999}"), 404, "not_found")
        refused(api(cw.wusong_office_officer).get(f"/{case_id}"), 404, "not_found")
        refused(api(cw.dept_officer).get(f"/{case_id}"), 404, "not_found")
    assert office_2.get("/queue", unit_id=cw.units["office_2"].pk).json() == []
    queue = office_2.get("/queue", unit_id=cw.units["office"].pk)
    assert queue.status_code in (403, 404)


def test_a_department_sees_only_what_was_referred_to_it(cw: Cases) -> None:
    case_id = raised(cw)
    api(cw.li_wei).act(case_id, "escalate", {"reason": "归绿化"})
    api(cw.desk_officer).act(
        case_id, "refer", {"unit_id": cw.units["department"].pk, "reason": "行道树"}
    )
    other = raised(cw, description="另一件")
    dept = api(cw.dept_officer)
    assert dept.get(f"/{case_id}").status_code == 200
    with nothing_written(case_id):
        refused(dept.get(f"/{other}"), 404, "not_found")
        refused(api(cw.dept2_officer).get(f"/{case_id}"), 404, "not_found")
        refused(
            api(cw.dept2_officer).post(f"/{case_id}/send-back", {"reason": "x"}), 404, "not_found"
        )
    assert api(cw.dept2_officer).get("/queue", unit_id=cw.units["department_2"].pk).json() == []


def test_the_desk_cannot_act_before_the_case_reaches_the_street(cw: Cases) -> None:
    case_id = raised(cw)
    desk = api(cw.desk_officer)
    with nothing_written(case_id):
        refused(desk.get(f"/{case_id}"), 404, "not_found")
        assign = {"unit_id": cw.units["office"].pk}
        refused(desk.post(f"/{case_id}/assign", assign), 404, "not_found")


# --- States that do not allow it -----------------------------------------------------------
def test_a_declined_case_cannot_be_escalated(cw: Cases) -> None:
    case_id = raised(cw)
    api(cw.li_wei).act(case_id, "decline", {"reason": "这是私人花园"})
    with nothing_written(case_id):
        refused(api(cw.li_wei).post(f"/{case_id}/escalate", {"reason": "再看看"}), 409, "not_open")
        refused(api(cw.li_wei).post(f"/{case_id}/accept", {}), 409, "not_open")


def test_a_closed_case_cannot_be_escalated_or_reopened(cw: Cases) -> None:
    case_id = resolved(cw)
    api(cw.wang_fang).act(case_id, "rate", {"rating": 3})
    with nothing_written(case_id):
        li, wang = api(cw.li_wei), api(cw.wang_fang)
        refused(li.post(f"/{case_id}/escalate", {"reason": "再看看"}), 409, "not_open")
        refused(li.post(f"/{case_id}/resolve", {"body": "再修"}), 409, "not_open")
        refused(wang.post(f"/{case_id}/reopen", {"reason": "又坏了"}), 409, "not_open")
        refused(wang.post(f"/{case_id}/rate", {"rating": 5}), 409, "not_open")


def test_a_decline_needs_a_reason(cw: Cases) -> None:
    case_id = raised(cw)
    with nothing_written(case_id):
        error = refused(api(cw.li_wei).post(f"/{case_id}/decline", {"reason": " "}), 400)
    assert "reason" in error["errors"]


def test_an_escalation_needs_a_reason(cw: Cases) -> None:
    case_id = raised(cw)
    with nothing_written(case_id):
        error = refused(api(cw.li_wei).post(f"/{case_id}/escalate", {"reason": ""}), 400)
    assert "reason" in error["errors"]


@pytest.mark.parametrize("rating", [0, 6, -1, 100])
def test_a_rating_outside_one_to_five_is_refused(cw: Cases, rating: int) -> None:
    case_id = resolved(cw)
    with nothing_written(case_id):
        error = refused(
            api(cw.wang_fang).post(f"/{case_id}/rate", {"rating": rating}), 400, "bad_rating"
        )
    assert "rating" in error["errors"]


def test_a_case_not_resolved_cannot_be_rated_or_reopened(cw: Cases) -> None:
    case_id = raised(cw)
    with nothing_written(case_id):
        wang = api(cw.wang_fang)
        refused(wang.post(f"/{case_id}/rate", {"rating": 5}), 409, "wrong_status")
        refused(wang.post(f"/{case_id}/reopen", {"reason": "?"}), 409, "wrong_status")


def test_a_second_reopen_is_refused(cw: Cases) -> None:
    case_id = resolved(cw)
    api(cw.wang_fang).act(case_id, "reopen", {"reason": "又种上了"})
    api(cw.li_wei).act(case_id, "resolve", {"body": "再次清理"})
    with nothing_written(case_id):
        refused(
            api(cw.wang_fang).post(f"/{case_id}/reopen", {"reason": "还是有"}),
            409,
            "already_reopened",
        )


def test_a_reopen_needs_a_reason(cw: Cases) -> None:
    case_id = resolved(cw)
    with nothing_written(case_id):
        error = refused(api(cw.wang_fang).post(f"/{case_id}/reopen", {"reason": ""}), 400)
    assert "reason" in error["errors"]


# --- Hops to a unit that does not exist or is not the right one ----------------------------
def at_desk(cw: Cases) -> int:
    case_id = raised(cw)
    api(cw.li_wei).act(case_id, "escalate", {"reason": "要街道"})
    return case_id


def test_an_assignment_to_a_unit_that_does_not_exist_is_refused(cw: Cases) -> None:
    case_id = at_desk(cw)
    desk = api(cw.desk_officer)
    with nothing_written(case_id):
        for action in ("assign", "refer"):
            error = refused(
                desk.post(f"/{case_id}/{action}", {"unit_id": 999999, "reason": "x"}),
                400,
                "bad_unit",
            )
            assert "unit_id" in error["errors"]


@pytest.mark.parametrize(
    ("action", "unit"),
    [
        ("assign", "wusong_office"),  # an office of another street
        ("assign", "department"),  # a department is referred to, not assigned
        ("assign", "desk"),  # the desk itself
        ("refer", "office"),  # an office is assigned to, not referred
        ("refer", "wusong_desk"),
    ],
)
def test_a_hop_to_the_wrong_kind_of_unit_or_another_streets_is_refused(
    cw: Cases, action: str, unit: str
) -> None:
    case_id = at_desk(cw)
    desk = api(cw.desk_officer)
    with nothing_written(case_id):
        error = refused(
            desk.post(f"/{case_id}/{action}", {"unit_id": cw.units[unit].pk, "reason": "x"}),
            400,
            "bad_unit",
        )
    assert "unit_id" in error["errors"]


def test_an_inactive_office_is_refused(cw: Cases) -> None:
    case_id = at_desk(cw)
    cw.units["office"].active = False
    cw.units["office"].save()
    with nothing_written(case_id):
        error = refused(
            api(cw.desk_officer).post(f"/{case_id}/assign", {"unit_id": cw.units["office"].pk}),
            400,
        )
    assert "unit_id" in error["errors"]


def test_an_escalation_where_the_street_has_no_desk_is_refused(cw: Cases) -> None:
    cw.units["wusong_desk"].active = False
    cw.units["wusong_desk"].save()
    chen = api(cw.chen_jie)  # lives in 共康 under 吴淞街道
    case_id = chen.raise_case(cw, community_id=cw.gongkang.pk, estate_id=cw.gongkang_1.pk)["id"]
    with nothing_written(case_id):
        error = refused(
            api(cw.lin_na).post(f"/{case_id}/escalate", {"reason": "要街道"}), 400, "bad_unit"
        )
    assert "unit_id" in error["errors"]


def test_a_hand_off_needs_the_grid_reference(cw: Cases) -> None:
    case_id = at_desk(cw)
    with nothing_written(case_id):
        error = refused(
            api(cw.desk_officer).post(f"/{case_id}/hand-off", {"reference": " "}), 400, "invalid"
        )
    assert "reference" in error["errors"]


def test_the_committee_cannot_hop_past_the_street(cw: Cases) -> None:
    case_id = raised(cw)
    li = api(cw.li_wei)
    with nothing_written(case_id):
        # The committee holds it, but these are the street desk's moves, and below the
        # community there is nothing to send it back to.
        office, department = cw.units["office"].pk, cw.units["department"].pk
        refused(li.post(f"/{case_id}/assign", {"unit_id": office}), 409, "wrong_tier")
        refused(li.post(f"/{case_id}/refer", {"unit_id": department, "reason": "x"}), 409)
        refused(li.post(f"/{case_id}/hand-off", {"reference": "BS-1"}), 409, "wrong_tier")
        refused(li.post(f"/{case_id}/send-back", {"reason": "?"}), 409, "wrong_tier")


def test_a_merge_across_communities_is_refused(cw: Cases) -> None:
    case_id = raised(cw)
    chen = api(cw.chen_jie)
    theirs = chen.raise_case(cw, community_id=cw.gongkang.pk, estate_id=cw.gongkang_1.pk)["id"]
    with nothing_written(case_id):
        li = api(cw.li_wei)
        refused(li.post(f"/{case_id}/merge", {"into_id": theirs}), 404, "not_found")
        refused(li.post(f"/{case_id}/merge", {"into_id": case_id}), 400, "same_case")


# --- Logged out ----------------------------------------------------------------------------
def test_logged_out_everything_is_401(cw: Cases) -> None:
    case_id = resolved(cw)
    anon: Api = api(None)
    gets = ["/categories?community_id=1", "/mine", "/board?community_id=1", f"/{case_id}"]
    gets += ["/queue?community_id=1", "/units/mine", "/units?street_id=1", "/patrol?place_id=1"]
    with nothing_written(case_id):
        for path in gets:
            refused(anon.client.get(f"/api/cases{path}"), 401, "not_authenticated")
        for action, body in [*UNIT_ACTIONS, ("rate", {"rating": 5}), ("reopen", {"reason": "x"})]:
            refused(anon.post(f"/{case_id}/{action}", body), 401, "not_authenticated")
        refused(anon.post("", {"community_id": 1, "category_id": 1}), 401, "not_authenticated")
        refused(anon.upload(jpeg()), 401, "not_authenticated")
