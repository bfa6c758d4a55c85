"""Drop the event's old cohort column: programmes.Session holds the cohort now (programmes/0003 copied it)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0004_event_kind_matches_series"),
        ("programmes", "0003_sessions_from_events"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="event",
            name="session_cohort",
        ),
    ]
