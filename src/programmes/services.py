"""Programme, cohort, session and member changes. Each function is one
user-visible change: atomic, validated, with its change history written in the
same transaction; a refusal changes nothing.

A cohort's sessions are ``Session`` rows (``meetings.Event`` of kind "session" with
their cohort), generated weekly from the first date and skipping Swedish holidays
(``programmes.sessions``).
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from kernel.records import record_create, record_update
from meetings.attendance import attendance_record
from meetings.models import Attendance, Event, EventKind
from meetings.recurrence import STOCKHOLM
from programmes.models import Cohort, CohortMember, MemberRole, ParticipantKind, Programme, Session
from programmes.selectors import (
    eligible_assignees,
    eligible_mentors,
    eligible_staff,
    holder_name,
    member_name,
)
from programmes.sessions import session_dates
from register.models import Person
from tenancy.scope import municipality_of

SESSIONS_MIN, SESSIONS_MAX = 1, 20
DURATION_MIN, DURATION_MAX = 15, 480

PROGRAMME_FIELDS = [
    "name",
    "description",
    "participant_kind",
    "sessions_per_cohort",
    "start_time",
    "duration_minutes",
    "place",
    "starts_on",
    "ends_on",
]
COHORT_FIELDS = ["programme", "name", "starts_on", "start_time", "duration_minutes", "place"]
SESSION_FIELDS = ["starts_at", "ends_at", "place", "is_cancelled", "cancel_reason"]
MEMBER_FIELDS = ["role", "user", "person", "left_on"]


def local_datetime(day: datetime.date, at: datetime.time) -> datetime.datetime:
    """Wall-clock time in Stockholm as an aware datetime (18:00 stays 18:00 across DST)."""
    return datetime.datetime.combine(day, at).replace(tzinfo=STOCKHOLM)


def _local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment, STOCKHOLM).date()


def _period_text(programme: Programme) -> str:
    return f"{programme.starts_on.isoformat()}–{programme.ends_on.isoformat()}"


# --- Programmes ---------------------------------------------------------------------------


def _validate_programme(values: Mapping[str, Any]) -> None:
    errors: dict[str, Any] = {}
    if not values["name"]:
        errors["name"] = _("Give the programme a name.")
    if values["participant_kind"] not in ParticipantKind.values:
        errors["participant_kind"] = _("Choose who the participants are.")
    sessions = values["sessions_per_cohort"]
    if sessions is None or not SESSIONS_MIN <= sessions <= SESSIONS_MAX:
        errors["sessions_per_cohort"] = _("A cohort has between %(low)s and %(high)s sessions.") % {
            "low": SESSIONS_MIN,
            "high": SESSIONS_MAX,
        }
    duration = values["duration_minutes"]
    if duration is None or not DURATION_MIN <= duration <= DURATION_MAX:
        errors["duration_minutes"] = _("A session lasts between %(low)s and %(high)s minutes.") % {
            "low": DURATION_MIN,
            "high": DURATION_MAX,
        }
    if values["start_time"] is None:
        errors["start_time"] = _("Say when the sessions start.")
    if values["starts_on"] is None:
        errors["starts_on"] = _("Say when the programme starts.")
    if values["ends_on"] is None:
        errors["ends_on"] = _("Say when the programme ends.")
    elif values["starts_on"] is not None and values["ends_on"] < values["starts_on"]:
        errors["ends_on"] = _("The programme cannot end before it starts.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def programme_create(
    *,
    by: User,
    name: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    start_time: datetime.time,
    description: str = "",
    participant_kind: str = ParticipantKind.STAFF,
    sessions_per_cohort: int = 8,
    duration_minutes: int = 120,
    place: str = "",
) -> Programme:
    """Create a programme with its default cohort shape and the period it runs."""
    municipality_id = municipality_of(by)
    values: dict[str, Any] = {
        "name": name.strip(),
        "description": description.strip(),
        "participant_kind": participant_kind,
        "sessions_per_cohort": sessions_per_cohort,
        "start_time": start_time,
        "duration_minutes": duration_minutes,
        "place": place.strip(),
        "starts_on": starts_on,
        "ends_on": ends_on,
    }
    _validate_programme(values)
    programme = Programme(
        municipality_id=municipality_id,
        created_by=by,
        # HMAC key for the pseudonymised export: random, per programme, never shown.
        pseudonym_key=secrets.token_hex(32),
        **values,
    )
    programme.full_clean(exclude=["created_by"], validate_constraints=False)
    return record_create(programme, by=by, tracked=PROGRAMME_FIELDS)


@transaction.atomic
def programme_update(*, by: User, programme: Programme, version: int, **changes: Any) -> Programme:
    """Change a programme's description, shape or period; refuses a stale version, a
    period that would leave a planned session outside it, and a change of participant
    kind once participants are enrolled."""
    unknown = set(changes) - set(PROGRAMME_FIELDS)
    if unknown:
        raise TypeError(f"programme_update() got unexpected fields {sorted(unknown)!r}")
    cleaned = {name: value.strip() if isinstance(value, str) else value for name, value in changes.items()}
    values = {name: cleaned.get(name, getattr(programme, name)) for name in PROGRAMME_FIELDS}
    _validate_programme(values)
    if values["participant_kind"] != programme.participant_kind and (
        CohortMember.objects.filter(cohort__programme=programme, role=MemberRole.PARTICIPANT).exists()
    ):
        raise ValidationError(
            {"participant_kind": _("The programme already has participants; who they are cannot change.")}
        )
    outside = (
        Session.objects.filter(cohort__programme=programme, is_cancelled=False)
        .filter(
            Q(starts_at__lt=local_datetime(values["starts_on"], datetime.time.min))
            | Q(
                starts_at__gte=local_datetime(
                    values["ends_on"] + datetime.timedelta(days=1), datetime.time.min
                )
            )
        )
        .select_related("cohort")
        .order_by("starts_at")
        .first()
    )
    if outside is not None:
        day = _local_date(outside.starts_at)
        field = "starts_on" if day < values["starts_on"] else "ends_on"
        raise ValidationError(
            {
                field: _(
                    "%(cohort)s has a session on %(date)s, outside that period. "
                    "Move or cancel the session first."
                )
                % {"cohort": outside.cohort, "date": day.isoformat()}
            }
        )
    return record_update(programme, by=by, tracked=PROGRAMME_FIELDS, values=cleaned, version=version)


# --- Cohorts and their sessions ----------------------------------------------------------


@transaction.atomic
def cohort_create(
    *,
    by: User,
    programme: Programme,
    name: str,
    starts_on: datetime.date,
    start_time: datetime.time | None = None,
    duration_minutes: int | None = None,
    place: str | None = None,
) -> Cohort:
    """Start a cohort and generate its sessions: the programme's number of them,
    weekly from ``starts_on``, skipping Swedish holidays, all inside the programme's
    period. Dates in the past are allowed (cohorts that already ran are registered
    afterwards)."""
    municipality_id = municipality_of(by)
    if programme.municipality_id != municipality_id:
        raise ValidationError(_("The programme belongs to another municipality."))
    cohort = Cohort(
        municipality_id=municipality_id,
        programme=programme,
        name=name.strip(),
        starts_on=starts_on,
        start_time=start_time if start_time is not None else programme.start_time,
        duration_minutes=duration_minutes if duration_minutes is not None else programme.duration_minutes,
        place=(programme.place if place is None else place).strip(),
        created_by=by,
    )
    errors: dict[str, Any] = {}
    if not cohort.name:
        errors["name"] = _("Give the cohort a name.")
    elif Cohort.objects.filter(programme=programme, name__iexact=cohort.name).exists():
        errors["name"] = _("The programme already has a cohort called “%(name)s”.") % {"name": cohort.name}
    if not DURATION_MIN <= cohort.duration_minutes <= DURATION_MAX:
        errors["duration_minutes"] = _("A session lasts between %(low)s and %(high)s minutes.") % {
            "low": DURATION_MIN,
            "high": DURATION_MAX,
        }
    dates = session_dates(first=starts_on, count=programme.sessions_per_cohort)
    outside = [(n, day) for n, day in enumerate(dates, start=1) if not _in_period(programme, day)]
    if outside:
        n, day = outside[0]
        errors["starts_on"] = (
            _("The first session, %(date)s, is outside the programme's period (%(period)s).")
            if n == 1
            else _(
                "Session %(n)s would be on %(date)s, outside the programme's period (%(period)s). "
                "Start earlier or extend the programme."
            )
        ) % {"n": n, "date": day.isoformat(), "period": _period_text(programme)}
    if errors:
        raise ValidationError(errors)
    cohort.full_clean(exclude=["programme", "created_by"], validate_constraints=False)
    record_create(cohort, by=by, tracked=COHORT_FIELDS)
    length = datetime.timedelta(minutes=cohort.duration_minutes)
    for n, day in enumerate(dates, start=1):
        starts_at = local_datetime(day, cohort.start_time)
        # One at a time: a session is two rows (its event and itself), which bulk_create cannot write.
        Session.objects.create(
            municipality_id=municipality_id,
            kind=EventKind.SESSION,
            cohort=cohort,
            number=n,
            # Stored in the language of the user who created it, like any text they type.
            title=gettext("%(cohort)s – session %(n)s") % {"cohort": cohort.name, "n": n},
            starts_at=starts_at,
            ends_at=starts_at + length,
            original_starts_at=starts_at,
            place=cohort.place,
        )
    return cohort


def _in_period(programme: Programme, day: datetime.date) -> bool:
    return programme.starts_on <= day <= programme.ends_on


def _require_session(session: Session) -> None:
    if not isinstance(session, Session) or session.kind != EventKind.SESSION:
        raise ValidationError(_("This is not a programme session."))


def _check_slot(
    session: Session, *, programme: Programme, starts_at: datetime.datetime, ends_at: datetime.datetime
) -> None:
    """The session must lie inside its programme's period and overlap no other
    session of its cohort that is not cancelled."""
    for moment in (starts_at, ends_at):
        day = _local_date(moment)
        if not _in_period(programme, day):
            raise ValidationError(
                _("The session would be on %(date)s, outside the programme's period (%(period)s).")
                % {"date": day.isoformat(), "period": _period_text(programme)},
                code="outside_period",
            )
    clash = (
        Session.objects.filter(
            cohort_id=session.cohort_id, is_cancelled=False, starts_at__lt=ends_at, ends_at__gt=starts_at
        )
        .exclude(pk=session.pk)
        .first()
    )
    if clash is not None:
        start = timezone.localtime(clash.starts_at, STOCKHOLM)
        raise ValidationError(
            _("The time overlaps session %(n)s of the cohort (%(date)s %(time)s).")
            % {"n": clash.number, "date": start.date().isoformat(), "time": start.strftime("%H:%M")},
            code="overlap",
        )


def _lock_cohort(session: Session) -> Cohort:
    """The session's cohort (with its programme), row-locked: two moves in the same
    cohort at once could otherwise each see the other's old slot as free."""
    return (
        Cohort.objects.select_for_update(of=("self",)).select_related("programme").get(pk=session.cohort_id)
    )


