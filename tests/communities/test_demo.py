"""The demo district: what the README promises, and idempotent."""

from __future__ import annotations

from io import StringIO

from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from chat.models import Letter, Message, Participant
from communities.demo import DEMO_PASSWORD, PEOPLE
from communities.models import JoinApplication, Membership, Place, PlaceKind, Role, User
from communities.rules import Action, can
from realtime.models import Event


def test_seed_demo_twice_creates_everything_once(db: None) -> None:
    first, second = StringIO(), StringIO()
    call_command("seed_demo", stdout=first)

    def counts() -> tuple[int, ...]:
        models = (
            User,
            Place,
            Membership,
            Role,
            JoinApplication,
            Message,
            Event,
            Letter,
            Participant,
        )
        return tuple(model.objects.count() for model in models)

    before = counts()
    call_command("seed_demo", stdout=second)
    assert counts() == before
    assert Message.objects.count() >= 10
    assert "0 people created" in second.getvalue()
    for person in PEOPLE:
        assert person.username in first.getvalue()


def test_demo_has_the_shape_the_issue_asks_for(db: None) -> None:
    call_command("seed_demo", "--quiet", stdout=StringIO())
    assert Place.objects.filter(kind=PlaceKind.DISTRICT).count() == 1
    streets = Place.objects.filter(kind__in=[PlaceKind.STREET, PlaceKind.TOWN, PlaceKind.PARK])
    assert streets.count() == 2
    assert Place.objects.filter(kind=PlaceKind.RESIDENTS_COMMITTEE).count() == 3
    assert Place.objects.filter(kind=PlaceKind.VILLAGE).count() == 1
    for community in Place.objects.filter(
        kind__in=[PlaceKind.RESIDENTS_COMMITTEE, PlaceKind.VILLAGE]
    ):
        assert community.children.filter(kind=PlaceKind.ESTATE).count() >= 2
    assert Membership.objects.filter(status="active").count() >= 200
    kinds = set(Role.objects.values_list("kind", flat=True))
    assert {
        "committee_member",
        "party_secretary",
        "party_member",
        "police",
        "property_manager",
        "street_supervisor",
        "district_supervisor",
    } <= kinds
    assert Role.objects.filter(kind="party_member", show_identity=True).exists()
    assert Role.objects.filter(kind="party_member", show_identity=False).exists()
    assert JoinApplication.objects.filter(status="pending").exists()


def test_demo_logins_work_and_mean_what_they_say(db: None) -> None:
    call_command("seed_demo", "--quiet", stdout=StringIO())
    # With the request, as django-axes (first of the backends) needs to count failures.
    request = RequestFactory().post("/api/auth/login")
    li_wei = authenticate(request, username="li_wei", password=DEMO_PASSWORD)
    wang_fang = authenticate(request, username="wang_fang", password=DEMO_PASSWORD)
    assert isinstance(li_wei, User)
    assert isinstance(wang_fang, User)
    meiluo = Place.objects.get(name="美罗家园第一居委会")
    assert can(li_wei, Action.DECIDE_APPLICATIONS, meiluo)
    assert can(wang_fang, Action.VIEW_COMMUNITY, meiluo)
    assert not can(wang_fang, Action.DECIDE_APPLICATIONS, meiluo)
