"""Meetings, invitations, attendance and assignments for the insights tests, made
directly with the ORM inside the owner's municipality scope.

Dates are counted from the test clock: the root conftest.py travels every test to
BOLLPLANK_TEST_NOW with time_machine.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from meetings.models import Attendance, Event, EventKind, Invitation, Series
from register.models import Assignment, Household, Person
from tenancy.scope import municipality_scope


def meeting(series: Series, start: datetime.datetime, *, cancelled: bool = False) -> Event:
    with municipality_scope(series.municipality_id):
        return Event.objects.create(
            municipality_id=series.municipality_id,
            kind=EventKind.MEETING,
            series=series,
            number=Event.objects.filter(series=series).count() + 1,
            title=series.title,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=2),
            original_starts_at=start,
            is_cancelled=cancelled,
        )


def invite(event: Event, person: Person, status: str = "pending") -> Invitation:
    """An invitation in the invitee's municipality (a regional meeting may be another's)."""
    with municipality_scope(person.municipality_id):
        return Invitation.objects.create(
            municipality_id=person.municipality_id,
            event=event,
            person=person,
            household=person.household,
            status=status,
            nonce=f"n{event.pk}-{person.pk}",
        )


def mark(
    event: Event, *, by: Any, person: Person | None = None, user: Any = None, present: bool = True
) -> None:
    """Attendance belongs to the event's municipality, as meetings.attendance records it."""
    with municipality_scope(event.municipality_id):
        Attendance.objects.create(
            municipality_id=event.municipality_id,
            event=event,
            person=person,
            user=user,
            is_present=present,
            recorded_by=by,
        )


def household_with(
    *,
    by: Any,
    name: str,
    type: str = "foster_home",
    status: str = "active",
    members: int = 1,
    secretary: Any = None,
) -> list[Person]:
    """A household holding one assignment, with ``members`` persons."""
    code = by.municipality_id
    with municipality_scope(code):
        postal = {"0580": "58183", "0581": "60222"}[code]
        household = Household.objects.create(municipality_id=code, name=name, postal_code_id=postal)
        Assignment.objects.create(
            municipality_id=code,
            household=household,
            type=type,
            status=status,
            status_changed_at=timezone.now(),
            responsible_secretary=secretary,
        )
        return [
            Person.objects.create(
                municipality_id=code, household=household, first_name=f"Vuxen{n}", last_name=name.split()[-1]
            )
            for n in range(1, members + 1)
        ]


def lone_person(*, by: Any, first_name: str, last_name: str, type: str | None = None) -> Person:
    code = by.municipality_id
    with municipality_scope(code):
        person = Person.objects.create(municipality_id=code, first_name=first_name, last_name=last_name)
        if type:
            Assignment.objects.create(
                municipality_id=code,
                person=person,
                type=type,
                status="active",
                status_changed_at=timezone.now(),
            )
        return person
