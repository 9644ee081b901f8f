"""The admin pages of party building and volunteering open and show the records."""

from __future__ import annotations

import pytest

from communities.volunteering import services
from tests.conftest import World, client_for
from tests.volunteering.conftest import make_callout

pytestmark = pytest.mark.django_db


def test_the_volunteering_admin_pages_open(branch: World) -> None:
    admin = branch.nobody
    admin.is_staff = admin.is_superuser = True
    admin.save()
    callout = make_callout(branch, audience="residents")
    services.signup_create(user=branch.wang_fang, callout_id=callout.pk)
    report_in = services.report_in_submit(
        user=branch.qian_hong,
        community_id=branch.meiluo.pk,
        home_branch="宝山区城建公司党支部",
        show_identity=True,
    )
    project = services.project_create(
        actor=branch.zhang_min, community_id=branch.meiluo.pk, title="楼道清洁"
    )
    client = client_for(admin)
    for url in (
        "/admin/volunteering/callout/",
        f"/admin/volunteering/callout/{callout.pk}/change/",
        "/admin/volunteering/reportin/",
        f"/admin/volunteering/reportin/{report_in.pk}/change/",
        "/admin/volunteering/project/",
        f"/admin/volunteering/project/{project.pk}/change/",
    ):
        assert client.get(url).status_code == 200, url
    assert "周六清理楼道杂物" in client.get("/admin/volunteering/callout/").content.decode()
    assert client.get("/admin/volunteering/callout/add/").status_code == 403
