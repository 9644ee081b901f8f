# Estate groups used to be made the first time someone connected; now every estate gets
# its group when it is created (and reads never write). Give the estates that have none
# theirs.

from django.db import migrations


def estate_groups(apps, schema_editor):
    Place = apps.get_model("communities", "Place")
    Conversation = apps.get_model("chat", "Conversation")
    have = set(
        Conversation.objects.filter(kind="estate").values_list("place_id", flat=True)
    )
    missing = Place.objects.filter(kind="estate").exclude(pk__in=have).values_list("pk", flat=True)
    Conversation.objects.bulk_create(
        [Conversation(kind="estate", place_id=pk) for pk in missing], ignore_conflicts=True
    )


class Migration(migrations.Migration):

    dependencies = [
        ('chat', '0004_event_moves_to_realtime'),
        ('communities', '0003_user_party_badge'),
    ]

    operations = [migrations.RunPython(estate_groups, migrations.RunPython.noop)]
