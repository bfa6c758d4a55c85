"""Reads for programmes: lists, the cohort page and its attendance grid.

Everything runs inside the user's municipality scope; the ``*_get_for``
functions answer the same 404 for a missing id and another municipality's.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import Role, User
from audit.models import AccessAction
from audit.services import access_log_record
from meetings.models import Attendance
from meetings.recurrence import STOCKHOLM
from programmes.models import Cohort, CohortMember, MemberRole, ParticipantKind, Programme, Session
from programmes.sessions import skipped_weeks
from register.domain import OPEN_STATUSES, AssignmentStatus, AssignmentType
from register.models import Assignment, Person
from tenancy.access import owned_or_404

PRESENT, ABSENT, NOT_RECORDED, CANCELLED = "present", "absent", "not_recorded", "cancelled"
# A user-mentor takes part while the assignment is open and approved (not during recruitment).
MENTOR_STATUSES = (AssignmentStatus.APPROVED, AssignmentStatus.ACTIVE, AssignmentStatus.PAUSED)
# Staff who can take part in a programme (administrators run the system, not the work).
PARTICIPANT_ROLES = (Role.SECRETARY, Role.UNIT_MANAGER, Role.COUNTY_COORDINATOR)


def eligible_staff(*, municipality_id: str) -> QuerySet[User]:
    """Active staff of the municipality who can be participants of a staff programme."""
    return User.objects.filter(municipality_id=municipality_id, is_active=True, role__in=PARTICIPANT_ROLES)


def eligible_assignees(*, municipality_id: str) -> QuerySet[Person]:
    """Persons holding an open assignment themselves or through their household."""
    own = Assignment.objects.filter(person=OuterRef("pk"), status__in=OPEN_STATUSES)
    household = Assignment.objects.filter(household=OuterRef("household"), status__in=OPEN_STATUSES)
    return Person.objects.filter(municipality_id=municipality_id).filter(Exists(own) | Exists(household))


def eligible_mentors(*, municipality_id: str) -> QuerySet[Person]:
    """Persons holding an approved, active or paused user-mentor assignment."""
    assignment = Assignment.objects.filter(
        person=OuterRef("pk"), type=AssignmentType.USER_MENTOR, status__in=MENTOR_STATUSES
    )
    return Person.objects.filter(municipality_id=municipality_id).filter(Exists(assignment))


def holder_name(user: User | None, person: Person | None) -> str:
    """The display name of a staff member or a person (one of the two kinds of member)."""
    return str(user if user is not None else person)


def member_name(member: CohortMember) -> str:
    """The member's display name (a staff member's full name or a person's name)."""
    return holder_name(member.user, member.person)


def programme_list(*, user: User) -> QuerySet[Programme]:
    """The municipality's programmes with how many cohorts each has."""
    return Programme.objects.filter(municipality_id=user.municipality_id).annotate(
        cohort_count=Count("cohorts")
    )


def programme_get_for(*, user: User, id: int) -> Programme:
    """The programme if it is the user's municipality's; 404 otherwise."""
    return owned_or_404(Programme, user=user, id=id)


def cohort_get_for(*, user: User, id: int) -> Cohort:
    """The cohort (with its programme) if it is the user's municipality's; 404 otherwise."""
    return owned_or_404(Cohort.objects.select_related("programme"), user=user, id=id)


def session_get_for(*, user: User, id: int) -> Session:
    """A programme session (not a network meeting) of the user's municipality; 404 otherwise."""
    return owned_or_404(Session.objects.select_related("cohort__programme"), user=user, id=id)


def member_get_for(*, user: User, id: int) -> CohortMember:
    """A cohort member of the user's municipality; 404 otherwise."""
    return owned_or_404(CohortMember.objects.select_related("cohort", "user", "person"), user=user, id=id)


