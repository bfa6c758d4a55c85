"""Schedule the daily job that sends invitations and reminders for network meetings (data migration)."""

from django.db import migrations

FUNC = "meetings.jobs.meetings_daily"


def schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.get_or_create(
        func=FUNC,
        defaults={
            "name": "Inbjudningar och påminnelser för samtalsträffar",
            "schedule_type": "D",
            "repeats": -1,
        },
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(func=FUNC).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0002_event_and_attendance_links"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [migrations.RunPython(schedule, unschedule)]
