"""Raising a case: a resident tells the committee about a problem nearby."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from communities.errors import Forbidden, Invalid, NotFound
from communities.models import COMMUNITY_KINDS, Place, PlaceKind, User
from communities.rules import RULES, Action, standing
from communities.rules.cases import may_raise

from .. import deadlines, figures, live
from ..models import Case, Category, Entry, Follower
from .common import clean_text, now
from .photos import photo_ids_clean, photos_attach
from .timeline import entry_write


def case_raise(
    *,
    reporter: User,
    community_id: int,
    category_id: int,
    description: str,
    estate_id: int | None = None,
    building: str = "",
    location: str = "",
    public: bool = False,
    show_reporter: bool = False,
    photo_ids: Sequence[int] = (),
) -> Case:
    """A new case at the community tier, in its committee's queue; the reporter follows it.
    Only a resident of the community may raise one (others: NotFound for a community they
    may not view, Forbidden for one they may)."""
    community = Place.objects.filter(pk=community_id, kind__in=COMMUNITY_KINDS).first()
    if community is None:
        raise NotFound()
    if not may_raise(reporter, community):
        if standing(reporter, community) & RULES[Action.VIEW_COMMUNITY]:
            raise Forbidden(
                _("Only residents of the community may raise a case."), code="not_resident"
            )
        raise NotFound()
    street_id, district_id = community.ancestor_ids[1], community.ancestor_ids[0]
    category = Category.objects.filter(pk=category_id, district_id=district_id, active=True).first()
    if category is None:
        message = _("Choose one of the categories offered.")
        raise Invalid(message, code="bad_category", errors={"category_id": message})
    text = clean_text(description, field="description", required=True)
    estate = None
    if estate_id is not None:
        estate = Place.objects.filter(
            pk=estate_id, kind=PlaceKind.ESTATE, parent_id=community.pk
        ).first()
        if estate is None:
            message = _("Choose one of the community's estates.")
            raise Invalid(message, code="bad_estate", errors={"estate_id": message})
    building = clean_text(building, field="building", required=False, limit=16)
    location = clean_text(location, field="location", required=False, limit=200)
    ids = photo_ids_clean(list(photo_ids) if photo_ids is not None else None)
    at = now()
    case = Case(
        community=community,
        street_id=street_id,
        district_id=district_id,
        estate=estate,
        building=building,
        location=location,
        category=category,
        reporter=reporter,
        description=text,
        public=bool(public),
        show_reporter=bool(public) and bool(show_reporter),
        created_at=at,
        updated_at=at,
    )
    with transaction.atomic():
        deadlines.arrive(case, at)
        case.save()
        Follower.objects.create(case=case, user=reporter)
        photos_attach(reporter, ids, case=case)
        entry_write(case, Entry.Kind.SUBMITTED, actor=reporter, public=True, body=text)
        figures.record(case, "raised", at)
        live.case_raised(case)
    return case
