"""Attendance figures for the own municipality: rates per series and month, per cohort
and session, and who has not been seen at anything for six months.

Only the user's municipality is counted. A regional series invites families of
several municipalities, so invitations and attendance are counted for the own
municipality's persons only (joins to the event's rows are filtered explicitly:
joins do not pass through the scoped manager).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from dateutil.relativedelta import relativedelta
from django.db.models import Count, F, IntegerField, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from audit.models import AccessAction
from audit.services import access_log_record
from meetings.models import Attendance, Event, EventKind, Invitation, InvitationStatus, Series
from meetings.recurrence import STOCKHOLM
from programmes.models import Cohort, CohortMember, Session
from register.domain import HOUSEHOLD_TYPES, AssignmentStatus
from register.models import Assignment, Household, Person

NOT_SEEN_MONTHS = 6
# "Holds an open assignment": approved and working, or paused (not the recruitment steps).
RETAINED_STATUSES = (AssignmentStatus.APPROVED, AssignmentStatus.ACTIVE, AssignmentStatus.PAUSED)
_ANSWER_ORDER = (
    InvitationStatus.ACCEPTED,
    InvitationStatus.DECLINED,
    InvitationStatus.WAITLISTED,
    InvitationStatus.PENDING,
)


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class Period:
    """Whole days, both ends included, in Stockholm time."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def last_months(cls, months: int = 12, *, today: datetime.date | None = None) -> Period:
        """The current month and the ``months - 1`` before it (default: the last 12 months)."""
        today = today or timezone.localdate()
        first = today.replace(day=1) - relativedelta(months=months - 1)
        return cls(start=first, end=today)

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """Aware [start, end) for queries."""
        start = datetime.datetime.combine(self.start, datetime.time(0), tzinfo=STOCKHOLM)
        end = datetime.datetime.combine(
            self.end + datetime.timedelta(days=1), datetime.time(0), tzinfo=STOCKHOLM
        )
        return start, end


@dataclass
class MeetingRates:
    """Meetings held and how many of the own municipality's invitees were invited, said yes and came."""

    meetings: int = 0
    invited: int = 0
    accepted: int = 0
    present: int = 0

    @property
    def rate_of_accepted(self) -> float | None:
        return _ratio(self.present, self.accepted)

    @property
    def rate_of_invited(self) -> float | None:
        return _ratio(self.present, self.invited)

    def add(self, *, invited: int, accepted: int, present: int) -> None:
        self.meetings += 1
        self.invited += invited
        self.accepted += accepted
        self.present += present


@dataclass
class SeriesMonth(MeetingRates):
    month: datetime.date = datetime.date.min  # the first day of the month


@dataclass
class SeriesAttendance:
    series: Series
    months: list[SeriesMonth]
    total: MeetingRates


@dataclass(frozen=True)
class SessionAttendance:
    event: Event
    members: int
    present: int

    @property
    def rate(self) -> float | None:
        return None if self.event.is_cancelled else _ratio(self.present, self.members)


@dataclass
class CohortAttendance:
    cohort: Cohort
    sessions: list[SessionAttendance]

    @property
    def held(self) -> list[SessionAttendance]:
        return [session for session in self.sessions if not session.event.is_cancelled]

    @property
    def present(self) -> int:
        return sum(session.present for session in self.held)

    @property
    def member_sessions(self) -> int:
        return sum(session.members for session in self.held)

    @property
    def rate(self) -> float | None:
        return _ratio(self.present, self.member_sessions)


@dataclass
class AttendanceOverview:
    period: Period
    series: list[SeriesAttendance]
    cohorts: list[CohortAttendance]


Held = TypeVar("Held", bound=Event)


def _held(queryset: QuerySet[Held], period: Period, now: datetime.datetime) -> QuerySet[Held]:
    start, end = period.bounds()
    return queryset.filter(starts_at__gte=start, starts_at__lt=min(end, now))