def programme_cohorts(*, programme: Programme) -> QuerySet[Cohort]:
    """The programme's cohorts with their first and last planned session and member counts."""
    planned = Q(sessions__is_cancelled=False)
    current = Q(members__left_on__isnull=True)
    return (
        Cohort.objects.filter(programme=programme)
        .annotate(
            first_session=Min("sessions__starts_at", filter=planned),
            last_session=Max("sessions__starts_at", filter=planned),
            session_count=Count("sessions", filter=planned, distinct=True),
            participant_count=Count(
                "members", filter=current & Q(members__role=MemberRole.PARTICIPANT), distinct=True
            ),
            mentor_count=Count("members", filter=current & Q(members__role=MemberRole.MENTOR), distinct=True),
        )
        .order_by("-starts_on", "id")
    )


@dataclass(frozen=True)
class SessionRow:
    session: Session
    starts_at: datetime.datetime  # local time in Stockholm
    ends_at: datetime.datetime
    is_moved: bool
    original_starts_at: datetime.datetime
    has_started: bool


@dataclass(frozen=True)
class GridCell:
    session: Session
    state: str  # PRESENT, ABSENT, NOT_RECORDED or CANCELLED


@dataclass(frozen=True)
class GridRow:
    member: CohortMember
    name: str
    cells: list[GridCell]
    present: int
    recorded: int

    @property
    def rate(self) -> float | None:
        """Share of the recorded sessions the member was at (None before anything is recorded)."""
        return self.present / self.recorded if self.recorded else None


@dataclass(frozen=True)
class SessionTotal:
    session: Session
    present: int
    recorded: int

    @property
    def rate(self) -> float | None:
        return self.present / self.recorded if self.recorded else None


@dataclass(frozen=True)
class AttendanceGrid:
    sessions: list[Session]
    rows: list[GridRow]
    totals: list[SessionTotal]


def _sessions(cohort: Cohort) -> list[Session]:
    return list(Session.objects.filter(cohort=cohort).order_by("starts_at", "number"))


def _members(cohort: Cohort) -> list[CohortMember]:
    members = list(CohortMember.objects.filter(cohort=cohort).select_related("user", "person"))
    # Mentors first, then participants; each by name (names live in two tables).
    members.sort(key=lambda m: (m.role != MemberRole.MENTOR, member_name(m).casefold(), m.pk))
    return members


def _holder(person_id: int | None, user_id: int | None) -> str:
    """One key for "who" across the two kinds of member (a person or a staff member)."""
    return f"person:{person_id}" if person_id is not None else f"user:{user_id}"


def cohort_attendance_grid(cohort: Cohort) -> AttendanceGrid:
    """Attendance per member and session, with a rate per member and per session.

    Three queries whatever the cohort's size (sessions, members, marks). A rate is
    present / recorded: a session nobody recorded does not count against anyone.
    """
    return _grid(cohort, _sessions(cohort), _members(cohort))


def _grid(cohort: Cohort, sessions: list[Session], members: list[CohortMember]) -> AttendanceGrid:
    marks: dict[tuple[int, str], bool] = {
        (event_id, _holder(person_id, user_id)): is_present
        for event_id, person_id, user_id, is_present in Attendance.objects.filter(
            event__session__cohort=cohort
        ).values_list("event_id", "person_id", "user_id", "is_present")
    }
    rows: list[GridRow] = []
    session_present = dict.fromkeys((s.pk for s in sessions), 0)
    session_recorded = dict.fromkeys((s.pk for s in sessions), 0)
    for member in members:
        key = _holder(member.person_id, member.user_id)
        cells: list[GridCell] = []
        present = recorded = 0
        for session in sessions:
            mark = marks.get((session.pk, key))
            if session.is_cancelled:
                state = CANCELLED
            elif mark is None:
                state = NOT_RECORDED
            else:
                state = PRESENT if mark else ABSENT
                recorded += 1
                session_recorded[session.pk] += 1
                if mark:
                    present += 1
                    session_present[session.pk] += 1
            cells.append(GridCell(session=session, state=state))
        rows.append(GridRow(member, member_name(member), cells, present, recorded))
    totals = [SessionTotal(s, session_present[s.pk], session_recorded[s.pk]) for s in sessions]
    return AttendanceGrid(sessions=sessions, rows=rows, totals=totals)


