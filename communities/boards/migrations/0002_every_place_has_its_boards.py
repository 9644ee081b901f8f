"""Boards used to be made the first time somebody read a place's boards; now they are made
with the place. Make the ones existing places still lack."""

from django.db import migrations

# The kinds of board each kind of place has, as communities.rules.boards.board_kinds
# gave them when this migration was written (a migration must not follow later changes).
COMMUNITY = ["notices", "party", "guide", "mutual_aid", "idle"]
KINDS = {
    "district": ["district"],
    "estate": ["property"],
    "village": [*COMMUNITY, "hometown"],
    "residents_committee": COMMUNITY,
}


def make_missing(apps, schema_editor):
    Place = apps.get_model("communities", "Place")
    Board = apps.get_model("boards", "Board")
    have = set(Board.objects.values_list("place_id", "kind"))
    missing = [
        Board(place_id=pk, kind=kind)
        for pk, place_kind in Place.objects.filter(kind__in=KINDS).values_list("pk", "kind")
        for kind in KINDS[place_kind]
        if (pk, kind) not in have
    ]
    Board.objects.bulk_create(missing, batch_size=1000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("boards", "0001_initial"),
        ("communities", "0004_display_and_code_purpose"),
    ]

    operations = [migrations.RunPython(make_missing, migrations.RunPython.noop)]
