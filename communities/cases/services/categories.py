"""The district's list of case categories, kept by its supervisors."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from communities.errors import Conflict, Forbidden, NotFound
from communities.models import Place, PlaceKind, User
from communities.rules.cases import may_edit_categories

from ..models import Category
from .common import clean_text


def _district(actor: User, district_id: int) -> Place:
    district = Place.objects.filter(pk=district_id, kind=PlaceKind.DISTRICT).first()
    if district is None:
        raise NotFound()
    if not may_edit_categories(actor, district):
        raise Forbidden(_("Only the district's supervisors keep its categories."))
    return district


def _saved(category: Category) -> Category:
    try:
        with transaction.atomic():
            category.save()
    except IntegrityError:
        raise Conflict(_("The district has a category of that name."), code="duplicate") from None
    return category


def category_create(*, actor: User, district_id: int, name: str, position: int = 0) -> Category:
    district = _district(actor, district_id)
    text = clean_text(name, field="name", required=True, limit=40)
    return _saved(Category(district=district, name=text, position=max(0, int(position))))


def category_update(
    *,
    actor: User,
    category_id: int,
    name: str | None = None,
    position: int | None = None,
    active: bool | None = None,
) -> Category:
    """Rename, reorder, or stop offering a category (cases keep theirs)."""
    category = Category.objects.filter(pk=category_id).first()
    if category is None:
        raise NotFound()
    _district(actor, category.district_id)
    if name is not None:
        category.name = clean_text(name, field="name", required=True, limit=40)
    if position is not None:
        category.position = max(0, int(position))
    if active is not None:
        category.active = bool(active)
    return _saved(category)