@dataclass(frozen=True)
class CohortDetail:
    cohort: Cohort
    programme: Programme
    sessions: list[SessionRow]
    skipped: list[tuple[datetime.date, str]]
    members: list[CohortMember]
    grid: AttendanceGrid


def _session_row(session: Session) -> SessionRow:
    return SessionRow(
        session=session,
        starts_at=timezone.localtime(session.starts_at, STOCKHOLM),
        ends_at=timezone.localtime(session.ends_at, STOCKHOLM),
        is_moved=session.starts_at != session.original_starts_at,
        original_starts_at=timezone.localtime(session.original_starts_at, STOCKHOLM),
        has_started=session.starts_at <= timezone.now(),
    )


def cohort_detail(*, user: User, id: int) -> CohortDetail:
    """The cohort page: sessions (moved and cancelled marked, holidays skipped noted),
    members and the attendance grid. Shows names, so it writes one access-log row."""
    cohort = cohort_get_for(user=user, id=id)
    sessions = _sessions(cohort)
    members = _members(cohort)
    access_log_record(
        by=user, action=AccessAction.VIEW, municipality_id=cohort.municipality_id, instance=cohort
    )
    return CohortDetail(
        cohort=cohort,
        programme=cohort.programme,
        sessions=[_session_row(s) for s in sessions],
        skipped=skipped_weeks(first=cohort.starts_on, count=len(sessions)),
        members=members,
        grid=_grid(cohort, sessions, members),
    )


def session_detail(*, session: Session) -> SessionRow:
    """The session's times in Stockholm, with whether it was moved or has started."""
    return _session_row(session)


def session_roll(*, user: User, session: Session) -> list[tuple[CohortMember, str, bool | None]]:
    """Who can be marked at the session: members who had not left before it (and anyone
    already marked), with their current mark. Shows names: one access-log row."""
    day = timezone.localtime(session.starts_at, STOCKHOLM).date()
    marks = {
        _holder(person_id, user_id): present
        for person_id, user_id, present in Attendance.objects.filter(event=session).values_list(
            "person_id", "user_id", "is_present"
        )
    }
    roll = [
        (m, member_name(m), marks.get(_holder(m.person_id, m.user_id)))
        for m in _members(session.cohort)
        if m.left_on is None or m.left_on >= day or _holder(m.person_id, m.user_id) in marks
    ]
    access_log_record(
        by=user, action=AccessAction.VIEW, municipality_id=session.municipality_id, instance=session
    )
    return roll


def participant_choices(*, cohort: Cohort) -> QuerySet[User] | QuerySet[Person]:
    """Who can still be added as a participant: staff or assignees, as the programme says."""
    current = CohortMember.objects.filter(cohort=cohort, left_on__isnull=True)
    if cohort.programme.participant_kind == ParticipantKind.STAFF:
        return (
            eligible_staff(municipality_id=cohort.municipality_id)
            .exclude(pk__in=current.filter(user__isnull=False).values("user_id"))
            .order_by("first_name", "last_name", "username")
        )
    return (
        eligible_assignees(municipality_id=cohort.municipality_id)
        .exclude(pk__in=current.filter(person__isnull=False).values("person_id"))
        .order_by("last_name", "first_name", "id")
    )


def mentor_choices(*, cohort: Cohort) -> QuerySet[Person]:
    """Persons with an open user-mentor assignment who are not in the cohort now."""
    current = CohortMember.objects.filter(cohort=cohort, left_on__isnull=True, person__isnull=False)
    return (
        eligible_mentors(municipality_id=cohort.municipality_id)
        .exclude(pk__in=current.values("person_id"))
        .order_by("last_name", "first_name", "id")
    )
