"""The demo's cases: every state and every tier, some overdue, one urge nobody answered,
the street offices and district departments with officers who can log in — told through
the services at past moments, so flags, timeline and figures agree; and told once."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from communities.cases import demo
from communities.cases.models import Case, DayFigures, Entry, Tier, Unit, UnitOfficer, Urge
from communities.demo import DEMO_PASSWORD
from communities.models import User
from realtime.models import Event

pytestmark = pytest.mark.django_db


def test_the_demo_shows_a_living_system() -> None:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    cases = Case.objects.all()
    assert cases.count() == len(demo.STORIES)
    assert set(cases.values_list("status", flat=True)) == set(Case.Status.values)
    assert set(cases.values_list("tier", flat=True)) == set(Tier.values)
    assert {"", "amber", "red"} == set(cases.values_list("flag", flat=True))

    red = cases.filter(flag=Case.Flag.RED)
    assert red.count() >= 3
    assert set(red.values_list("tier", flat=True)) >= {Tier.COMMUNITY, Tier.DEPARTMENT}
    for case in red:
        assert case.overdue
        breach = case.entries.get(kind=Entry.Kind.BREACHED)
        assert not breach.public
        assert breach.created_at < timezone.now()  # breached at its deadline, in the past
        assert case.created_at < timezone.now() - timedelta(days=1)
    assert sum(DayFigures.objects.values_list("overdue", flat=True)) == red.count()

    waiting = Urge.objects.filter(answered_at__isnull=True)
    assert waiting.count() == 1
    assert waiting.get().case.open_urges == 1
    assert Urge.objects.filter(answered_at__isnull=False).count() == 1
    assert cases.filter(reopened=1, status=Case.Status.IN_PROGRESS).exists()
    assert cases.filter(status=Case.Status.CLOSED, rating=5).exists()

    for street in ("罗店镇", "吴淞街道"):
        offices = Unit.objects.filter(place__name=street, kind=Unit.Kind.OFFICE)
        assert set(offices.values_list("name", flat=True)) == set(demo.OFFICES)
    departments = Unit.objects.filter(kind=Unit.Kind.DEPARTMENT)
    assert set(departments.values_list("name", flat=True)) == set(demo.DEPARTMENTS)
    logins = out.getvalue()
    for person, unit in demo.OFFICERS:
        assert User.objects.get(username=person.username).check_password(DEMO_PASSWORD)
        assert person.username in logins
        if unit is not None:
            assert UnitOfficer.objects.filter(
                user__username=person.username, unit__name=unit[1]
            ).exists()
    # Every unit of the demo has someone to log in as.
    assert not Unit.objects.exclude(
        pk__in=UnitOfficer.objects.values_list("unit_id", flat=True)
    ).exists()

    before = (Case.objects.count(), Entry.objects.count(), Event.objects.count())
    call_command("seed_demo", "--quiet", stdout=StringIO())
    assert (Case.objects.count(), Entry.objects.count(), Event.objects.count()) == before
