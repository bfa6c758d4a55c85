"""An event's kind decides whether it has a series: a meeting has one, a session none.

The first step of moving a session's cohort out of meetings: programmes.Session, an
Event extended by its cohort, holds it from now on (programmes/0002 creates it,
programmes/0003 copies the cohorts into it). Here the old column steps aside under
another name (``session_cohort``, without a reverse accessor) so that the new model's
``cohort`` does not clash with it; 0005 removes it.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0003_schedule_daily_meetings_job"),
        ("programmes", "0001_programmes_cohorts_questionnaires"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="event",
            name="meetings_event_series_xor_cohort",
        ),
        migrations.RenameField(
            model_name="event",
            old_name="cohort",
            new_name="session_cohort",
        ),
        migrations.AlterField(
            model_name="event",
            name="session_cohort",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="programmes.cohort",
            ),
        ),
        migrations.AddConstraint(
            model_name="event",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "meeting"), ("series__isnull", False)),
                    models.Q(("kind", "session"), ("series__isnull", True)),
                    _connector="OR",
                ),
                name="meetings_event_kind_matches_series",
            ),
        ),
    ]