def _count(rows: QuerySet[Any]) -> Coalesce:
    """The number of ``rows`` (correlated to the outer meeting) as a subquery, 0 when none."""
    counted = rows.order_by().values("event").annotate(n=Count("id")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def series_attendance(
    *, user: User, period: Period, now: datetime.datetime | None = None
) -> list[SeriesAttendance]:
    """Per series of the user's municipality and per month: meetings held (started, not
    cancelled), own invitees invited (not withdrawn), accepted and present. One query."""
    code = user.municipality_id or ""
    # One correlated subquery per figure: counting both relations in one GROUP BY would
    # join invitations times attendance rows per meeting (quadratic, see bench/attendance.py).
    invitations = Invitation.objects.filter(event=OuterRef("pk"), municipality_id=code)
    events = (
        _held(
            Event.objects.filter(municipality_id=code, kind=EventKind.MEETING, is_cancelled=False),
            period,
            now or timezone.now(),
        )
        .select_related("series")
        .annotate(
            n_invited=_count(invitations.exclude(status=InvitationStatus.WITHDRAWN)),
            n_accepted=_count(invitations.filter(status=InvitationStatus.ACCEPTED)),
            n_present=_count(
                Attendance.objects.filter(event=OuterRef("pk"), is_present=True, person__municipality_id=code)
            ),
        )
        .order_by("series__title", "series_id", "starts_at")
    )
    by_series: dict[int, SeriesAttendance] = {}
    months: dict[tuple[int, datetime.date], SeriesMonth] = {}
    for event in events:
        series = event.series
        if series is None:  # the check constraint: a meeting always has its series
            continue
        row = by_series.get(series.pk)
        if row is None:
            row = by_series[series.pk] = SeriesAttendance(series=series, months=[], total=MeetingRates())
        month = event.starts_at.astimezone(STOCKHOLM).date().replace(day=1)
        bucket = months.get((series.pk, month))
        if bucket is None:
            bucket = months[(series.pk, month)] = SeriesMonth(month=month)
            row.months.append(bucket)
        counts = {"invited": event.n_invited, "accepted": event.n_accepted, "present": event.n_present}
        bucket.add(**counts)
        row.total.add(**counts)
    return list(by_series.values())


def cohort_attendance(
    *, user: User, period: Period, now: datetime.datetime | None = None
) -> list[CohortAttendance]:
    """Per cohort of the user's municipality, its sessions in the period that have started:
    present against the members who had not left by the session's day. Two queries."""
    code = user.municipality_id or ""
    sessions = list(
        _held(Session.objects.filter(municipality_id=code), period, now or timezone.now())
        .select_related("cohort__programme")
        .annotate(
            n_present=Count(
                "attendances",
                filter=Q(attendances__is_present=True, attendances__municipality_id=code),
                distinct=True,
            )
        )
        .order_by("cohort__programme__name", "cohort__name", "cohort_id", "starts_at", "id")
    )
    leaving: dict[int, list[datetime.date | None]] = defaultdict(list)
    for cohort_id, left_on in CohortMember.objects.filter(
        municipality_id=code, cohort_id__in={session.cohort_id for session in sessions}
    ).values_list("cohort_id", "left_on"):
        leaving[cohort_id].append(left_on)
    by_cohort: dict[int, CohortAttendance] = {}
    for event in sessions:
        cohort = event.cohort
        day = event.starts_at.astimezone(STOCKHOLM).date()
        members = sum(1 for left_on in leaving[cohort.pk] if left_on is None or left_on > day)
        row = by_cohort.setdefault(cohort.pk, CohortAttendance(cohort=cohort, sessions=[]))
        row.sessions.append(SessionAttendance(event=event, members=members, present=event.n_present))
    return list(by_cohort.values())


def attendance_overview(
    *, user: User, period: Period, now: datetime.datetime | None = None
) -> AttendanceOverview:
    """Attendance per series and month and per cohort and session (figures, no names)."""
    now = now or timezone.now()
    return AttendanceOverview(
        period=period,
        series=series_attendance(user=user, period=period, now=now),
        cohorts=cohort_attendance(user=user, period=period, now=now),
    )


# --- "not seen in six months" -----------------------------------------------------


@dataclass
class NotSeen:
    """A person expected at meetings or sessions who has come to none for six months."""

    person: Person
    household: Household | None
    assignments: list[Assignment] = field(default_factory=list)
    cohorts: list[Cohort] = field(default_factory=list)
    last_attended: datetime.datetime | None = None
    invitations: int = 0
    # (status, its label, how many) in the order coming, not coming, waiting, not answered.
    answers: list[tuple[str, str, int]] = field(default_factory=list)

    @property
    def secretaries(self) -> list[User]:
        found: dict[int, User] = {}
        for assignment in self.assignments:
            if assignment.responsible_secretary is not None:
                found.setdefault(assignment.responsible_secretary.pk, assignment.responsible_secretary)
        return list(found.values())


def not_seen_since(now: datetime.datetime) -> datetime.datetime:
    return now - relativedelta(months=NOT_SEEN_MONTHS)


def _current_memberships(today: datetime.date) -> QuerySet[CohortMember]:
    return CohortMember.objects.filter(Q(left_on__isnull=True) | Q(left_on__gt=today), person__isnull=False)


def _candidates(code: str, since: datetime.datetime, now: datetime.datetime) -> QuerySet[Person]:
    holders = Assignment.objects.filter(
        municipality_id=code, type__in=HOUSEHOLD_TYPES, status__in=RETAINED_STATUSES
    )
    window = {"event__starts_at__gte": since, "event__starts_at__lte": now}
    invited = (
        Invitation.objects.filter(municipality_id=code, event__is_cancelled=False, **window)
        .exclude(status=InvitationStatus.WITHDRAWN)
        .values("person_id")
    )
    session_members = CohortMember.objects.filter(
        Q(left_on__isnull=True) | Q(left_on__gt=since.date()),
        municipality_id=code,
        person__isnull=False,
        cohort__sessions__is_cancelled=False,
        cohort__sessions__starts_at__gte=since,
        cohort__sessions__starts_at__lte=now,
    ).values("person_id")
    present_here = Attendance.objects.filter(
        municipality_id=code, person__isnull=False, is_present=True, **window
    ).values("person_id")
    # Present at another municipality's (regional) meeting: seen through the own invitation.
    present_elsewhere = Invitation.objects.filter(
        municipality_id=code,
        event__attendances__person_id=F("person_id"),
        event__attendances__is_present=True,
        **window,
    ).values("person_id")
    return (
        Person.objects.filter(municipality_id=code)
        .filter(
            Q(household_id__in=holders.filter(household__isnull=False).values("household_id"))
            | Q(pk__in=holders.filter(person__isnull=False).values("person_id"))
            | Q(pk__in=_current_memberships(now.astimezone(STOCKHOLM).date()).values("person_id"))
        )
        .filter(Q(pk__in=invited) | Q(pk__in=session_members))
        .exclude(pk__in=present_here)
        .exclude(pk__in=present_elsewhere)
        .select_related("household")
        .order_by("household__name", "last_name", "first_name", "id")
    )


def _last_attended(code: str, person_ids: Iterable[int]) -> dict[int, datetime.datetime]:
    ids = list(person_ids)
    last: dict[int, datetime.datetime] = {}
    rows = list(
        Attendance.objects.filter(municipality_id=code, person_id__in=ids, is_present=True)
        .values("person_id")
        .annotate(last=Max("event__starts_at"))
        .values_list("person_id", "last")
    )
    rows += list(
        Invitation.objects.filter(
            municipality_id=code,
            person_id__in=ids,
            event__attendances__person_id=F("person_id"),
            event__attendances__is_present=True,
        )
        .values("person_id")
        .annotate(last=Max("event__starts_at"))
        .values_list("person_id", "last")
    )
    for person_id, moment in rows:
        if (
            person_id is not None
            and moment is not None
            and (person_id not in last or moment > last[person_id])
        ):
            last[person_id] = moment
    return last


def not_seen_list(*, user: User, now: datetime.datetime | None = None) -> list[NotSeen]:
    """Persons of the user's municipality who hold an open household assignment (approved,
    active, paused) or belong to a cohort, were invited to or were members of at least
    one event in the last six months, and were present at none. A fixed number of
    queries; showing the list (it names people) is written to the access log."""
    now = now or timezone.now()
    code = user.municipality_id or ""
    since = not_seen_since(now)
    rows = [NotSeen(person=person, household=person.household) for person in _candidates(code, since, now)]
    if not rows:
        return rows
    by_person = {row.person.pk: row for row in rows}
    by_household: dict[int, list[NotSeen]] = defaultdict(list)
    for row in rows:
        if row.household is not None:
            by_household[row.household.pk].append(row)
    for assignment in (
        Assignment.objects.filter(
            municipality_id=code, type__in=HOUSEHOLD_TYPES, status__in=RETAINED_STATUSES
        )
        .filter(Q(household_id__in=by_household) | Q(person_id__in=by_person))
        .select_related("responsible_secretary")
        .order_by("type", "id")
    ):
        if assignment.person_id in by_person:
            by_person[assignment.person_id].assignments.append(assignment)
        for row in by_household.get(assignment.household_id or 0, []):
            row.assignments.append(assignment)
    for membership in (
        _current_memberships(now.astimezone(STOCKHOLM).date())
        .filter(municipality_id=code, person_id__in=by_person)
        .select_related("cohort")
        .order_by("cohort__name", "id")
    ):
        if membership.person_id is not None:
            by_person[membership.person_id].cohorts.append(membership.cohort)
    for person_id, moment in _last_attended(code, by_person).items():
        by_person[person_id].last_attended = moment
    answers: dict[int, dict[str, int]] = defaultdict(dict)
    for person_id, status, count in (
        Invitation.objects.filter(
            municipality_id=code,
            person_id__in=by_person,
            event__is_cancelled=False,
            event__starts_at__gte=since,
            event__starts_at__lte=now,
        )
        .exclude(status=InvitationStatus.WITHDRAWN)
        .values("person_id", "status")
        .annotate(n=Count("id"))
        .values_list("person_id", "status", "n")
    ):
        answers[person_id][status] = count
    for person_id, counts in answers.items():
        row = by_person[person_id]
        row.invitations = sum(counts.values())
        row.answers = [
            (status.value, str(status.label), counts[status])
            for status in _ANSWER_ORDER
            if counts.get(status)
        ]
    access_log_record(
        by=user,
        action=AccessAction.VIEW,
        municipality_id=code,
        object_type="insights.not_seen",
        detail={"persons": sorted(by_person), "since": since.date().isoformat()},
    )
    return rows