def _session_change(by: User, session: Session, version: int, fields: dict[str, Any]) -> Session:
    # iCalendar SEQUENCE: calendars replace their copy only when it rises.
    values = {**fields, "sequence": session.sequence + 1}
    return record_update(session, by=by, tracked=SESSION_FIELDS, values=values, version=version)


@transaction.atomic
def session_move(
    *,
    by: User,
    session: Session,
    version: int,
    starts_at: datetime.datetime,
    duration_minutes: int,
    place: str,
) -> Session:
    """Move one session (and change its length or place). Its original time is kept
    for the calendars; the new time must not overlap another session of the cohort
    nor fall outside the programme's period."""
    _require_session(session)
    if session.is_cancelled:
        raise ValidationError(_("The session is cancelled. Restore it before moving it."))
    if not DURATION_MIN <= duration_minutes <= DURATION_MAX:
        raise ValidationError(
            {
                "duration_minutes": _("A session lasts between %(low)s and %(high)s minutes.")
                % {"low": DURATION_MIN, "high": DURATION_MAX}
            }
        )
    if timezone.is_naive(starts_at):
        starts_at = starts_at.replace(tzinfo=STOCKHOLM)
    ends_at = starts_at + datetime.timedelta(minutes=duration_minutes)
    cohort = _lock_cohort(session)
    _check_slot(session, programme=cohort.programme, starts_at=starts_at, ends_at=ends_at)
    if starts_at > timezone.now() and Attendance.objects.filter(event=session).exists():
        raise ValidationError(
            _(
                "Attendance has been recorded for this session; "
                "it cannot be moved to a time that has not come."
            )
        )
    return _session_change(
        by, session, version, {"starts_at": starts_at, "ends_at": ends_at, "place": place.strip()}
    )


