"""Data: one programmes.Session row for every event that names a cohort (the event's old
cohort column, ``session_cohort`` since meetings/0004), and back again when unapplied.
meetings/0005 drops that column after this.

Only the session table is written: ``save_base(raw=True)`` inserts the child row and
leaves the event row as it is (a plain save of a multi-table child would write the
event row too, with the historical model's defaults).
"""

from django.db import migrations


def sessions_from_events(apps, schema_editor):
    Event = apps.get_model("meetings", "Event")
    Session = apps.get_model("programmes", "Session")
    database = schema_editor.connection.alias
    rows = (
        Event.objects.using(database)
        .filter(session_cohort__isnull=False)
        .values_list("pk", "session_cohort_id")
    )
    for event_id, cohort_id in rows.iterator():
        Session(event_id=event_id, cohort_id=cohort_id).save_base(raw=True, using=database)


def events_from_sessions(apps, schema_editor):
    Event = apps.get_model("meetings", "Event")
    Session = apps.get_model("programmes", "Session")
    database = schema_editor.connection.alias
    for event_id, cohort_id in Session.objects.using(database).values_list("event_id", "cohort_id").iterator():
        Event.objects.using(database).filter(pk=event_id).update(session_cohort_id=cohort_id)


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0002_session"),
    ]

    operations = [migrations.RunPython(sessions_from_events, events_from_sessions)]
