"""What every new place starts with: a district its list of case categories (the district
edits it afterwards), a street, town or park its case desk. Kept as data here and written
by ``receivers`` as places are created (migration 0003 did the same for the places that
existed before)."""

from __future__ import annotations

from communities.models import STREET_KINDS, Place, PlaceKind

from .models import Category, Unit

# The categories a district starts with, in the order residents see them.
DEFAULT_CATEGORIES: tuple[str, ...] = (
    "环境绿化",
    "环境卫生",
    "停车",
    "物业维修",
    "噪音",
    "治安",
    "邻里纠纷",
    "公共设施",
    "其他",
)


def place_defaults(place: Place) -> None:
    """Give ``place`` what its kind starts with; a second call adds nothing."""
    if place.kind == PlaceKind.DISTRICT:
        for position, name in enumerate(DEFAULT_CATEGORIES):
            Category.objects.get_or_create(
                district=place, name=name, defaults={"position": position}
            )
    elif (
        place.kind in STREET_KINDS
        and not Unit.objects.filter(place=place, kind=Unit.Kind.STREET).exists()
    ):
        Unit.objects.create(place=place, kind=Unit.Kind.STREET, name=place.name)