@transaction.atomic
def session_cancel(*, by: User, session: Session, version: int, reason: str) -> Session:
    """Cancel one session; the others keep their dates. Refused once attendance is recorded."""
    _require_session(session)
    reason = reason.strip()
    if session.is_cancelled:
        raise ValidationError(_("The session is already cancelled."))
    if not reason:
        raise ValidationError({"reason": _("Say why the session is cancelled.")})
    if len(reason) > 200:
        raise ValidationError({"reason": _("The reason can be at most 200 characters.")})
    # The row lock orders this against a concurrent attendance record of the same session.
    Event.objects.select_for_update().filter(pk=session.pk).first()
    if Attendance.objects.filter(event=session).exists():
        raise ValidationError(
            _("Attendance has already been recorded for this session, so it cannot be cancelled.")
        )
    return _session_change(by, session, version, {"is_cancelled": True, "cancel_reason": reason})


@transaction.atomic
def session_restore(*, by: User, session: Session, version: int) -> Session:
    """Undo a cancellation, if the session's time is still free and inside the period."""
    _require_session(session)
    if not session.is_cancelled:
        raise ValidationError(_("The session is not cancelled."))
    cohort = _lock_cohort(session)
    _check_slot(session, programme=cohort.programme, starts_at=session.starts_at, ends_at=session.ends_at)
    return _session_change(by, session, version, {"is_cancelled": False, "cancel_reason": ""})


