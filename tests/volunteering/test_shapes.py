"""The shapes of every live frame and HTTP answer, pinned here, named in the docs; and the
lists cost the same number of queries however long they are."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from communities.volunteering import live, selectors, services
from communities.volunteering.models import Project, SignUp
from tests.conftest import World, make_member, make_user
from tests.volunteering.conftest import api, make_callout

pytestmark = pytest.mark.django_db

PERSON = {"id", "name", "party"}
CALLOUT = {
    *("id", "community", "title", "description", "location", "skills", "starts_at", "ends_at"),
    *("capacity", "audience", "status", "cancel_reason", "organiser", "confirmed", "waiting"),
    *("post_id", "thanks_post_id", "created_at"),
}
MY_SIGNUP = {"status", "position", "signed_up_at", "checked_in_at", "minutes"}
ROSTER_ENTRY = {
    *("id", "user", "status", "position", "signed_up_at", "checked_in_at", "checked_in_by"),
    "minutes",
}
REPORT_IN = {
    *("id", "community", "user", "home_branch", "note", "show_identity", "status"),
    *("created_at", "decided_at", "decided_by", "reason"),
}
PROJECT = {
    *("id", "community_id", "title", "description", "status", "created_by", "created_at"),
    *("updated_at", "claims", "notes"),
}
FRAMES = {
    "callout.created": {"type", "callout"},
    "callout.updated": {"type", "callout"},
    "callout.roster": {"type", "callout_id", "confirmed", "waiting", "entries"},
    "signup.changed": {"type", "callout_id", "reason", "signup"},
    "party.report_in": {"type", "report_in"},
    "party.project": {"type", "project"},
}


def test_every_frame_has_its_pinned_shape(branch: World) -> None:
    callout = make_callout(branch, audience="residents")
    signup, _ = services.signup_create(user=branch.wang_fang, callout_id=callout.pk)
    report_in = services.report_in_submit(
        user=branch.qian_hong,
        community_id=branch.meiluo.pk,
        home_branch="某支部",
        show_identity=True,
    )
    project = services.project_create(actor=branch.li_wei, community_id=branch.meiluo.pk, title="x")
    built: dict[str, dict[str, Any]] = {
        "callout.created": live.callout_created(callout, confirmed=1, waiting=0),
        "callout.updated": live.callout_updated(callout, confirmed=1, waiting=0),
        "callout.roster": live.callout_roster(callout, [(signup, None)], confirmed=1, waiting=0),
        "signup.changed": live.signup_changed(signup, None, "signed_up"),
        "party.report_in": live.report_in_changed(report_in),
        "party.project": live.project_changed(project),
    }
    for frame_type, frame in built.items():
        assert frame["type"] == frame_type
        assert set(frame) == FRAMES[frame_type], frame_type
    assert set(built["callout.created"]["callout"]) == CALLOUT
    assert set(built["callout.created"]["callout"]["organiser"]) == PERSON
    assert set(built["callout.roster"]["entries"][0]) == ROSTER_ENTRY
    assert set(built["signup.changed"]["signup"]) == MY_SIGNUP
    assert set(built["party.report_in"]["report_in"]) == REPORT_IN
    assert set(built["party.project"]["project"]) == PROJECT


def test_http_answers_have_the_documented_shapes(branch: World) -> None:
    callout = make_callout(branch, audience="residents")
    detail = api(branch.wang_fang).post(f"/volunteer/callouts/{callout.pk}/signup").json()
    assert set(detail) == CALLOUT | {"me", "can_sign_up", "can_manage", "checkin_opens_at"}
    assert set(detail["me"]) == MY_SIGNUP
    roster = api(branch.zhang_min).get(f"/volunteer/callouts/{callout.pk}/roster").json()
    assert set(roster) == {"callout", "signups"}
    assert set(roster["signups"][0]) == ROSTER_ENTRY
    [me] = api(branch.wang_fang).get("/party/me").json()
    assert set(me) == {
        *("community", "resident", "party_member", "secretary", "show_identity", "gatekeeper"),
        *("branch", "may_manage_projects", "may_organise", "report_in"),
    }


@pytest.mark.parametrize("doc", ["docs/volunteering.md", "docs/protocol.md"])
def test_the_docs_name_every_frame(doc: str) -> None:
    text = (Path(settings.BASE_DIR) / doc).read_text()
    for frame_type in FRAMES:
        assert f"`{frame_type}`" in text, (doc, frame_type)


def _fill(world: World, n: int) -> None:
    for i in range(n):
        callout = make_callout(world, audience="residents", capacity=1)
        for j in range(2):
            person = make_user(f"p{i}_{j}")
            make_member(person, world.meiluo_1)
            services.signup_create(user=person, callout_id=callout.pk)
        services.signup_create(user=world.he_ping, callout_id=callout.pk)
        project = services.project_create(
            actor=world.zhang_min, community_id=world.meiluo.pk, title=f"项目{i}"
        )
        services.project_claim(user=world.he_ping, project_id=project.pk)
        services.project_note_add(user=world.he_ping, project_id=project.pk, text_="进展")


def _queries(world: World, django_assert_max_num_queries: Any, limit: int) -> None:
    with django_assert_max_num_queries(limit):
        assert selectors.callouts_list(world.he_ping, when="upcoming", community_id=None)
    with django_assert_max_num_queries(limit):
        assert selectors.unseen_for(world.wang_fang) is not None
    with django_assert_max_num_queries(limit):
        assert selectors.party_me(world.he_ping)
    with django_assert_max_num_queries(limit):
        assert selectors.projects_of(world.he_ping, world.meiluo.pk)
    with django_assert_max_num_queries(limit):
        assert selectors.history_of(world.he_ping)["entries"]
    callout = SignUp.objects.filter(user=world.he_ping).first().callout  # type: ignore[union-attr]
    with django_assert_max_num_queries(limit):
        assert selectors.roster_of(callout)


@pytest.mark.parametrize("n", [1, 6])
def test_lists_cost_a_fixed_number_of_queries(
    branch: World, django_assert_max_num_queries: Any, n: int
) -> None:
    _fill(branch, n)
    assert Project.objects.count() == n
    _queries(branch, django_assert_max_num_queries, 10)
