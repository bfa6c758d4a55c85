"""Test data for the calendar and attendance tests: series, meetings, cohorts and
sessions made directly with the ORM (inside the owner's municipality scope), so
these tests do not depend on the series and programme services."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Sequence
from typing import Any

import icalendar
import recurring_ical_events

from meetings.models import Event, EventKind, Series
from meetings.recurrence import STOCKHOLM, Recurrence, occurrence_starts
from programmes.models import Cohort, CohortMember, Programme, Session
from tenancy.scope import municipality_scope


def local(year: int, month: int, day: int, hour: int = 18, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


def series_plan(*, by: Any, plan: bool = True, **fields: Any) -> Series:
    """A series (defaults: first Tuesday of the month 18:00, 2026) with one stored meeting per occurrence."""
    values: dict[str, Any] = {
        "title": "Samtalsträff för familjehem",
        "place": "Stadshuset, rum 3",
        "frequency": "monthly",
        "interval": 1,
        "weekday": 1,
        "week_of_month": 1,
        "starts_on": datetime.date(2026, 1, 1),
        "ends_on": datetime.date(2026, 12, 31),
        "start_time": datetime.time(18, 0),
        "duration_minutes": 120,
        "responsible": by,
    }
    values.update(fields)
    with municipality_scope(by.municipality_id):
        series = Series.objects.create(municipality_id=by.municipality_id, **values)
        if plan:
            meetings_plan(series=series)
    return series


def meetings_plan(*, series: Series) -> list[Event]:
    """Store one meeting per occurrence of the series' current rule (numbered after the existing ones)."""
    length = datetime.timedelta(minutes=series.duration_minutes)
    with municipality_scope(series.municipality_id):
        first_number = Event.objects.filter(series=series).count() + 1
        return [
            Event.objects.create(
                municipality_id=series.municipality_id,
                kind=EventKind.MEETING,
                series=series,
                number=first_number + index,
                title=series.title,
                starts_at=start,
                ends_at=start.astimezone(datetime.UTC) + length,  # elapsed time, also on the DST night
                original_starts_at=start,
                place=series.place,
                video_url=series.video_url,
            )
            for index, start in enumerate(occurrence_starts(Recurrence.of(series)))
        ]


def programme_make(*, by: Any, name: str = "Brukarmentorer för nya socialsekreterare") -> Programme:
    with municipality_scope(by.municipality_id):
        return Programme.objects.create(
            municipality_id=by.municipality_id,
            name=name,
            start_time=datetime.time(13, 0),
            duration_minutes=120,
            starts_on=datetime.date(2025, 1, 1),
            ends_on=datetime.date(2027, 12, 31),
            pseudonym_key=secrets.token_hex(16),
            created_by=by,
        )


def cohort_make(
    *,
    by: Any,
    starts: Sequence[datetime.datetime],
    programme: Programme | None = None,
    name: str = "Höstgruppen 2026",
    minutes: int = 120,
    members: Sequence[dict[str, Any]] = (),
) -> tuple[Cohort, list[Session]]:
    """A cohort with one session per start time; ``members``: CohortMember fields (user= or person=)."""
    programme = programme or programme_make(by=by)
    with municipality_scope(by.municipality_id):
        cohort = Cohort.objects.create(
            municipality_id=by.municipality_id,
            programme=programme,
            name=name,
            starts_on=starts[0].date(),
            start_time=starts[0].astimezone(STOCKHOLM).time(),
            duration_minutes=minutes,
            place="Folkets hus",
            created_by=by,
        )
        sessions = [
            Session.objects.create(
                municipality_id=by.municipality_id,
                kind=EventKind.SESSION,
                cohort=cohort,
                number=number,
                title=f"{programme.name}: {number}",
                starts_at=start,
                ends_at=start + datetime.timedelta(minutes=minutes),
                original_starts_at=start,
                place="Folkets hus",
            )
            for number, start in enumerate(starts, start=1)
        ]
        for member in members:
            fields = {"role": "participant", **member}
            CohortMember.objects.create(municipality_id=by.municipality_id, cohort=cohort, **fields)
    return cohort, sessions


Occurrence = tuple[datetime.datetime, datetime.datetime]


def feed_occurrences(
    body: bytes,
    *,
    # Wide enough for every test's meetings, whichever year the test clock is in.
    start: datetime.date = datetime.date(2000, 1, 1),
    end: datetime.date = datetime.date(2100, 1, 1),
    include_cancelled: bool = False,
) -> list[Occurrence]:
    """Parse an iCalendar body as a calendar program would and expand it (aware Stockholm times)."""
    calendar = icalendar.Calendar.from_ical(body)
    found = []
    for component in recurring_ical_events.of(calendar).between(start, end):
        if not include_cancelled and str(component.get("STATUS", "")) == "CANCELLED":
            continue
        found.append(
            (component["DTSTART"].dt.astimezone(STOCKHOLM), component["DTEND"].dt.astimezone(STOCKHOLM))
        )
    return sorted(found)


def event_occurrences(events: Sequence[Event]) -> list[Occurrence]:
    """The app's own list: the events' (start, end) in Stockholm time."""
    return sorted(
        (event.starts_at.astimezone(STOCKHOLM), event.ends_at.astimezone(STOCKHOLM)) for event in events
    )
