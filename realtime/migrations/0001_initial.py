# The event log moves from chat to realtime: the table stays, only Django's record of
# which app owns the model changes (no data is copied).

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('chat', '0003_message_moderated_message_moderated_at_and_more'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Event',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('stream', models.CharField(max_length=64)),
                        ('type', models.CharField(max_length=40)),
                        ('payload', models.JSONField()),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        'db_table': 'chat_event',
                        'indexes': [models.Index(fields=['stream', 'id'], name='event_stream_id')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
