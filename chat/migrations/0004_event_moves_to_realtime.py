# The event log now belongs to the realtime app (realtime/0001_initial takes the table
# over); chat forgets the model without touching the table.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('chat', '0003_message_moderated_message_moderated_at_and_more'),
        ('realtime', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='Event')],
            database_operations=[],
        ),
    ]