# --- Members --------------------------------------------------------------------------------


def _validate_member(*, cohort: Cohort, role: str, user: User | None, person: Person | None) -> None:
    if role not in MemberRole.values:
        raise ValidationError({"role": _("Choose participant or mentor.")})
    if (user is None) == (person is None):
        raise ValidationError(_("Choose one staff member or one person."))
    holder = user if user is not None else person
    if getattr(holder, "municipality_id", None) != cohort.municipality_id:
        raise ValidationError(_("Only staff and persons of the cohort's municipality can be members."))
    name = holder_name(user, person)
    if role == MemberRole.MENTOR:
        if person is None:
            raise ValidationError(
                _("A mentor is a person with a user-mentor assignment, not a staff member.")
            )
        if not eligible_mentors(municipality_id=cohort.municipality_id).filter(pk=person.pk).exists():
            raise ValidationError(
                _("%(name)s has no approved or active user-mentor assignment.") % {"name": name}
            )
        return
    if cohort.programme.participant_kind == ParticipantKind.STAFF:
        if user is None:
            raise ValidationError(_("The participants of this programme are staff members."))
        if not eligible_staff(municipality_id=cohort.municipality_id).filter(pk=user.pk).exists():
            raise ValidationError(_("%(name)s is not an active staff member.") % {"name": name})
    else:
        if person is None:
            raise ValidationError(_("The participants of this programme are assignees, not staff members."))
        if not eligible_assignees(municipality_id=cohort.municipality_id).filter(pk=person.pk).exists():
            raise ValidationError(_("%(name)s holds no open assignment.") % {"name": name})


@transaction.atomic
def cohort_member_add(
    *, by: User, cohort: Cohort, role: str, user: User | None = None, person: Person | None = None
) -> CohortMember:
    """Add a participant or a mentor to a cohort. Participants are staff or assignees
    as the programme says; mentors hold a user-mentor assignment. A member who left
    may rejoin; a current member is not added twice."""
    municipality_id = municipality_of(by)
    if cohort.municipality_id != municipality_id:
        raise ValidationError(_("The cohort belongs to another municipality."))
    _validate_member(cohort=cohort, role=role, user=user, person=person)
    name = holder_name(user, person)
    same = Q(user=user) if user is not None else Q(person=person)
    existing = CohortMember.objects.select_for_update().filter(same, cohort=cohort).first()
    if existing is not None and existing.left_on is None:
        raise ValidationError(
            _("%(name)s is already in the cohort as %(role)s.")
            % {"name": name, "role": existing.get_role_display().lower()}
        )
    if existing is not None:
        # The row is locked (select_for_update above): a plain update is safe.
        return record_update(existing, by=by, tracked=MEMBER_FIELDS, values={"role": role, "left_on": None})
    member = CohortMember(municipality_id=municipality_id, cohort=cohort, role=role, user=user, person=person)
    try:
        with transaction.atomic():
            return record_create(member, by=by, tracked=MEMBER_FIELDS)
    except IntegrityError:
        # Someone added the same member a moment ago (the unique constraint decides).
        raise ValidationError(_("%(name)s is already in the cohort.") % {"name": name}) from None


@transaction.atomic
def cohort_member_remove(
    *, by: User, member: CohortMember, left_on: datetime.date | None = None
) -> CohortMember:
    """Record that a member left the cohort; their attendance so far is kept."""
    left_on = left_on or timezone.localdate()
    # The row lock orders two removals of the same member: the second sees that they left.
    stored = CohortMember.objects.select_for_update().filter(pk=member.pk).values_list("left_on", flat=True)
    if stored.first() is not None:
        raise ValidationError(_("%(name)s has already left the cohort.") % {"name": member_name(member)})
    return record_update(member, by=by, tracked=MEMBER_FIELDS, values={"left_on": left_on})


@transaction.atomic
def session_attendance_record(*, by: User, session: Session, present: Mapping[int, bool]) -> int:
    """Mark cohort members present or absent at one session; members not named are
    left as they were. Only members of the session's cohort can be marked."""
    _require_session(session)
    # Read the session under its row lock: a cancellation at the same moment waits for us or wins.
    locked = Session.objects.select_for_update().get(pk=session.pk)
    members = {
        member.pk: member
        for member in CohortMember.objects.filter(cohort_id=locked.cohort_id, pk__in=present)
    }
    if set(present) - set(members):
        raise ValidationError(_("Only members of the cohort can be marked present or absent."))
    persons = {m.person_id: present[pk] for pk, m in members.items() if m.person_id is not None}
    users = {m.user_id: present[pk] for pk, m in members.items() if m.user_id is not None}
    return attendance_record(by=by, event=locked, persons=persons, users=users)
