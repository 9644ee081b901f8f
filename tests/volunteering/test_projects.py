"""Service projects: the secretary and committee list them, party members take them on and
note progress, and the branch sees who has what — refusals included."""

from __future__ import annotations

import pytest

from communities.volunteering import services
from communities.volunteering.models import Project, ProjectClaim, ProjectNote
from realtime.models import Event
from tests.conftest import World
from tests.volunteering.conftest import api

pytestmark = pytest.mark.django_db


def project(world: World) -> Project:
    return services.project_create(
        actor=world.zhang_min,
        community_id=world.meiluo.pk,
        title="楼道清洁",
        description="每月一次，清理楼道杂物。",
    )


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("zhang_min", 201),
        ("li_wei", 201),
        ("zheng_hua", 201),
        ("zhao_lei", 403),
        ("wang_fang", 403),
        ("liu_yang", 403),
        ("chen_jie", 404),
        ("nobody", 404),
    ],
)
def test_the_secretary_and_the_committee_list_projects(
    branch: World, name: str, status: int
) -> None:
    response = api(branch.people[name]).post(
        f"/party/communities/{branch.meiluo.pk}/projects", {"title": "楼道清洁"}
    )
    assert response.status_code == status
    assert Project.objects.exists() == (status == 201)


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("zhao_lei", 200),
        ("he_ping", 200),
        ("zhang_min", 200),
        ("li_wei", 200),
        ("liu_yang", 200),  # supervisors look
        ("wang_fang", 404),  # residents do not see the branch's projects
        ("zhou_qiang", 404),
        ("chen_jie", 404),
    ],
)
def test_the_branch_and_its_members_see_projects(branch: World, name: str, status: int) -> None:
    made = project(branch)
    response = api(branch.people[name]).get(f"/party/communities/{branch.meiluo.pk}/projects")
    assert response.status_code == status
    if status == 200:
        assert [item["id"] for item in response.json()] == [made.pk]


def test_party_members_claim_note_and_unclaim(branch: World) -> None:
    made = project(branch)
    member = api(branch.he_ping)
    claimed = member.post(f"/party/projects/{made.pk}/claim")
    assert claimed.status_code == 200
    assert claimed.json()["status"] == "in_progress"
    assert [c["user"]["name"] for c in claimed.json()["claims"]] == ["he_ping"]
    assert member.post(f"/party/projects/{made.pk}/claim").status_code == 200  # again
    assert ProjectClaim.objects.count() == 1
    noted = member.post(f"/party/projects/{made.pk}/notes", {"text": "已联系物业借推车"})
    assert noted.status_code == 201
    assert [(n["author"]["name"], n["text"]) for n in noted.json()["notes"]] == [
        ("he_ping", "已联系物业借推车")
    ]
    listed = api(branch.zhao_lei).get(f"/party/communities/{branch.meiluo.pk}/projects").json()
    assert listed[0]["claims"][0]["user"]["name"] == "he_ping"
    assert listed[0]["notes"][0]["text"] == "已联系物业借推车"
    left = member.delete(f"/party/projects/{made.pk}/claim")
    assert left.json()["claims"] == []


def test_only_party_members_claim_and_only_claimers_note(branch: World) -> None:
    made = project(branch)
    refused = api(branch.li_wei).post(f"/party/projects/{made.pk}/claim")  # staff, not party
    assert refused.status_code == 403
    assert api(branch.wang_fang).post(f"/party/projects/{made.pk}/claim").status_code == 404
    note = api(branch.zhao_lei).post(f"/party/projects/{made.pk}/notes", {"text": "进展"})
    assert (note.status_code, note.json()["code"]) == (403, "not_claimed")
    assert not ProjectClaim.objects.exists()
    assert not ProjectNote.objects.exists()


def test_a_done_project_is_not_claimed(branch: World) -> None:
    made = project(branch)
    done = api(branch.zhang_min).patch(f"/party/projects/{made.pk}", {"status": "done"})
    assert done.json()["status"] == "done"
    response = api(branch.zhao_lei).post(f"/party/projects/{made.pk}/claim")
    assert (response.status_code, response.json()["code"]) == (409, "done")


def test_only_managers_edit_projects_and_bad_fields_are_refused(branch: World) -> None:
    made = project(branch)
    assert (
        api(branch.zhao_lei).patch(f"/party/projects/{made.pk}", {"title": "新"}).status_code == 403
    )
    response = api(branch.li_wei).patch(f"/party/projects/{made.pk}", {"title": " "})
    assert "title" in response.json()["errors"]
    response = api(branch.li_wei).patch(f"/party/projects/{made.pk}", {"status": "lost"})
    assert response.status_code == 400
    made.refresh_from_db()
    assert (made.title, made.status) == ("楼道清洁", "open")


def test_project_changes_go_to_the_branch_feeds_only(branch: World) -> None:
    made = project(branch)
    services.project_claim(user=branch.zhao_lei, project_id=made.pk)
    streams = set(Event.objects.filter(type="party.project").values_list("stream", flat=True))
    assert streams == {f"party.{branch.meiluo.pk}", f"staff.{branch.meiluo.pk}"}
