# The table takes the realtime app's name, now that chat has let go of the model.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('realtime', '0001_initial'),
        ('chat', '0004_event_moves_to_realtime'),
    ]

    operations = [
        migrations.AlterModelTable(name='event', table=None),
    ]
