"""The programmes' part of the calendars: sessions in their members' personal feeds, and a
feed per cohort (``/kalender/<token>/kohort/<id>.ics``), registered with
``meetings.calendar.sources`` when the app starts. Runs inside the scope the feed's key
names; events only (titles, times, places), never who comes.
"""

from __future__ import annotations

import datetime
from typing import Any

import icalendar
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.permissions import PROGRAMMES_VIEW
from meetings.calendar.ical import calendar_new, events_add
from meetings.calendar.sources import CalendarSource, GroupFeed
from meetings.models import Event
from programmes.models import Cohort, CohortMember, Session


def _current_cohorts(**member: object) -> QuerySet[CohortMember, dict[str, Any]]:
    today = timezone.localdate()
    return CohortMember.objects.filter(Q(left_on__isnull=True) | Q(left_on__gt=today), **member).values(
        "cohort_id"
    )


def _sessions_for_user(user: User, since: datetime.datetime) -> list[Event]:
    """Sessions of the cohorts the staff member belongs to now (cancelled ones included)."""
    sessions = Session.objects.filter(cohort_id__in=_current_cohorts(user=user), starts_at__gte=since)
    return list(sessions.order_by("starts_at", "id"))


def _sessions_for_person(person_id: int, since: datetime.datetime) -> list[Event]:
    """Sessions of the cohorts the person belongs to now."""
    sessions = Session.objects.filter(
        cohort_id__in=_current_cohorts(person_id=person_id), starts_at__gte=since
    )
    return list(sessions.order_by("starts_at", "id"))


def cohort_calendar(cohort_id: int) -> icalendar.Calendar | None:
    """The cohort (of the current scope) with all its sessions, cancelled ones marked, or None."""
    cohort = Cohort.objects.select_related("programme").filter(pk=cohort_id).first()
    if cohort is None:
        return None
    calendar = calendar_new(name=f"{cohort.programme.name} – {cohort.name}")
    events_add(calendar, Session.objects.filter(cohort=cohort).order_by("starts_at", "id"))
    return calendar


def _cohorts_listed(user: User) -> list[tuple[int, str]]:
    cohorts = (
        Cohort.objects.filter(municipality_id=user.municipality_id)
        .select_related("programme")
        .order_by("programme__name", "-starts_on", "id")
    )
    return [
        (
            c.pk,
            gettext("Sessions of %(programme)s: %(cohort)s")
            % {"programme": c.programme.name, "cohort": c.name},
        )
        for c in cohorts
    ]


PROGRAMMES_CALENDAR = CalendarSource(
    events_for_user=_sessions_for_user,
    events_for_person=_sessions_for_person,
    group=GroupFeed(
        name="cohort",
        path="kohort",
        permission=PROGRAMMES_VIEW,
        heading=_("Programme groups"),
        empty=_("No programme groups yet."),
        calendar=cohort_calendar,
        listed=_cohorts_listed,
    ),
)
