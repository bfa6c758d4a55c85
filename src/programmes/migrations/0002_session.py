"""programmes.Session: a cohort's session is a meetings.Event extended by the cohort it belongs to."""

import django.db.models.deletion
import django.db.models.manager
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0004_event_kind_matches_series"),
        ("programmes", "0001_programmes_cohorts_questionnaires"),
    ]

    operations = [
        migrations.CreateModel(
            name="Session",
            fields=[
                (
                    "event",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        parent_link=True,
                        primary_key=True,
                        related_name="session",
                        serialize=False,
                        to="meetings.event",
                    ),
                ),
                (
                    "cohort",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="sessions",
                        to="programmes.cohort",
                    ),
                ),
            ],
            options={
                "base_manager_name": "unscoped",
                "default_manager_name": "objects",
            },
            bases=("meetings.event",),
            managers=[
                ("objects", django.db.models.manager.Manager()),
                ("unscoped", django.db.models.manager.Manager()),
            ],
        ),
    ]
