"""Recording who came: one service for meetings and programme sessions alike."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from kernel.records import record_create, record_update
from meetings.models import Attendance, Event


@transaction.atomic
def attendance_record(
    *,
    by: User,
    event: Event,
    persons: Mapping[int, bool] | None = None,
    users: Mapping[int, bool] | None = None,
) -> int:
    """Set present/absent for the given person ids and staff-user ids at one event.

    The caller decides who may be marked (cohort members, invitees); ids not
    marked are left as they were. Refused for a cancelled event or one that has
    not started yet. Returns how many marks changed; each new or changed mark is
    one entry in the change history.
    """
    persons = dict(persons or {})
    users = dict(users or {})
    if event.is_cancelled:
        raise ValidationError(_("The event was cancelled; there is no attendance to record."))
    if event.starts_at > timezone.now():
        raise ValidationError(_("Attendance can be recorded once the event has started."))
    existing = {(row.person_id, row.user_id): row for row in Attendance.objects.filter(event=event)}
    marks: list[tuple[tuple[int | None, int | None], bool]] = [
        ((pid, None), present) for pid, present in persons.items()
    ]
    marks += [((None, uid), present) for uid, present in users.items()]
    changed = 0
    for (person_id, user_id), is_present in marks:
        row = existing.get((person_id, user_id))
        if row is None:
            row = Attendance(
                municipality_id=event.municipality_id,
                event=event,
                person_id=person_id,
                user_id=user_id,
                is_present=is_present,
                recorded_by=by,
            )
            record_create(row, by=by, tracked=["is_present"])
        elif row.is_present != is_present:
            record_update(
                row, by=by, tracked=["is_present"], values={"is_present": is_present, "recorded_by": by}
            )
        else:
            continue
        changed += 1
    return changed
