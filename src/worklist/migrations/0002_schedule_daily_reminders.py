"""Schedule the daily reminder e-mail about items that need attention (data migration).

It runs every morning at 06:45 Swedish time, before the working day starts.
"""

import datetime
from zoneinfo import ZoneInfo

from django.db import migrations

FUNC = "worklist.jobs.reminders_send_daily"
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _next_morning() -> datetime.datetime:
    now = datetime.datetime.now(STOCKHOLM)
    morning = now.replace(hour=6, minute=45, second=0, microsecond=0)
    return morning if morning > now else morning + datetime.timedelta(days=1)


def schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.get_or_create(
        func=FUNC,
        defaults={
            "name": "Daglig påminnelse om det som behöver uppmärksamhet",
            "schedule_type": "D",
            "repeats": -1,
            "next_run": _next_morning(),
        },
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(func=FUNC).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("worklist", "0001_daily_reminder"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [migrations.RunPython(schedule, unschedule)]
