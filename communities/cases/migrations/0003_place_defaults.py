"""Every district that exists gets the default case categories and every street, town and
park its case desk (new places get them from ``communities.cases.receivers``)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

CATEGORIES = ("环境绿化", "环境卫生", "停车", "物业维修", "噪音", "治安", "邻里纠纷", "公共设施", "其他")
STREET_KINDS = ("street", "town", "park")


def forwards(apps: Any, schema_editor: Any) -> None:
    Place = apps.get_model("communities", "Place")
    Category = apps.get_model("cases", "Category")
    Unit = apps.get_model("cases", "Unit")
    for district in Place.objects.filter(kind="district"):
        for position, name in enumerate(CATEGORIES):
            Category.objects.get_or_create(
                district=district, name=name, defaults={"position": position}
            )
    for street in Place.objects.filter(kind__in=STREET_KINDS):
        if not Unit.objects.filter(place=street, kind="street").exists():
            Unit.objects.create(place=street, kind="street", name=street.name)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_default_deadlines_and_holidays"),
        ("communities", "0004_display_and_code_purpose"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
