"""The demo gives the party and volunteering pages something to show, within the rules,
and seeding twice makes nothing twice."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from communities.boards.models import Post
from communities.models import Place, Role, RoleKind
from communities.rules.volunteering import Branch, in_audience
from communities.volunteering.models import Callout, Project, ProjectNote, ReportIn, SignUp
from communities.volunteering.selectors import counts


def test_the_demo_branch_has_report_ins_projects_and_call_outs(db: None) -> None:
    out = StringIO()
    call_command("seed_demo", "--quiet", stdout=out)
    assert "3 volunteer call-outs" in out.getvalue()
    meiluo = Place.objects.get(name="美罗家园第一居委会")
    confirmed = ReportIn.objects.get(status=ReportIn.Status.CONFIRMED)
    assert Role.objects.filter(
        user=confirmed.user, kind=RoleKind.PARTY_MEMBER, place=meiluo
    ).exists()
    pending = ReportIn.objects.get(status=ReportIn.Status.PENDING)
    assert Branch.of(pending.user, meiluo).resident
    assert not Branch.of(pending.user, meiluo).party_member
    assert Project.objects.filter(community=meiluo).count() == 2
    assert ProjectNote.objects.filter(project__claims__isnull=False).count() >= 2

    now = timezone.now()
    party = Callout.objects.get(audience="party", starts_at__gt=now)
    residents = Callout.objects.get(audience="residents", starts_at__gt=now)
    past = Callout.objects.get(ends_at__lt=now)
    assert counts(residents.pk) == (2, 1)  # full, one waiting
    assert counts(party.pk)[0] == 2
    assert SignUp.objects.filter(callout=past, minutes__gt=0).count() == 3
    assert past.thanks_post is not None
    for callout in (party, residents, past):
        assert Branch.of(callout.organiser, meiluo).organiser
        assert callout.post is not None
        assert callout.post.extra == {"callout": callout.pk}
        for signup in SignUp.objects.filter(callout=callout).select_related("user"):
            assert in_audience(Branch.of(signup.user, meiluo).held, callout.audience)

    made = (ReportIn, Project, ProjectNote, Callout, SignUp, Post)
    before = [model.objects.count() for model in made]
    call_command("seed_demo", "--quiet", stdout=StringIO())
    assert [model.objects.count() for model in made] == before
